"""Availability on the audit's day: closed offers out, closing ones dated, and the window of
days that give the same result (so a rerun inside it writes the same JSON)."""

from __future__ import annotations

from datetime import date

from tuneready.decide.availability import (
    CLOSED,
    CLOSING,
    OPEN,
    add_months,
    any_day,
    months_between,
    resolve,
    status,
    window,
)
from tuneready.decide.offers import load_prices, offers

TUNED = {"path": "full_fine_tune", "provider": "o", "model": "m", "train": 3.0,
         "tuned_input": 0.3, "tuned_output": 1.2}


def _one(**extra) -> list:
    return offers({"offers": [{**TUNED, **extra}]})


def test_states_around_the_dates() -> None:
    [o] = _one(jobs_until="2027-01-06", new_customers_until="2026-05-07")
    assert status(o, date(2025, 12, 1)).state == OPEN
    a = status(o, date(2026, 12, 8))
    assert a.state == CLOSING and a.months == 12
    assert a.text == ("takes no new training jobs from 2027-01-06, none from new customers "
                      "since 2026-05-07")
    assert status(o, date(2027, 1, 6)).state == CLOSED  # "on this date": closed that day
    [s] = _one(serving_until="2027-04-20")
    ending = status(s, date(2026, 12, 8))
    assert ending.state == CLOSING and ending.months == 4 and "4 months" in ending.text
    assert status(s, date(2027, 4, 19)).months == 1  # at least one month
    assert status(s, date(2027, 4, 20)).state == CLOSED
    # prompting ignores training jobs
    [p] = offers({"offers": [{"path": "prompt_engineering", "input": 1.0, "cached_input": 1.0,
                              "output": 1.0, "jobs_until": "2020-01-01"}]})
    assert status(p, date(2026, 1, 1)).state == OPEN


def test_resolve_drops_closed_and_marks_closing() -> None:
    pool = offers(load_prices())
    usable, closed = resolve(pool, date(2027, 1, 7))
    assert not any(o.provider == "openai" and o.path == "full_fine_tune" for o in usable)
    assert {o.model for o, _ in closed} == {"gpt-4.1-mini", "gpt-4o-mini"}
    usable, closed = resolve(pool, date(2026, 12, 8))
    assert closed == []
    marked = [o for o in usable if o.availability.get("closes")]
    assert {o.model for o in marked} == {"gpt-4.1-mini", "gpt-4o-mini"}


def test_window_is_the_range_of_days_with_the_same_result() -> None:
    pool = offers(load_prices())
    first, until = window(pool, date(2026, 12, 8))
    assert (first, until) == (date(2026, 5, 7), date(2027, 1, 6))
    # every day inside gives the same states; the days either side do not
    inside = [resolve(pool, d) for d in (first, date(2026, 12, 8), date(2027, 1, 5))]
    assert all(x == inside[0] for x in inside)
    assert resolve(pool, date(2027, 1, 6)) != inside[0]
    assert window(pool, date(2027, 3, 1)) == (date(2027, 1, 6), None)
    assert window(pool, date(2025, 1, 1))[0] is None
    assert any_day("2026-05-07", "2027-01-06") == date(2026, 5, 7)
    assert any_day(None, "2026-01-06") == date(2026, 1, 5)
    assert window(_one(), date(2026, 1, 1)) == (None, None)


def test_calendar_arithmetic() -> None:
    assert add_months(date(2026, 12, 8), 12) == date(2027, 12, 8)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 1, 6), -12) == date(2026, 1, 6)
    assert months_between(date(2026, 12, 8), date(2027, 4, 20)) == 4
    assert months_between(date(2026, 12, 8), date(2027, 4, 7)) == 3
