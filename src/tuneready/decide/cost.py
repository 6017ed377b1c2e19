"""Monthly cost of each path, from a dated price table of providers per path.

Pure functions over the offers of a price table (``tuneready.decide.offers``); no price lives
in code. Each path's cost at a volume of V calls a month is a closed form,
``fixed + per_call x V`` (a self-hosted GPU adds whole GPUs as V grows), where ``fixed`` is
the one-off training cost spread over the months it pays for (``AMORTISE_MONTHS``, fewer when
the provider stops serving the model sooner: ``tuneready.decide.availability``) plus any
hosting fee. The cost table shows, per path, the offer that is cheapest at the given volume;
``tuneready.decide.crossover`` solves the same forms for the volumes where the cheapest path
changes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from tuneready.config.errors import InputError
from tuneready.decide.offers import (  # noqa: F401  (re-exported: the cost model's vocabulary)
    PATH_NAMES,
    Offer,
    load_prices,
    model_prices,
    offers,
    usable_offers,
)

MILLION = 1_000_000
#: the one-off training cost is spread over this many months in the comparison
AMORTISE_MONTHS = 12


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
    #: the months the one-off cost is spread over (fewer when serving ends sooner)
    amortise_months: int = AMORTISE_MONTHS
    #: the offer closes within those months: what and when ("" when it does not)
    closes: str = ""

    @property
    def total_monthly(self) -> float:
        return self.monthly + self.one_off / self.amortise_months

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("one_off", "monthly", "fixed"):
            out[key] = round(out[key], 2)
        out["per_call"] = float(f"{self.per_call:.6g}")
        out["total_monthly"] = round(self.total_monthly, 2)
        if self.break_even_month is not None:
            out["break_even_month"] = round(self.break_even_month, 1)
        return out


def prompt_cost(u: Usage, p: dict[str, float]) -> PathCost:
    static = u.instruction_tokens + u.few_shot_tokens
    cached = static * u.cache_share
    per_call = ((static - cached) * p["input"] + cached * p["cached_input"]
                + u.input_tokens * p["input"] + u.output_tokens * p["output"]) / MILLION
    return PathCost("prompt_engineering", 0.0, per_call * u.calls_per_month,
                    static + u.input_tokens, None,
                    f"{u.few_shot_tokens:,} few-shot + {u.instruction_tokens:,} instruction "
                    "tokens sent with every call", per_call=per_call)


def months_of(p: dict[str, float]) -> int:
    """The months an offer's training is spread over: ``AMORTISE_MONTHS`` unless the offer
    stops serving sooner (``amortise_months``, set by ``availability.resolve``)."""
    return max(1, int(p.get("amortise_months", AMORTISE_MONTHS)))


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
                    fixed=hosting + one_off / months_of(p), per_call=per_call,
                    amortise_months=months_of(p))


def gpus_needed(calls: int, s: dict[str, float]) -> int:
    return max(1, math.ceil(calls / s["calls_per_gpu_month"]))


def gpu_cost(u: Usage, s: dict[str, float], prompt_monthly: float,
             path: str = "lora") -> PathCost:
    """A self-hosted open model: trained at ``train`` per 1M tokens, served on whole GPUs
    (or replicas of several) running all month."""
    one_off = u.training_tokens * u.epochs * s.get("train", s.get("lora_train", 0.0)) / MILLION
    gpus = gpus_needed(u.calls_per_month, s)
    monthly = gpus * s["gpu_hour"] * s["hours_per_month"]
    return PathCost(path, one_off, monthly, u.input_tokens,
                    _break_even(one_off, prompt_monthly, monthly),
                    f"self-hosted open model on {gpus} GPU(s) running all month",
                    fixed=monthly + one_off / months_of(s), amortise_months=months_of(s))


lora_cost = gpu_cost  # the version-2 name


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
        cost = gpu_cost(u, offer.prices, prompt_monthly, offer.path)
    else:
        cost = fine_tune_cost(u, offer.prices, prompt_monthly, offer.path)
    return _label(cost, offer)


def _label(cost: PathCost, offer: Offer) -> PathCost:
    return replace(cost, provider=offer.provider, model=offer.model, as_of=offer.as_of,
                   confirmed=offer.confirmed, closes=offer.availability.get("closes", ""))


def compare(u: Usage, prices: dict[str, Any] | list[Offer], model: str = ""
            ) -> list[PathCost]:
    """The cheapest offer of each path at this volume (by total monthly cost: steady state
    plus training spread over the months it pays for), in ladder order. ``prices`` is a
    price table, or the offers already in play (``tuneready.decide.pool``)."""
    pool = prices if isinstance(prices, list) else usable_offers(prices, model)
    prompts = [offer_cost(u, o, 0.0) for o in pool if o.path == "prompt_engineering"]
    if not prompts:
        raise InputError("the price table has no open prompt_engineering offer")
    prompt = min(prompts, key=lambda c: (c.total_monthly, c.provider, c.model))
    out = [prompt]
    for path in PATH_NAMES[1:]:
        costs = [offer_cost(u, o, prompt.monthly) for o in pool if o.path == path]
        if costs:
            out.append(min(costs, key=lambda c: (c.total_monthly, c.provider, c.model)))
    return out


def cost_phrase(cost: dict[str, Any]) -> str:
    """A path's monthly cost with the offer behind it, for the verdict's reasons: the
    provider is named only because the offer is open (closed ones never reach a cost)."""
    who = f"{cost.get('provider', '')} {cost.get('model', '')}".strip()
    monthly = float(cost.get("total_monthly", cost["monthly"]))
    closes = f"; {cost['closes']}" if cost.get("closes") else ""
    return f"{cost['path']} ${monthly:,.2f}" + (f" ({who}{closes})" if who else "")


def closing_note(cost: dict[str, Any]) -> str:
    """Why a path that rests on a closing offer counts against itself: what closes when, and
    what the path costs without that offer (``without_closing``, from the cost table)."""
    if not cost.get("closes"):
        return ""
    who = f"{cost.get('provider', '')} {cost.get('model', '')}".strip()
    out = f"{cost['path']} rests on {who}, which {cost['closes']}: train before then"
    alt = cost.get("without_closing")
    if alt:
        out += (f"; without it {cost['path']} costs ${alt['total_monthly']:,.2f} a month "
                f"({alt['provider']} {alt['model']})")
    else:
        out += f"; no other open offer prices {cost['path']} (give one with --prices FILE)"
    return out
