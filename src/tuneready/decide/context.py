"""Deployment context: what the team needs in production, and the token usage it implies.

The context comes from the policy's ``[context]`` table, overridden by CLI flags. Unknown
token sizes are measured from the dataset itself with the real tokenizer: the typical input
and answer, and the few-shot block a prompt would need (a few real examples per class, or a
fixed number for free-form tasks).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tuneready.config.policy import Policy
from tuneready.config.typed import Table
from tuneready.decide.cost import Usage, compare, load_prices, usable_offers
from tuneready.evidence.store import Evidence

TASKS = ("behaviour", "knowledge", "unknown")


@dataclass(frozen=True)
class DeploymentContext(Table):
    """``[context]`` (``default.toml`` says what each key means), overridden by CLI flags."""

    table = "context"
    calls_per_month: int
    input_tokens: int
    output_tokens: int
    instruction_tokens: int
    few_shot_per_class: int
    few_shot_examples: int
    latency_ms: int
    must_run_locally: bool
    baseline_score: float
    target_score: float
    task: str
    model: str
    prices: str
    epochs: int
    long_prompt_tokens: int
    #: the prompt file the prompting path would use: its exact tokens replace
    #: ``instruction_tokens`` and its sha256 is recorded (``tuneready diff`` shows a change)
    prompt: str

    @classmethod
    def with_overrides(cls, policy: Policy, overrides: dict[str, Any] | None = None
                       ) -> DeploymentContext:
        """The policy's table with the command line's values (validated and typed like a
        policy file's)."""
        ctx = cls.from_policy(policy.with_overrides("context", overrides or {}))
        if ctx.task not in TASKS:
            from tuneready.config.errors import InputError

            raise InputError(f"unknown task '{ctx.task}'; choose one of {', '.join(TASKS)}",
                             field="task")
        return ctx

    @property
    def has_volume(self) -> bool:
        return self.calls_per_month > 0


def measure_usage(ctx: DeploymentContext, evidence: Evidence) -> tuple[Usage, dict[str, Any]]:
    """Token usage per call and for training, measured from the dataset where not given."""
    data = evidence.data
    n = data.n
    inp = evidence.input_tokens if n else np.zeros(1, dtype=np.int64)
    out = evidence.target_tokens if n else np.zeros(1, dtype=np.int64)
    if data.format in ("classification", "text") and data.has_labels:
        out = np.full_like(inp, 3)  # a label answer is a few tokens
    example = int(np.median(inp + out)) + 8 if n else 0  # + chat formatting overhead
    k = ctx.few_shot_examples
    if data.has_labels:
        k = ctx.few_shot_per_class * int(data.frame["label"].nunique())
    prompt = prompt_file(ctx.prompt, evidence.encoding) if ctx.prompt else None
    usage = Usage(
        calls_per_month=ctx.calls_per_month,
        input_tokens=ctx.input_tokens or int(np.median(inp)),
        output_tokens=ctx.output_tokens or max(1, int(np.median(out))),
        instruction_tokens=prompt["tokens"] if prompt else ctx.instruction_tokens,
        few_shot_tokens=k * example,
        training_tokens=int(inp.sum() + out.sum()) if n else 0,
        epochs=ctx.epochs,
    )
    measured = {"few_shot_examples": k, "tokens_per_example": example,
                "prompt_tokens_per_call": usage.instruction_tokens + usage.few_shot_tokens
                + usage.input_tokens}
    return usage, measured


def prompt_file(path: str, encoding: str) -> dict[str, Any]:
    """The prompt file's exact token count (the audit's tokenizer) and sha256."""
    from tuneready.config.errors import InputError
    from tuneready.evidence.tokens import count_tokens

    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError("no such prompt file", path=path, field="--prompt") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the prompt file ({exc})", path=path,
                         field="--prompt") from None
    return {"path": path, "sha256": hashlib.sha256(raw).hexdigest(),
            "tokens": count_tokens([text], encoding)[0], "encoding": encoding}


def context_block(ctx: DeploymentContext, evidence: Evidence) -> dict[str, Any]:
    """The ``context`` section of the audit: inputs, measured usage, the cost table (the
    cheapest provider per path, each with its date) and the prompt file, when given."""
    usage, measured = measure_usage(ctx, evidence)
    prices = load_prices(ctx.prices or None)
    pool = usable_offers(prices, ctx.model)
    block: dict[str, Any] = {"inputs": asdict(ctx), "usage": asdict(usage),
                             "measured": measured,
                             "prices": {"as_of": prices.get("as_of"),
                                        "version": prices.get("version"),
                                        "model": ctx.model,
                                        "offers": [o.describe() for o in pool]}}
    if ctx.prompt:
        block["prompt"] = prompt_file(ctx.prompt, evidence.encoding)
    if ctx.has_volume:
        block["costs"] = [c.to_dict() for c in compare(usage, prices, ctx.model)]
    return block
