"""The recommendation as practitioners make it: the primary path, its complements, and the
crossovers that would move it. Runs after ``decision.decide`` and only adds to its result
(the primary verdict, readiness and confidence are untouched)."""

from __future__ import annotations

from typing import Any

from tuneready.checks.size import SizeSettings
from tuneready.config.policy import Policy
from tuneready.core.results import VERDICT_LEVEL, CheckResult, Recommendation, Verdict
from tuneready.decide.answer_signals import ComplementsSettings, measure
from tuneready.decide.complements import TASK_UNKNOWN, complements, measured_task
from tuneready.decide.crossover import context_crossovers, data_crossovers

PATHS = (Verdict.PROMPT_ENGINEERING, Verdict.LORA, Verdict.FULL_FINE_TUNE)


def enrich(rec: Recommendation, frame: Any, results: list[CheckResult], policy: Policy,
           context: dict[str, Any]) -> Recommendation:
    table = ComplementsSettings.from_policy(policy)
    signals = measure(frame, table, policy.seed) if len(frame) else {"rows": 0}
    given = str(context["inputs"]["task"])  # every [context] key (``context_block``)
    task = measured_task(signals, table)
    rec.answer_signals = {**signals, "measured_task": task,
                          "task": given if given != TASK_UNKNOWN else task}
    rec.complements = complements(rec.verdict, signals, table, given, results)
    rec.crossovers = _crossovers(rec, results, policy, context)
    return rec


def _crossovers(rec: Recommendation, results: list[CheckResult], policy: Policy,
                context: dict[str, Any]) -> list[dict[str, Any]]:
    data = rec.data_verdict or rec.verdict
    binding = [f.code for r in results for f in r.findings if f.caps == data]
    domain = next((r for r in results if r.name == "domain"), None)
    curve = (domain.learning_curve if domain is not None
             and VERDICT_LEVEL[data] < VERDICT_LEVEL[Verdict.FULL_FINE_TUNE] else None)
    out = data_crossovers(rec.effective_n, data.value, SizeSettings.from_policy(policy), binding,
                          curve)
    if context.get("usage"):
        supported = {p.value for p in PATHS if VERDICT_LEVEL[p] <= VERDICT_LEVEL[data]}
        out += context_crossovers(context, supported)
    return out
