"""Monthly cost of each path, from a dated price table of providers per path.

Pure functions over a price table loaded from a TOML file users edit; no price lives in
code. Each path's cost at a volume of V calls a month is a closed form,
``fixed + per_call x V`` (a self-hosted GPU adds whole GPUs as V grows), where ``fixed`` is
the one-off training cost spread over ``AMORTISE_MONTHS`` plus any hosting fee. The cost table
shows, per path, the provider that is cheapest at the given volume; ``tuneready.decide.crossover``
solves the same forms for the volumes where the cheapest path changes.
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
#: the one-off training cost is spread over this many months in the comparison
AMORTISE_MONTHS = 12
PATH_NAMES = ("prompt_engineering", "lora", "full_fine_tune")
_NEEDS = {"prompt_engineering": ("input", "cached_input", "output"),
          "full_fine_tune": ("train", "tuned_input", "tuned_output"),
          "hosted": ("train", "tuned_input", "tuned_output"),
          "gpu": ("gpu_hour", "train", "calls_per_gpu_month", "hours_per_month")}


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
class Offer:
    """One provider's prices for one path, with where and when they were read."""

    path: str
    provider: str
    model: str
    kind: str  #: "api" (prompting / hosted fine-tune), "hosted" or "gpu" (LoRA)
    prices: dict[str, float]
    as_of: str
    source: str
    via: str
    confirmed: bool

    def describe(self) -> dict[str, Any]:
        return {"path": self.path, "provider": self.provider, "model": self.model,
                "kind": self.kind, "as_of": self.as_of, "source": self.source, "via": self.via,
                "confirmed": self.confirmed, "prices": self.prices}


@dataclass(frozen=True)
class PathCost:
    path: str
    one_off: float
    monthly: float  #: steady state: calls and hosting, no training
    per_call_tokens: int
    break_even_month: float | None
    note: str
    provider: str = ""
    model: str = ""
    as_of: str = ""
    confirmed: bool = False
    #: the closed form: monthly total = fixed + per_call x calls (fixed includes amortised
    #: training and hosting; a GPU path's fixed is for the GPUs this volume needs)
    fixed: float = 0.0
    per_call: float = 0.0

    @property
    def total_monthly(self) -> float:
        return self.monthly + self.one_off / AMORTISE_MONTHS

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("one_off", "monthly", "fixed"):
            out[key] = round(out[key], 2)
        out["per_call"] = float(f"{self.per_call:.6g}")
        out["total_monthly"] = round(self.total_monthly, 2)
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


def offers(prices: dict[str, Any], where: str = "price table") -> list[Offer]:
    """Every offer of a table; a version-1 table (``[models.*]``, ``[self_hosted]``) is read
    as offers of an unnamed provider dated by the table's own ``as_of``."""
    if "offers" not in prices:
        return _legacy_offers(prices)
    out = []
    for i, raw in enumerate(prices.get("offers") or []):
        out.append(_offer(raw, f"{where}: offers[{i}]"))
    return out


def _offer(raw: dict[str, Any], where: str) -> Offer:
    path = str(raw.get("path", ""))
    if path not in PATH_NAMES:
        raise InputError(f"{where}: path '{path}' is not one of {', '.join(PATH_NAMES)}")
    kind = str(raw.get("kind", "api" if path != "lora" else "hosted"))
    need = _NEEDS["gpu" if kind == "gpu" else "hosted" if path == "lora" else path]
    missing = [k for k in need if not isinstance(raw.get(k), (int, float))]
    if missing:
        raise InputError(f"{where}: '{missing[0]}' is missing or not a number")
    prices = {k: float(v) for k, v in raw.items()
              if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return Offer(path, str(raw.get("provider", "unnamed")), str(raw.get("model", "")), kind,
                 prices, str(raw.get("as_of", "")), str(raw.get("source", "")),
                 str(raw.get("via", "")), bool(raw.get("confirmed", False)))


def _legacy_offers(prices: dict[str, Any]) -> list[Offer]:
    as_of, source = str(prices.get("as_of", "")), str(prices.get("source", ""))
    out = []
    for name, p in (prices.get("models") or {}).items():
        vals = {k: float(v) for k, v in p.items()}
        out.append(Offer("prompt_engineering", "unnamed", name, "api", vals, as_of, source,
                         "version-1 table", False))
        if {"train", "tuned_input", "tuned_output"} <= set(vals):
            out.append(Offer("full_fine_tune", "unnamed", name, "api", vals, as_of, source,
                             "version-1 table", False))
    if prices.get("self_hosted"):
        s = {k: float(v) for k, v in prices["self_hosted"].items()}
        s.setdefault("train", s.get("lora_train", 0.0))
        out.append(Offer("lora", "self-hosted", "", "gpu", s, as_of, source, "version-1 table",
                         False))
    return out


def model_prices(prices: dict[str, Any], model: str) -> dict[str, float]:
    """The prompting prices of one model (any table version)."""
    found = [o for o in offers(prices) if o.model == model and o.path == "prompt_engineering"]
    if not found:
        known = sorted({o.model for o in offers(prices) if o.model})
        raise InputError(f"model '{model}' is not in the price table; known: "
                         + ", ".join(known))
    return dict(found[0].prices)


def prompt_cost(u: Usage, p: dict[str, float]) -> PathCost:
    static = u.instruction_tokens + u.few_shot_tokens
    cached = static * u.cache_share
    per_call = ((static - cached) * p["input"] + cached * p["cached_input"]
                + u.input_tokens * p["input"] + u.output_tokens * p["output"]) / MILLION
    return PathCost("prompt_engineering", 0.0, per_call * u.calls_per_month,
                    static + u.input_tokens, None,
                    f"{u.few_shot_tokens:,} few-shot + {u.instruction_tokens:,} instruction "
                    "tokens sent with every call", per_call=per_call)


def fine_tune_cost(u: Usage, p: dict[str, float], prompt_monthly: float,
                   path: str = "full_fine_tune") -> PathCost:
    """A hosted tuned model (full fine-tune, or an adapter served on a hosted base)."""
    one_off = u.training_tokens * u.epochs * p["train"] / MILLION
    per_call = (u.input_tokens * p["tuned_input"] + u.output_tokens * p["tuned_output"]) / MILLION
    hosting = p.get("hosting_month", 0.0)
    monthly = hosting + per_call * u.calls_per_month
    note = f"{u.epochs} epochs over {u.training_tokens:,} tokens; tuned-model prices"
    if hosting:
        note += f"; ${hosting:,.2f} hosting a month"
    return PathCost(path, one_off, monthly, u.input_tokens,
                    _break_even(one_off, prompt_monthly, monthly), note,
                    fixed=hosting + one_off / AMORTISE_MONTHS, per_call=per_call)


def gpus_needed(calls: int, s: dict[str, float]) -> int:
    return max(1, math.ceil(calls / s["calls_per_gpu_month"]))


def lora_cost(u: Usage, s: dict[str, float], prompt_monthly: float) -> PathCost:
    one_off = u.training_tokens * u.epochs * s.get("train", s.get("lora_train", 0.0)) / MILLION
    gpus = gpus_needed(u.calls_per_month, s)
    monthly = gpus * s["gpu_hour"] * s["hours_per_month"]
    return PathCost("lora", one_off, monthly, u.input_tokens,
                    _break_even(one_off, prompt_monthly, monthly),
                    f"self-hosted open model on {gpus} GPU(s) running all month",
                    fixed=monthly + one_off / AMORTISE_MONTHS)


def _break_even(one_off: float, prompt_monthly: float, tuned_monthly: float) -> float | None:
    """Months until the one-off cost is paid back by cheaper calls; None if it never is."""
    saving = prompt_monthly - tuned_monthly
    if saving <= 0:
        return None
    return one_off / saving


def offer_cost(u: Usage, offer: Offer, prompt_monthly: float) -> PathCost:
    """One offer's cost at this usage, labelled with its provider and date."""
    if offer.path == "prompt_engineering":
        cost = prompt_cost(u, offer.prices)
    elif offer.kind == "gpu":
        cost = lora_cost(u, offer.prices, prompt_monthly)
    else:
        cost = fine_tune_cost(u, offer.prices, prompt_monthly, offer.path)
    return _label(cost, offer)


def _label(cost: PathCost, offer: Offer) -> PathCost:
    from dataclasses import replace

    return replace(cost, provider=offer.provider, model=offer.model, as_of=offer.as_of,
                   confirmed=offer.confirmed)


def usable_offers(prices: dict[str, Any], model: str = "") -> list[Offer]:
    """The offers in play: all of them, or with ``model`` set, that model's prompting and
    hosted fine-tune offers (adapters and GPUs are other models by nature)."""
    every = offers(prices)
    if not model:
        return every
    if not any(o.model == model for o in every):
        known = sorted({o.model for o in every if o.model and o.path != "lora"})
        raise InputError(f"model '{model}' is not in the price table; known: "
                         + ", ".join(known))
    return [o for o in every if o.path == "lora" or o.model == model]


def compare(u: Usage, prices: dict[str, Any], model: str = "") -> list[PathCost]:
    """The cheapest offer of each path at this volume (by total monthly cost: steady state
    plus training spread over ``AMORTISE_MONTHS``), in ladder order."""
    pool = usable_offers(prices, model)
    prompts = [offer_cost(u, o, 0.0) for o in pool if o.path == "prompt_engineering"]
    if not prompts:
        raise InputError("the price table has no prompt_engineering offer")
    prompt = min(prompts, key=lambda c: (c.total_monthly, c.provider, c.model))
    out = [prompt]
    for path in PATH_NAMES[1:]:
        costs = [offer_cost(u, o, prompt.monthly) for o in pool if o.path == path]
        if costs:
            out.append(min(costs, key=lambda c: (c.total_monthly, c.provider, c.model)))
    return out
