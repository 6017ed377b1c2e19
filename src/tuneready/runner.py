"""Run checks in isolation: one check's exception never stops the others.

On large sets the model-free checks run in a forked worker next to the rest
(``tuneready.lanes``); the results and their order are the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tuneready.checks.base import Check
from tuneready.evidence import Evidence
from tuneready.io.dataset import Dataset
from tuneready.lanes import SideLane, partition
from tuneready.model import CheckResult, Status
from tuneready.policy import Policy


def run_checks(checks: list[Check], data: Dataset, evidence: Evidence, policy: Policy,
               on_start: Callable[[str], None] | None = None) -> list[CheckResult]:
    """Every check's result, in the order given."""
    side, main = partition(checks, len(data.frame))
    lane = SideLane(side, run_one, data, evidence, policy) if side else None
    if lane and on_start:
        on_start(f"{', '.join(c.name for c in side)} (in a second process)")
    results: dict[str, CheckResult] = {}
    try:
        for check in main:
            if on_start:
                on_start(check.name)
            results[check.name] = run_one(check, data, evidence, policy)
        side_results = lane.join() if lane else []
    except BaseException:
        if lane:
            lane.kill()
        raise
    if side_results is None:  # the worker failed: same checks, here
        side_results = [run_one(c, data, evidence, policy) for c in side]
    results.update((r.name, r) for r in side_results)
    return [results[c.name] for c in checks]


def run_one(check: Check, data: Dataset, evidence: Evidence, policy: Policy) -> CheckResult:
    """Run one check; ``seconds`` is its own time, without the shared evidence it happened
    to compute first (that is booked in ``evidence.timings``)."""
    params = policy.for_check(check.name)
    start = time.perf_counter()
    shared = sum(evidence.timings.values())
    try:
        result = check.run(data, evidence, params)
    except Exception as exc:  # isolation is the point: report, don't crash the audit
        result = CheckResult(name=check.name, status=Status.ERROR, params=params,
                             summary="the check failed to run",
                             error=f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    result.seconds = max(0.0, elapsed - (sum(evidence.timings.values()) - shared))
    return result
