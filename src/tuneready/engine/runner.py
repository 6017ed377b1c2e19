"""Run checks in isolation: one check's exception never stops the others.

On large sets the model-free checks run in a forked worker next to the rest
(``tuneready.engine.lanes``); the results and their order are the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tuneready.checks import declaration
from tuneready.checks.contract import Check
from tuneready.config.policy import Policy
from tuneready.config.typed import TableMismatch
from tuneready.core.results import CheckResult, Status
from tuneready.engine.lanes import SideLane, partition
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset


def run_checks(checks: list[Check], data: Dataset, evidence: Evidence, policy: Policy,
               on_start: Callable[[str], None] | None = None,
               timings: dict[str, float] | None = None,
               workers: bool = False) -> list[CheckResult]:
    """Every check's result, in the order given. With ``workers``, checks may run in forked
    processes (``tuneready.engine.lanes``); ``timings`` (if given) gets the seconds the parent
    waited for them after its own checks were done."""
    plan = partition(checks, len(data.frame) if workers else 0)
    say = on_start or (lambda _name: None)
    lanes: list[SideLane] = []
    results: dict[str, CheckResult] = {}
    try:
        lanes += _fork(plan.side, data, evidence, policy, say)
        for check in plan.main:
            say(check.name)
            results[check.name] = run_one(check, data, evidence, policy)
            lanes += _fork(plan.after.get(check.name, []), data, evidence, policy, say)
        waited = time.perf_counter()
        joined = [(lane, lane.join()) for lane in lanes]
        if lanes and timings is not None:
            timings["wait for workers"] = time.perf_counter() - waited
    except BaseException:
        for lane in lanes:
            lane.kill()
        raise
    for lane, lane_results in joined:
        if lane_results is None:  # the worker failed: same checks, here
            lane_results = [run_one(c, data, evidence, policy) for c in lane.checks]
        results.update((r.name, r) for r in lane_results)
    return [results[c.name] for c in checks]


def _fork(checks: list[Check], data: Dataset, evidence: Evidence, policy: Policy,
          say: Callable[[str], None]) -> list[SideLane]:
    if not checks:
        return []
    say(f"{', '.join(c.name for c in checks)} (in a second process)")
    return [SideLane(checks, run_one, data, evidence, policy)]


def run_one(check: Check, data: Dataset, evidence: Evidence, policy: Policy) -> CheckResult:
    """Run one check; ``seconds`` is its own time, without the shared evidence it happened
    to compute first (that is booked in ``evidence.timings``)."""
    params = policy.for_check(check.name)
    start = time.perf_counter()
    shared = sum(evidence.timings.values())
    try:
        result = check.run(data, evidence, params)
    except TableMismatch:  # a settings dataclass out of step with default.toml: our bug
        raise
    except Exception as exc:  # isolation is the point: report, don't crash the audit
        result = CheckResult(name=check.name, status=Status.ERROR, params=params,
                             summary="the check failed to run",
                             error=f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    result.seconds = max(0.0, elapsed - (sum(evidence.timings.values()) - shared))
    _declare(result, check)
    return result


def _declare(result: CheckResult, check: Check) -> None:
    """Save the check's declaration in its result (``audit.json`` keeps it, so a re-rendered
    report shows the words and charts it was made with; ``render/`` reads only these)."""
    spec = getattr(check, "spec", None)
    if spec is None:  # an object that only has the Protocol's name/what/why (a test double)
        result.what, result.why = str(getattr(check, "what", "")), str(getattr(check, "why", ""))
        return
    declared = declaration(spec)
    result.what, result.why = declared["what"], declared["why"]
    result.excluded_as, result.chart_kinds = declared["excluded_as"], declared["chart_kinds"]
