"""The severity table: a type leaves the effective size only when measured precise enough."""

from __future__ import annotations

from tuneready.checks.answers.severity import PRECISION, leaves_effective_size


def test_unmeasured_types_never_leave() -> None:
    for kind, p in PRECISION.items():
        expected = p is not None and p >= 0.9 and kind != "refusal"
        assert leaves_effective_size(kind, 0.9) == expected
    assert not leaves_effective_size("no_such_type", 0.0)
    assert leaves_effective_size("empty", 1.0)
