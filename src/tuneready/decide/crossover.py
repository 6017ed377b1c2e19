"""Where the decision moves: the call volume at which another path becomes cheapest, and the
effective examples the next path up needs.

Volume crossovers solve the cost model's closed forms (``tuneready.decide.cost``): a hosted offer
costs ``F + c x V`` a month at ``V`` calls (``F``: training spread over 12 months plus any
hosting fee; ``c``: its per-call price), prompting ``c_p x V``, a self-hosted GPU offer
``T/12 + k x G`` with ``k = ceil(V / calls_per_gpu_month)``. Two lines cross at
``V* = (F_b - F_a) / (c_a - c_b)``; a GPU offer is solved segment by segment and at its jumps.
Each path is the cheapest of its offers at ``V``, so a crossing is kept only where the order
of the two paths really flips. The offers are those open on the audit's day
(``tuneready.decide.pool``): a closed one never crosses, a closing one is named with its date,
and a path with no open offer asks for the user's own price. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from typing import Any

from tuneready.checks.size import SizeSettings
from tuneready.core.results import LearningCurve
from tuneready.decide.cost import MILLION, Offer, Usage, months_of, offer_cost

#: volumes above this many calls a month are not searched (10 billion)
MAX_CALLS = 10_000_000_000
TITLE = {"prompt_engineering": "prompting", "lora": "LoRA", "full_fine_tune": "full fine-tune"}


def line(u: Usage, offer: Offer) -> tuple[float, float] | None:
    """``(fixed, per_call)`` of a hosted or prompting offer; None for a GPU offer."""
    if offer.kind == "gpu":
        return None
    cost = offer_cost(u, offer, 0.0)
    return cost.fixed, cost.per_call


def offer_at(u: Usage, offer: Offer, calls: float) -> float:
    """Total monthly cost of one offer at ``calls`` a month (the closed form)."""
    lin = line(u, offer)
    if lin is not None:
        return lin[0] + lin[1] * calls
    p = offer.prices
    train = u.training_tokens * u.epochs * p["train"] / MILLION / months_of(p)
    gpus = max(1, math.ceil(calls / p["calls_per_gpu_month"]))
    return train + gpus * p["gpu_hour"] * p["hours_per_month"]


def path_at(u: Usage, pool: list[Offer], calls: float) -> tuple[float, Offer]:
    return min(((offer_at(u, o, calls), o) for o in pool),
               key=lambda co: (co[0], co[1].provider, co[1].model))


def _candidates(u: Usage, a: list[Offer], b: list[Offer]) -> list[float]:
    out: list[float] = []
    for x in a:
        for y in b:
            out += _meet(u, x, y)
    return sorted({round(v, 6) for v in out if 0 < v < MAX_CALLS})


def _meet(u: Usage, x: Offer, y: Offer) -> list[float]:
    lx, ly = line(u, x), line(u, y)
    if lx is not None and ly is not None:
        (fx, cx), (fy, cy) = lx, ly
        return [] if cx == cy else [(fy - fx) / (cx - cy)]
    if lx is None and ly is None:
        return []
    lin, gpu = (lx, y) if lx is not None else (ly, x)
    assert lin is not None
    return _meet_gpu(u, lin, gpu)


def _meet_gpu(u: Usage, lin: tuple[float, float], gpu: Offer) -> list[float]:
    """A line ``F + c V`` against the steps ``T + k G`` (k GPUs on ``((k-1) cap, k cap]``).

    The gap at a segment's ends is linear in k, so it changes sign in at most one place:
    only the first segments and those around ``k*`` (where ``c cap`` catches up with ``G``)
    can hold a crossing. Each is solved exactly, and each of their jumps is a candidate."""
    fixed, per_call = lin
    cap = gpu.prices["calls_per_gpu_month"]
    g = gpu.prices["gpu_hour"] * gpu.prices["hours_per_month"]
    t = offer_at(u, gpu, 1) - g
    ks = {1, 2, 3}
    if per_call * cap != g:
        star = (t + g - fixed) / (per_call * cap - g) if per_call * cap - g else 1
        base = int(star) if math.isfinite(star) else 1
        ks |= {base - 1, base, base + 1, base + 2}
    if per_call > 0:
        root = (t + g - fixed) / per_call / cap  # where the line meets the first steps
        if math.isfinite(root):
            ks |= {int(root), int(root) + 1}
    out = []
    for k in sorted(k for k in ks if 1 <= k <= MAX_CALLS / cap + 1):
        if per_call > 0:
            v = (t + k * g - fixed) / per_call
            if (k - 1) * cap < v <= k * cap:
                out.append(v)
        out.append(k * cap)  # the jump to k + 1 GPUs
    return out


def volume_crossovers(u: Usage, pool: list[Offer], supported: set[str] | None = None
                      ) -> list[dict[str, Any]]:
    """Prompting against each tuned path: every volume where the cheaper of the two changes."""
    prompts = [o for o in pool if o.path == "prompt_engineering"]
    out = []
    for path in ("lora", "full_fine_tune"):
        tuned = [o for o in pool if o.path == path]
        if not prompts or not tuned:
            continue
        for v in _flips(u, prompts, tuned):
            out.append(_volume_entry(u, prompts, tuned, v, supported))
    return out


def _flips(u: Usage, a: list[Offer], b: list[Offer]) -> list[float]:
    def diff(calls: float) -> float:
        return path_at(u, a, calls)[0] - path_at(u, b, calls)[0]

    flips = []
    for v in _candidates(u, a, b):
        lo, hi = max(v * (1 - 1e-9) - 1e-6, 0.0), v * (1 + 1e-9) + 1
        if _sign(diff(lo)) != _sign(diff(hi)) and _sign(diff(hi)) != 0:
            flips.append(v)
    return flips


def _sign(x: float) -> int:
    return 0 if abs(x) < 1e-9 else (1 if x > 0 else -1)


def _volume_entry(u: Usage, prompts: list[Offer], tuned: list[Offer], v: float,
                  supported: set[str] | None) -> dict[str, Any]:
    above_prompt, above_tuned = path_at(u, prompts, v + 1), path_at(u, tuned, v + 1)
    if above_tuned[0] < above_prompt[0]:
        winner, loser = above_tuned[1], above_prompt[1]
    else:
        winner, loser = above_prompt[1], above_tuned[1]
    calls = math.ceil(v)
    msg = (f"from {calls:,} calls a month, {TITLE[winner.path]} ({_name(winner)}) costs less "
           f"than {TITLE[loser.path]} ({_name(loser)}): "
           f"{_form(u, winner)} against {_form(u, loser)}")
    if supported is not None and winner.path not in supported:
        msg += f"; the data does not support {TITLE[winner.path]} yet"
    return {"kind": "volume", "paths": ["prompt_engineering", tuned[0].path],
            "calls_per_month": calls, "exact": round(v, 3), "cheaper_above": winner.path,
            "provider_above": winner.provider, "cheaper_below": loser.path,
            "provider_below": loser.provider, "message": msg}


def _name(o: Offer) -> str:
    closes = o.availability.get("closes")
    return o.name + (f"; {closes}" if closes else "")


def price_entries(unpriced: list[dict[str, str]], supported: set[str] | None = None
                  ) -> list[dict[str, Any]]:
    """A path with no open offer: say so and ask for the user's own price."""
    out = []
    for item in unpriced:
        path = item["path"]
        if supported is not None and path not in supported:
            continue
        out.append({"kind": "price", "path": path, "why": item["why"],
                    "message": f"{TITLE[path]} has no open offer in the price table "
                               f"({item['why']}): give your own price with --prices FILE "
                               "(README: Cost of each path) to compare it"})
    return out


def context_crossovers(context: dict[str, Any], supported: set[str] | None = None
                       ) -> list[dict[str, Any]]:
    """The volume crossovers and missing prices of a finished context block."""
    from tuneready.decide.pool import from_context

    pool = from_context(context)
    return [*volume_crossovers(Usage(**context["usage"]), pool.offers, supported),
            *price_entries(pool.unpriced(), supported)]


def _form(u: Usage, o: Offer) -> str:
    lin = line(u, o)
    if lin is None:
        return (f"${o.prices['gpu_hour'] * o.prices['hours_per_month']:,.0f} a month per GPU, "
                f"one GPU per {o.prices['calls_per_gpu_month']:,.0f} calls")
    fixed, per_call = lin
    per_k = per_call * 1000
    fixed_text = f"{fixed:,.2f}" if fixed >= 1 or fixed == 0 else f"{fixed:.4f}"
    return f"${fixed_text} a month + ${per_k:,.4f} per 1,000 calls"


def data_crossovers(effective_n: int, data_verdict: str, size: SizeSettings,
                    binding_codes: list[str], curve: LearningCurve | None
                    ) -> list[dict[str, Any]]:
    """How many more effective examples the next paths up need, from the size thresholds
    (and the learning curve where it can tell); none when something else caps the data."""
    levels = [("lora", size.lora_min), ("full_fine_tune", size.full_finetune_min)]
    order = {"not_ready": 0, "prompt_engineering": 1, "lora": 2, "full_fine_tune": 3}
    other_caps = [c for c in binding_codes
                  if not c.startswith(("size.below_", "decision.below_"))]
    # a binding size finding's remedy already says what the next path up needs
    stated = len(other_caps) < len(binding_codes)
    out: list[dict[str, Any]] = []
    for path, minimum in levels:
        if order[path] <= order.get(data_verdict, 0) or effective_n >= minimum:
            continue
        if stated and order[path] == order.get(data_verdict, 0) + 1:
            continue
        more = minimum - effective_n
        msg = (f"{TITLE[path]} needs {more:,} more effective examples (the {minimum:,} "
               f"minimum; {effective_n:,} now)")
        if other_caps:
            msg += f", and {', '.join(other_caps)} must be resolved too"
        out.append({"kind": "data", "path": path, "more_examples": more, "minimum": minimum,
                    "message": msg})
    if curve is not None:
        out.append(_curve_entry(curve))
    return out


def _curve_entry(curve: LearningCurve) -> dict[str, Any]:
    rows, needed = curve.rows, curve.needed_rows
    if curve.plateau_identified and needed is not None:
        more = max(0, needed - rows)
        msg = (f"the proxy's learning curve comes within a point of its plateau at about "
               f"{needed:,} rows ({more:,} more than the {rows:,} it was fitted on)" if more
               else f"the proxy's learning curve is already within a point of its plateau "
                    f"(about {needed:,} rows needed, {rows:,} used): more of the same data "
                    "adds little")
        return {"kind": "curve", "more_examples": more, "message": msg}
    return {"kind": "curve", "more_examples": None,
            "message": "the proxy's learning curve cannot tell how many more examples would "
                       "help (its plateau is not identified from these rows)"}

