"""From check results and deployment context to a verdict: pure functions, no I/O.

Order of precedence (documented in the README; each step can only lower the verdict):
1. a check that errored, or a finding that ``blocks`` (a number whose uncertainty straddles a
   capping level, such as an unresolved label-noise range): not vouched for (ready = False,
   confidence low), the verdict itself not lowered;
2. data caps: every finding carries ``caps``, the most demanding path the data still supports
   given that finding. Structural failures and severe noise cap at not_ready; too few
   effective examples cap at prompt_engineering or lora; noise above the fail level, high
   narrow-domain risk and (in strict policies) bias cap at lora or below. Effective size
   (distinct rows minus every row any check excluded) meets the same size thresholds. The
   lowest cap is the **data verdict**, and readiness (the exit code) is judged on it;
3. deployment context, among the paths the data supports: a knowledge-lookup task, or a
   prompted base model that already meets the target score, prefers prompting (RAG); then the
   cheapest steady-state monthly cost wins, unless latency or a long prompt rules prompting out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuneready.checks.size import SizeSettings, size_cap
from tuneready.config.policy import Policy
from tuneready.config.typed import Table
from tuneready.core.results import (
    VERDICT_LEVEL,
    CheckResult,
    Finding,
    Reason,
    Recommendation,
    Status,
    Verdict,
    exclusion_phrase,
)
from tuneready.decide.cost import closing_note, cost_phrase

PATHS = (Verdict.PROMPT_ENGINEERING, Verdict.LORA, Verdict.FULL_FINE_TUNE)


@dataclass(frozen=True)
class DecisionSettings(Table):
    """``[decision]``: how close to a threshold a finding may sit for "high" confidence."""

    table = "decision"
    margin: float


def effective_size(results: list[CheckResult]) -> tuple[int, dict[str, int]]:
    """Distinct rows minus every row another check excluded; breakdown by check (in order).

    Reads the size check's typed ``size_basis`` (no metric names: renaming a metric cannot
    change the verdict); a size result without one (it errored) counts as 0 distinct rows.

    When the audit ran on a sample (``--sample``), distinct size is exact and the other
    exclusions are scaled up from the sample by its fraction of the file, unless the check
    counted them over every row (``excluded_total``).
    """
    size = next((r for r in results if r.name == "size"), None)
    if size is None:
        return 0, {}
    basis = size.size_basis
    distinct = basis.distinct_n if basis else 0
    fraction = (basis.sample_fraction if basis else 1.0) or 1.0
    removed: set[int] = set(size.excluded_rows)
    breakdown: dict[str, int] = {}
    if basis and basis.exact_duplicates:
        breakdown["size"] = basis.exact_duplicates
    for r in results:
        if r is size:
            continue
        new = set(r.excluded_rows) - removed
        if r.excluded_total is not None:  # counted over every row: no scaling
            if r.excluded_total:
                breakdown[r.name] = r.excluded_total
        elif new:
            breakdown[r.name] = round(len(new) / fraction)
        removed |= new
    others = sum(v for k, v in breakdown.items() if k != "size")
    return max(0, distinct - others), breakdown


def _capping(results: list[CheckResult], policy: Policy, eff_n: int,
             breakdown: dict[str, int]) -> list[tuple[str, Finding]]:
    capping = [(r.name, f) for r in results if r.status != Status.ERROR
               for f in r.findings if f.caps]
    size = next((r for r in results if r.name == "size"), None)
    distinct = size.size_basis.distinct_n if size and size.size_basis else 0
    if size and size.status != Status.ERROR and eff_n < distinct:
        eff = size_cap(eff_n, SizeSettings.from_policy(policy), what="effective")
        if eff:
            eff.message += " after removing " + ", ".join(
                exclusion_phrase(c, n, _excluded_as(c)) for c, n in breakdown.items())
            capping.append(("decision", eff))
    capping.sort(key=lambda cf: VERDICT_LEVEL[cf[1].caps or Verdict.FULL_FINE_TUNE])
    return capping


def _excluded_as(name: str) -> str | None:
    from tuneready.checks import REGISTRY, spec_of

    return spec_of(name).excluded_as if name in REGISTRY else None


def decide(results: list[CheckResult], policy: Policy,
           context: dict[str, Any] | None = None) -> Recommendation:
    required = Verdict(policy.required)
    eff_n, breakdown = effective_size(results)
    capping = _capping(results, policy, eff_n, breakdown)
    data_verdict = min((f.caps for _, f in capping if f.caps), key=VERDICT_LEVEL.__getitem__,
                       default=Verdict.FULL_FINE_TUNE)
    errors = [r for r in results if r.status == Status.ERROR]
    reasons = [Reason(r.name, "decision.check_error", f"check {r.name} could not run: {r.error}")
               for r in errors]
    blocking = [(r.name, f) for r in results if r.status != Status.ERROR
                for f in r.findings if f.blocks]
    reasons += [Reason(c, f.code, f.message) for c, f in blocking]
    reasons += [Reason(c, f.code, f.message) for c, f in capping]
    binding = [f for _, f in capping if f.caps == data_verdict]
    would_change = list(dict.fromkeys(
        f.remedy for f in [*(f for _, f in blocking), *_without_superseded(binding)]
        if f.remedy))
    verdict, ctx_reasons, ctx_changes = apply_context(data_verdict, context)
    reasons = ctx_reasons + reasons
    would_change += ctx_changes
    if not reasons:
        reasons.append(Reason("size", "decision.sufficient",
                              f"{eff_n:,} effective examples and no blocking finding"))
    ready = (not errors and not blocking
             and VERDICT_LEVEL[data_verdict] >= VERDICT_LEVEL[required])
    margin = DecisionSettings.from_policy(policy).margin
    return Recommendation(
        verdict=verdict, ready=ready, required=required,
        confidence=_confidence(results, binding, margin), reasons=reasons,
        would_change=would_change, effective_n=eff_n, effective_n_breakdown=breakdown,
        data_verdict=data_verdict)


def _without_superseded(binding: list[Finding]) -> list[Finding]:
    """Drop the distinct-size remedy when the effective-size one binds too: the effective
    count (after every exclusion) is what the data must grow to, so it alone says how much."""
    if any(f.code.startswith("decision.below_") for f in binding):
        return [f for f in binding if not f.code.startswith("size.below_")]
    return binding


def apply_context(data_verdict: Verdict, context: dict[str, Any] | None
                  ) -> tuple[Verdict, list[Reason], list[str]]:
    """Choose among the paths the data supports, using what production needs."""
    if not context or VERDICT_LEVEL[data_verdict] < VERDICT_LEVEL[Verdict.LORA]:
        return data_verdict, [], []
    inputs = context["inputs"]  # every [context] key (``context_block``): no defaults here
    if inputs["task"] == "knowledge":
        return Verdict.PROMPT_ENGINEERING, [Reason(
            "context", "context.knowledge_task",
            "the task is knowledge lookup: retrieval (RAG) keeps facts current and citable; "
            "tuning teaches behaviour and format, not facts")], [
            "a behaviour or format task (not knowledge lookup) would favour tuning"]
    baseline, target = inputs["baseline_score"], inputs["target_score"]
    if target > 0 and baseline >= target:
        return Verdict.PROMPT_ENGINEERING, [Reason(
            "context", "context.baseline_meets_target",
            f"the prompted base model already scores {baseline:g} against a target of "
            f"{target:g}: tuning has little to add")], []
    costs = {c["path"]: c for c in context.get("costs", [])}
    if not costs:
        return data_verdict, [], []
    return _cheapest(data_verdict, costs, inputs, context.get("measured", {}))


def _cheapest(data_verdict: Verdict, costs: dict[str, dict[str, Any]], inputs: dict[str, Any],
              measured: dict[str, Any]) -> tuple[Verdict, list[Reason], list[str]]:
    supported = [p for p in PATHS if VERDICT_LEVEL[p] <= VERDICT_LEVEL[data_verdict]]
    supported = [p for p in supported if p.value in costs]  # a price table may lack a path
    prompt_tokens = int(measured.get("prompt_tokens_per_call", 0))
    prompt_ok = (not inputs["must_run_locally"] and not inputs["latency_ms"]
                 and prompt_tokens <= int(inputs["long_prompt_tokens"]))
    if not prompt_ok:
        supported = [p for p in supported if p != Verdict.PROMPT_ENGINEERING]
    if not supported:  # no priced path left to choose among: the data verdict stands
        return data_verdict, [], []
    best = min(supported, key=lambda p: (_monthly(costs[p.value]), -VERDICT_LEVEL[p]))
    money = ", ".join(cost_phrase(costs[p.value]) for p in PATHS if p.value in costs)
    calls = int(inputs["calls_per_month"])
    reason = Reason("context", "context.cost",
                    f"at {calls:,} calls a month the monthly cost (training spread over a year) "
                    f"is {money}; "
                    f"{best.value} is the cheapest path the data supports")
    reasons = [reason]
    closing = closing_note(costs[best.value])
    if closing:
        reasons.append(Reason("context", "context.offer_closing", closing))
    if not prompt_ok:
        why = ("the model must run locally" if inputs["must_run_locally"] else
               "a latency budget is set" if inputs["latency_ms"] else
               f"the prompt would need {prompt_tokens:,} tokens per call")
        reasons.append(Reason("context", "context.prompt_ruled_out",
                              f"prompting was ruled out: {why}"))
    changes = []
    if best == Verdict.PROMPT_ENGINEERING:
        changes.append("a higher call volume or a longer prompt would make a tuned model cheaper")
    return best, reasons, changes


def _monthly(cost: dict[str, Any]) -> float:
    """Monthly cost with training spread over a year (``cost.AMORTISE_MONTHS``); audits
    saved before that field have the steady-state figure only."""
    return float(cost.get("total_monthly", cost["monthly"]))


def _confidence(results: list[CheckResult], binding: list[Finding], margin: float) -> str:
    if any(r.status == Status.ERROR for r in results):
        return "low"
    if any(r.weak_proxy for r in results):
        return "low"
    if any(_near_threshold(f, margin) for f in binding):
        return "medium"
    return "high"


def _near_threshold(f: Finding, margin: float) -> bool:
    """The binding number sits within ``margin`` (relative) of its threshold."""
    obs, thr = f.observed, f.threshold
    if isinstance(obs, (int, float)) and isinstance(thr, (int, float)) and thr:
        return abs(obs - thr) / abs(thr) < margin
    return False
