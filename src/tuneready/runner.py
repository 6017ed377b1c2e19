"""Run checks in isolation: one check's exception never stops the others."""

from __future__ import annotations

import time
from collections.abc import Callable

from tuneready.checks.base import Check
from tuneready.evidence import Evidence
from tuneready.io.dataset import Dataset
from tuneready.model import CheckResult, Status
from tuneready.policy import Policy


def run_checks(checks: list[Check], data: Dataset, evidence: Evidence, policy: Policy,
               on_start: Callable[[str], None] | None = None) -> list[CheckResult]:
    results = []
    for check in checks:
        if on_start:
            on_start(check.name)
        results.append(run_one(check, data, evidence, policy))
    return results


def run_one(check: Check, data: Dataset, evidence: Evidence, policy: Policy) -> CheckResult:
    params = policy.for_check(check.name)
    start = time.perf_counter()
    try:
        result = check.run(data, evidence, params)
    except Exception as exc:  # isolation is the point: report, don't crash the audit
        result = CheckResult(name=check.name, status=Status.ERROR, params=params,
                             summary="the check failed to run",
                             error=f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - start
    return result
