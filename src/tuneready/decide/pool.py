"""The offers in play on the audit's day: the price table's offers (one model's, with
``[context] model``), minus those closed on that day, closing ones carrying their dates and
amortisation months, self-hosted GPU offers priced from the data's tokens. The cost table,
the crossovers and the context block all read this one pool, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tuneready.decide import availability as av
from tuneready.decide.compute import resolve_gpu_offers
from tuneready.decide.cost import PATH_NAMES, Usage
from tuneready.decide.offers import Offer, load_prices, usable_offers


@dataclass(frozen=True)
class Pool:
    offers: list[Offer]  #: usable on the day, resolved
    closed: list[tuple[Offer, av.Availability]]
    every: list[Offer]  #: before availability (the table's offers in play)
    window: tuple[date | None, date | None]

    def unpriced(self) -> list[dict[str, str]]:
        """Paths with no open offer: every offer of the path closed, or none in the table."""
        have = {o.path for o in self.offers}
        out = []
        for path in PATH_NAMES:
            if path in have:
                continue
            gone = [a.text for o, a in self.closed if o.path == path]
            out.append({"path": path, "why": ("every offer is closed: " + "; ".join(
                sorted(set(gone)))) if gone else "the price table has no offer"})
        return out


def build(prices: dict[str, Any], inputs: dict[str, Any], usage: Usage, day: date) -> Pool:
    every = usable_offers(prices, str(inputs["model"]))
    usable, closed = av.resolve(every, day)
    usable = resolve_gpu_offers(usable, prices, inputs, usage)
    return Pool(usable, closed, every, av.window(every, day))


def from_context(context: dict[str, Any]) -> Pool:
    """The pool a finished context block was built from: same table, same usage, and a day
    inside its recorded availability window (every such day gives the same pool)."""
    inputs = context["inputs"]
    win = (context.get("availability") or {}).get("window") or {}
    day = av.any_day(win.get("from"), win.get("until"))
    return build(load_prices(inputs["prices"] or None), inputs, Usage(**context["usage"]), day)


def availability_block(pool: Pool, day: date) -> dict[str, Any]:
    """``context.availability``: the days on which the result is the same, and the offers
    that close within the amortisation period or are closed."""
    first, until = pool.window
    closing = [{"path": o.path, "offer": o.name, "closes": o.availability["closes"],
                **_dates(o)} for o in pool.offers if o.availability.get("closes")]
    closed = [{"path": o.path, "offer": o.name, "why": a.text, **_dates(o)}
              for o, a in pool.closed]
    return {"window": {"from": first.isoformat() if first else None,
                       "until": until.isoformat() if until else None},
            "closing": closing, "closed": closed}


def _dates(o: Offer) -> dict[str, str]:
    out = {k: getattr(o, k) for k in ("jobs_until", "serving_until") if getattr(o, k)}
    if o.availability.get("source"):
        out["source"] = o.availability["source"]
    return out


def offer_states(pool: Pool, day: date) -> list[dict[str, Any]]:
    """Every offer in play with its state on the day (``context.prices.offers``)."""
    out = []
    for o in pool.every:
        a = av.status(o, day)
        out.append({**o.describe(), "state": a.state, **({"closes": a.text} if a.text else {})})
    return out
