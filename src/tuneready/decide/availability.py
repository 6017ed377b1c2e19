"""Whether an offer can be taken on the audit's day, and for how long it can serve.

Providers close: OpenAI takes no new self-serve fine-tuning job from 2027-01-06, and a tuned
model serves only until its base model is retired. A plan that trains once and serves for
``AMORTISE_MONTHS`` needs both: an offer is

- ``closed`` when it takes no new training job (a tuned path) or no longer serves (any path)
  on the day: never used, never named as a path;
- ``closing`` when either date falls within the amortisation period: used, shown with its
  date, and a serving end spreads the training over the months left (whole months, at
  least one), which raises its monthly cost;
- ``open`` otherwise (no date published counts as open).

The result depends on the day only through these dates, so ``window`` gives the range of
days that yield exactly the same states and months: the audit records that range instead of
the day, and a rerun on another day inside it writes byte-identical JSON. Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from tuneready.decide.cost import AMORTISE_MONTHS
from tuneready.decide.offers import Offer

OPEN, CLOSING, CLOSED = "open", "closing", "closed"


@dataclass(frozen=True)
class Availability:
    state: str
    months: int  #: the months training is spread over on this day
    text: str  #: what closes when, for the report ("" when open)


def status(offer: Offer, day: date, horizon: int = AMORTISE_MONTHS) -> Availability:
    jobs = _day(offer.jobs_until) if offer.path != "prompt_engineering" else None
    serving = _day(offer.serving_until)
    if serving is not None and serving <= day:
        return Availability(CLOSED, 0, f"no longer served since {serving.isoformat()}")
    if jobs is not None and jobs <= day:
        return Availability(CLOSED, 0, f"takes no new training jobs since {jobs.isoformat()}")
    end = add_months(day, horizon)
    parts, months = [], horizon
    if jobs is not None and jobs <= end:
        parts.append(f"takes no new training jobs from {jobs.isoformat()}")
    if serving is not None and serving <= end:
        months = max(1, min(horizon, months_between(day, serving)))
        spread = (f": training spread over {months} month{'s' if months != 1 else ''}"
                  if offer.path != "prompt_engineering" else "")
        parts.append(f"stops serving on {serving.isoformat()}{spread}")
    new = _day(offer.availability.get("new_customers_until", ""))
    if parts and new is not None and new <= day and offer.path != "prompt_engineering":
        parts[0] += f", none from new customers since {new.isoformat()}"
    if parts:
        return Availability(CLOSING, months, "; ".join(parts))
    return Availability(OPEN, horizon, "")


def resolve(pool: list[Offer], day: date, horizon: int = AMORTISE_MONTHS
            ) -> tuple[list[Offer], list[tuple[Offer, Availability]]]:
    """The offers usable on ``day`` (a closing one carries its months and closing text) and
    the closed ones with why."""
    usable, closed = [], []
    for offer in pool:
        a = status(offer, day, horizon)
        if a.state == CLOSED:
            closed.append((offer, a))
            continue
        if a.state == CLOSING:
            prices = {**offer.prices, "amortise_months": float(a.months)}
            offer = replace(offer, prices=prices,
                            availability={**offer.availability, "closes": a.text})
        usable.append(offer)
    return usable, closed


def window(pool: list[Offer], day: date, horizon: int = AMORTISE_MONTHS
           ) -> tuple[date | None, date | None]:
    """The days ``[first, until)`` around ``day`` on which every offer has the same state
    and months as on ``day``; ``None`` where nothing changes in that direction. Scanned day
    by day between the table's earliest and latest dates (bounded: a few years at most)."""
    dates = [d for o in pool for d in (_day(o.jobs_until), _day(o.serving_until),
                                       _day(o.availability.get("new_customers_until", ""))) if d]
    if not dates:
        return None, None
    here = _signature(pool, day, horizon)
    last, first = max(dates), add_months(min(dates), -horizon) - timedelta(days=1)
    until = None
    d = day + timedelta(days=1)
    while d <= last:
        if _signature(pool, d, horizon) != here:
            until = d
            break
        d += timedelta(days=1)
    # before ``first`` every date is more than ``horizon`` months away: nothing changes
    start: date | None = day
    d = day - timedelta(days=1)
    while d >= first:
        if _signature(pool, d, horizon) != here:
            break
        start = d
        d -= timedelta(days=1)
    else:
        start = None
    return start, until


def any_day(first: str | None, until: str | None) -> date:
    """A day inside a recorded window: every day in it gives the same availability."""
    if first:
        return date.fromisoformat(first)
    if until:
        return date.fromisoformat(until) - timedelta(days=1)
    return date.today()


def _signature(pool: list[Offer], day: date, horizon: int) -> tuple[Availability, ...]:
    return tuple(status(o, day, horizon) for o in pool)


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (earlier if negative), clamped to the
    month's last day."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m + 1, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if less than one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)
