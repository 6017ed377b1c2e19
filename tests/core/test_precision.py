"""``core.precision``'s constants agree with what the checks compute them from."""

from __future__ import annotations

from tuneready.core.precision import NEVER_REMOVED, Z95, Precision
from tuneready.evidence.stats import wilson, z_of


def test_z95_is_the_quantile_every_wilson_interval_uses() -> None:
    """The report's review panel reads ``Z95`` (render may not import evidence); the checks'
    intervals use ``z_of(0.95)``: the same double, so the page's intervals are theirs."""
    assert z_of(0.95) == Z95
    assert [float(x) for x in wilson(7, 9)] == [float(x) for x in wilson(7, 9, z=Z95)]


def test_refusals_never_leave_unless_reviewed() -> None:
    from tuneready.checks.answers import acting

    assert acting.NEVER_REMOVED is NEVER_REMOVED == frozenset({"refusal"})
    assert Precision("measured", value=1.0, lo=0.7, hi=1.0, reviewed=10).acts(0.9)
