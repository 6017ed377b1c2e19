"""The CI gate: the exit code an audit earns, the same from the CLI and the Python API.

``tuneready audit`` exits with ``exit_code(audit, fail_on)``; a pipeline that calls
``tuneready.audit(...)`` in Python gets the same answer from ``tuneready.exit_code``. Exit 2
(unusable input, unknown setting) is not decided here: it is raised before any work.
"""

from __future__ import annotations

from enum import StrEnum

from tuneready.core.results import Audit, Status


class FailOn(StrEnum):
    """What fails the gate: a verdict below ready, or also any failed / warned check."""

    verdict = "verdict"
    fail = "fail"
    warn = "warn"


#: the check statuses that fail the gate at each level (on top of a not-ready verdict)
FAILING: dict[FailOn, frozenset[Status]] = {
    FailOn.verdict: frozenset(),
    FailOn.fail: frozenset({Status.FAIL, Status.ERROR}),
    FailOn.warn: frozenset({Status.FAIL, Status.ERROR, Status.WARN}),
}


def exit_code(audit: Audit, fail_on: FailOn | str = FailOn.verdict) -> int:
    """0 when the audit passes the gate, 1 when it does not.

    Always 1 when the recommendation is not ready; with ``fail_on="fail"`` also when a check
    failed or errored, with ``"warn"`` also when one warned. An unknown ``fail_on`` raises
    ``ValueError`` (fail closed: a typo must not open the gate).
    """
    try:
        level = FailOn(fail_on)
    except ValueError:
        raise ValueError(f"unknown fail_on {fail_on!r}; choose one of "
                         f"{', '.join(f.value for f in FailOn)}") from None
    if not audit.recommendation.ready:
        return 1
    statuses = {c.status for c in audit.checks}
    return 1 if statuses & FAILING[level] else 0
