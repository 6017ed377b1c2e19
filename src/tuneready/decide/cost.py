"""Monthly cost of each path: prompting, full fine-tune (hosted), LoRA (self-hosted).

Pure functions over a price table loaded from a dated TOML file users edit; no price lives in
code. The comparison the decision uses is the steady-state monthly cost; the one-off training
cost is reported with its break-even month.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError

MILLION = 1_000_000


@dataclass(frozen=True)
class Usage:
    """What one month of production looks like, in tokens."""

    calls_per_month: int
    input_tokens: int  #: the user's own input per call
    output_tokens: int  #: the answer per call
    instruction_tokens: int  #: fixed instructions the prompt path sends every call
    few_shot_tokens: int  #: examples the prompt path sends every call
    training_tokens: int  #: one epoch of the fine-tuning set
    epochs: int = 3
    cache_share: float = 1.0  #: share of the static prefix billed at the cached price


@dataclass(frozen=True)
class PathCost:
    path: str
    one_off: float
    monthly: float
    per_call_tokens: int
    break_even_month: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["one_off"] = round(self.one_off, 2)
        out["monthly"] = round(self.monthly, 2)
        if self.break_even_month is not None:
            out["break_even_month"] = round(self.break_even_month, 1)
        return out


def load_prices(path: str | Path | None = None) -> dict[str, Any]:
    if path:
        try:
            return tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise InputError("no such price file", path=str(path)) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML ({exc})", path=str(path)) from None
    text = resources.files("tuneready.config").joinpath("prices.toml").read_text("utf-8")
    return tomllib.loads(text)


def model_prices(prices: dict[str, Any], model: str) -> dict[str, float]:
    models = prices.get("models", {})
    if model not in models:
        raise InputError(f"model '{model}' is not in the price table; known: "
                         + ", ".join(sorted(models)))
    return {k: float(v) for k, v in models[model].items()}


def prompt_cost(u: Usage, p: dict[str, float]) -> PathCost:
    static = u.instruction_tokens + u.few_shot_tokens
    cached = static * u.cache_share
    per_call = ((static - cached) * p["input"] + cached * p["cached_input"]
                + u.input_tokens * p["input"] + u.output_tokens * p["output"]) / MILLION
    return PathCost("prompt_engineering", 0.0, per_call * u.calls_per_month,
                    static + u.input_tokens, None,
                    f"{u.few_shot_tokens:,} few-shot + {u.instruction_tokens:,} instruction "
                    "tokens sent with every call")


def fine_tune_cost(u: Usage, p: dict[str, float], prompt_monthly: float) -> PathCost:
    one_off = u.training_tokens * u.epochs * p["train"] / MILLION
    per_call = (u.input_tokens * p["tuned_input"] + u.output_tokens * p["tuned_output"]) / MILLION
    monthly = per_call * u.calls_per_month
    return PathCost("full_fine_tune", one_off, monthly, u.input_tokens,
                    _break_even(one_off, prompt_monthly, monthly),
                    f"{u.epochs} epochs over {u.training_tokens:,} tokens; tuned-model prices")


def lora_cost(u: Usage, s: dict[str, float], prompt_monthly: float) -> PathCost:
    one_off = u.training_tokens * u.epochs * s["lora_train"] / MILLION
    gpus = max(1, math.ceil(u.calls_per_month / s["calls_per_gpu_month"]))
    monthly = gpus * s["gpu_hour"] * s["hours_per_month"]
    return PathCost("lora", one_off, monthly, u.input_tokens,
                    _break_even(one_off, prompt_monthly, monthly),
                    f"self-hosted open model on {gpus} GPU(s) running all month")


def _break_even(one_off: float, prompt_monthly: float, tuned_monthly: float) -> float | None:
    """Months until the one-off cost is paid back by cheaper calls; None if it never is."""
    saving = prompt_monthly - tuned_monthly
    if saving <= 0:
        return None
    return one_off / saving


def compare(u: Usage, prices: dict[str, Any], model: str) -> list[PathCost]:
    p = model_prices(prices, model)
    s = {k: float(v) for k, v in prices.get("self_hosted", {}).items()}
    prompt = prompt_cost(u, p)
    return [prompt, lora_cost(u, s, prompt.monthly), fine_tune_cost(u, p, prompt.monthly)]
