"""Deployment context: what the team needs in production, and the token usage it implies.

The context comes from the policy's ``[context]`` table, overridden by CLI flags. Unknown
token sizes are measured from the dataset itself with the real tokenizer: the typical input
and answer, the few-shot block a prompt would need (a few real examples per class, or a
fixed number for free-form tasks), and the p95 sequence length training memory depends on.

Availability depends on the day (``[context] date``, empty = today in UTC): the block records
the range of days that give the same offers (``availability.window``), not the day itself,
so a rerun on another day in that range writes the same JSON, and one outside it shows why
it changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tuneready.config.policy import Policy
from tuneready.config.typed import Table
from tuneready.decide.compute import compute_block
from tuneready.decide.cost import Usage, compare, load_prices
from tuneready.decide.pool import Pool, availability_block, build, offer_states
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
    #: the day availability is judged on (YYYY-MM-DD); empty = today (UTC)
    date: str
    #: the open model whose training compute is estimated (``[[open_models]]``)
    model_size: str
    #: the GPU the compute table is shown on (``[[gpus]]``)
    gpu: str
    #: model-FLOPs utilisation assumed for training and the serving capacity bound
    utilisation: float
    #: LoRA rank for the adapters' size in memory
    lora_rank: int

    @classmethod
    def with_overrides(cls, policy: Policy, overrides: dict[str, Any] | None = None
                       ) -> DeploymentContext:
        """The policy's table with the command line's values (validated and typed like a
        policy file's)."""
        from tuneready.config.errors import InputError

        ctx = cls.from_policy(policy.with_overrides("context", overrides or {}))
        if ctx.task not in TASKS:
            raise InputError(f"unknown task '{ctx.task}'; choose one of {', '.join(TASKS)}",
                             field="task")
        if ctx.date:
            try:
                dt.date.fromisoformat(ctx.date)
            except ValueError:
                raise InputError(f"'{ctx.date}' is not a date (YYYY-MM-DD)",
                                 field="date") from None
        return ctx

    @property
    def day(self) -> dt.date:
        """The day availability is judged on."""
        return (dt.date.fromisoformat(self.date) if self.date
                else dt.datetime.now(dt.UTC).date())

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
                + usage.input_tokens,
                "seq_p95": int(np.ceil(np.percentile(inp + out, 95))) if n else 0}
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
    """The ``context`` section of the audit: inputs, measured usage, the price table's offers
    with their state on the day, the availability window, the training compute of the open
    model, the cost table (the cheapest open offer per path, each with its date) and the
    prompt file, when given."""
    usage, measured = measure_usage(ctx, evidence)
    prices = load_prices(ctx.prices or None)
    inputs = asdict(ctx)
    day = ctx.day
    pool = build(prices, inputs, usage, day)
    block: dict[str, Any] = {"inputs": inputs, "usage": asdict(usage), "measured": measured,
                             "prices": {"as_of": prices.get("as_of"),
                                        "version": prices.get("version"),
                                        "model": ctx.model,
                                        "offers": offer_states(pool, day)},
                             "availability": availability_block(pool, day),
                             "compute": compute_block(prices, inputs, usage,
                                                      int(measured["seq_p95"]), pool.offers)}
    if ctx.prompt:
        block["prompt"] = prompt_file(ctx.prompt, evidence.encoding)
    if ctx.has_volume:
        block.update(cost_tables(usage, pool))
    return block


def cost_tables(usage: Usage, pool: Pool) -> dict[str, Any]:
    """``costs`` (cheapest open offer per path) and ``unpriced`` (paths with none: the
    report asks for the user's own price)."""
    from tuneready.config.errors import InputError

    if not any(o.path == "prompt_engineering" for o in pool.offers):
        raise InputError("the price table has no open prompt_engineering offer on this day; "
                         "give your own prices with --prices FILE (README: Cost of each path)")
    costs = [c.to_dict() for c in compare(usage, pool.offers)]
    for row in costs:  # a closing offer counts against its path: what it costs without it
        if row["closes"]:
            rest = [o for o in pool.offers if not (o.path == row["path"]
                                                   and o.availability.get("closes"))]
            alt = next((c for c in compare(usage, rest) if c.path == row["path"]), None)
            row["without_closing"] = ({"provider": alt.provider, "model": alt.model,
                                       "total_monthly": round(alt.total_monthly, 2)}
                                      if alt is not None else None)
    return {"costs": costs, "unpriced": pool.unpriced()}
