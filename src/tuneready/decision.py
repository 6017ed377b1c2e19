"""From check results to a verdict: a pure function, no I/O.

Precedence (first match wins, each step can only lower the verdict):
1. a check that errored: the data is not vouched for (ready = False, confidence low);
2. every finding carries ``caps``, the most demanding path the data still supports given that
   finding; the verdict is the lowest cap (structural failures cap at not_ready, too few
   examples at prompt_engineering or lora, ...);
3. effective size (distinct rows minus every row a check excluded) is held to the same size
   thresholds as distinct size, so noisy or invalid rows cannot count toward the minimum.
The reasons are the findings that cap the verdict, each naming its check and code.
"""

from __future__ import annotations

from tuneready.checks.size import size_cap
from tuneready.model import (
    VERDICT_LEVEL, CheckResult, Finding, Reason, Recommendation, Status, Verdict,
)
from tuneready.policy import Policy


def effective_size(results: list[CheckResult]) -> tuple[int, dict[str, int]]:
    """Rows left after removing every row any check excluded; breakdown by check (in order)."""
    size = next((r for r in results if r.name == "size"), None)
    raw = int(size.metrics.get("raw_n", 0)) if size else 0
    removed: set[int] = set()
    breakdown: dict[str, int] = {}
    for r in results:
        new = set(r.excluded_rows) - removed
        if new:
            breakdown[r.name] = len(new)
            removed |= new
    return max(0, raw - len(removed)), breakdown


def decide(results: list[CheckResult], policy: Policy) -> Recommendation:
    required = Verdict(policy.required)
    eff_n, breakdown = effective_size(results)
    capping: list[tuple[str, Finding]] = [
        (r.name, f) for r in results if r.status != Status.ERROR for f in r.findings if f.caps]
    size = next((r for r in results if r.name == "size"), None)
    if size and size.status != Status.ERROR and eff_n < int(size.metrics.get("distinct_n", 0)):
        eff = size_cap(eff_n, policy.for_check("size"), what="effective")
        if eff:
            eff.message += " after removing " + ", ".join(
                f"{n:,} rows flagged by {c}" for c, n in breakdown.items())
            capping.append(("decision", eff))
    verdict = min((f.caps for _, f in capping if f.caps), key=VERDICT_LEVEL.__getitem__,
                  default=Verdict.FULL_FINE_TUNE)
    errors = [r for r in results if r.status == Status.ERROR]
    reasons = [Reason(r.name, "decision.check_error", f"check {r.name} could not run: {r.error}")
               for r in errors]
    capping.sort(key=lambda cf: VERDICT_LEVEL[cf[1].caps or Verdict.FULL_FINE_TUNE])
    reasons += [Reason(c, f.code, f.message) for c, f in capping]
    binding = [f for _, f in capping if f.caps == verdict]
    would_change = list(dict.fromkeys(f.remedy for f in binding if f.remedy))
    if not reasons:
        reasons.append(Reason("size", "decision.sufficient",
                              f"{eff_n:,} effective examples and no blocking finding"))
    ready = not errors and VERDICT_LEVEL[verdict] >= VERDICT_LEVEL[required]
    return Recommendation(
        verdict=verdict, ready=ready, required=required,
        confidence=_confidence(results, binding, float(policy.for_check("decision")
                                                       .get("margin", 0.2))),
        reasons=reasons, would_change=would_change, effective_n=eff_n,
        effective_n_breakdown=breakdown)


def _confidence(results: list[CheckResult], binding: list[Finding], margin: float) -> str:
    if any(r.status == Status.ERROR for r in results):
        return "low"
    if any(r.metrics.get("proxy_weak") for r in results):
        return "low"
    for f in binding:
        if isinstance(f.observed, (int, float)) and isinstance(f.threshold, (int, float)):
            if f.threshold and abs(f.observed - f.threshold) / abs(f.threshold) < margin:
                return "medium"
    return "high"
