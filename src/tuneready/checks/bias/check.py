"""bias: is any group under-represented, labelled differently, or badly taught by this data?

Fine-tuning inherits the disparities of its data and does not fix them: only curation does.
For every attribute (group columns, their requested intersections, or identity terms found in
the text when no column exists) we compare groups on representation, label rate, the shared
proxy's out-of-fold error and recall, label-noise rate, and for free-form answers refusal
rate and answer length (``tuneready.checks.bias.compare``). A disparity becomes a finding only
when it is significant after Benjamini-Hochberg across the whole check AND material (ratio
below ``min_ratio`` or difference above ``max_difference``); groups too small to judge are
"insufficient evidence", never passed or failed. ``block`` decides whether findings fail
(and cap the verdict at not ready) or warn.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tuneready.checks.bias.settings import BiasSettings
from tuneready.checks.bias.stats import Comparison
from tuneready.checks.contract import (
    MAX_EXAMPLE_ROWS,
    CheckSpec,
    Declared,
    example_rows,
    skipped,
    status_of,
)
from tuneready.config.policy import CheckPolicy
from tuneready.core.results import CheckResult, Finding, Severity, Status, Verdict
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

_WHAT = {"representation": "share of rows", "label_rate": "rate of label",
         "error_rate": "proxy out-of-fold error rate", "recall": "proxy recall of label",
         "noise_rate": "share of rows flagged as mislabelled",
         "refusal_rate": "refusal rate of the answers",
         "answer_tokens": "median answer length (tokens)"}
CARRY = "fine-tuning on the data as it is would carry this disparity into the model"


SPEC = CheckSpec(
    name="bias", cls="BiasCheck",
    what=("representation, label rate, proxy error/recall and label-noise "
          "rate by group (fairlearn MetricFrame, Wilson intervals, chi-square "
          "or Fisher, Benjamini-Hochberg); identity terms when no group column"),
    why=("fine-tuning carries the disparities of its data into the model; "
         "only curating the data removes them"),
    needs=frozenset({"norm_input", "input_hash", "target_tokens", "tfidf",
                     "sentence_vectors", "proxy", "label_issues", "languages"}),
    settings=BiasSettings,
    excluded_as=None,
    charts={"groups": "bias_groups"},
    diff_metrics=(),
)


class BiasCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        from tuneready.checks.bias.run import analyse

        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        cfg = BiasSettings.of(policy)
        analysis = analyse(data, evidence, cfg)
        if not analysis.attributes:
            return skipped(self.name, analysis.why_skipped, policy)
        weak = analysis.proxy_accuracy if analysis.weak_proxy else None
        findings = _findings(analysis.tested, data, analysis.row_index, cfg, weak)
        findings += analysis.term_findings
        insufficient = analysis.insufficient_finding()
        if insufficient:
            findings.append(insufficient)
        metrics = analysis.metrics()
        summary = analysis.summary(sum(1 for f in findings if f.severity != Severity.INFO))
        status = status_of(findings)
        judged = [c for c in analysis.tested if c.test != "none" and c.metric != "representation"]
        if status == Status.PASS and not judged:  # nothing could be judged: not a pass
            status = Status.SKIPPED
            summary = "insufficient evidence: no two groups large enough to compare; " + summary
        proxy_judged = any(c.metric in PROXY_METRICS for c in judged)
        return CheckResult(name=self.name, status=status, summary=summary, metrics=metrics,
                           findings=findings, params=policy, tables=analysis.tables(),
                           weak_proxy=analysis.weak_proxy and proxy_judged)


def _severity(cfg: BiasSettings) -> tuple[Severity, Verdict | None]:
    if cfg.block:
        return Severity.FAIL, Verdict.NOT_READY
    return Severity.WARN, None


#: metrics read from the proxy model's predictions (noise rates: from its label issues)
PROXY_METRICS = frozenset({"error_rate", "recall", "noise_rate"})


def _findings(comparisons: list[Comparison], data: Dataset, row_index: Any,
              cfg: BiasSettings, weak_accuracy: float | None = None) -> list[Finding]:
    """One finding per (attribute, metric): its most significant comparison, naming the other
    labels that also differ (multiclass one-vs-rest would otherwise repeat itself).
    ``weak_accuracy``: the proxy's accuracy when it is too weak to tell; its gaps then warn
    and say so, and never cap the verdict."""
    severity, caps = _severity(cfg)
    flagged = sorted((c for c in comparisons if c.flagged),
                     key=lambda c: (c.p_adjusted, c.attribute, c.metric, c.label or ""))
    seen: dict[tuple[str, str], list[Comparison]] = {}
    for c in flagged:
        seen.setdefault((c.attribute, c.metric), []).append(c)
    out = []
    for same in seen.values():
        c = same[0]
        assert c.high is not None and c.low is not None
        rows = row_index(c)  # may be most of the data: sort only the examples' candidates
        examples = example_rows(np.sort(rows)[:MAX_EXAMPLE_ROWS])
        sev, cap = severity, caps
        if c.metric == "representation" and not c.extra.get("reference"):
            sev, cap = Severity.INFO, None  # parity is a description, not a requirement
        observed, threshold = _observed(c, cfg)
        message = _message(c)
        if weak_accuracy is not None and c.metric in PROXY_METRICS:
            sev, cap = Severity.WARN, None
            message += (f"; the proxy model is weak (out-of-fold accuracy {weak_accuracy:.0%}), "
                        "so this gap may reflect hard examples, not teaching: it does not cap "
                        "the verdict")
        if len(same) > 1:
            message += "; also differs for label " + ", ".join(f"'{o.label}'" for o in same[1:])
        remedy = _remedy(c, data.n)
        if c.attribute.startswith("terms:"):
            remedy = ("groups are derived from identity terms, so the gap may reflect topic "
                      "rather than prejudice: read these rows first; then " + remedy)
        out.append(Finding(
            f"bias.{c.metric}_disparity", sev, message, observed=observed,
            threshold=threshold, rows=examples, n_rows=len(rows), caps=cap,
            remedy=remedy))
    return out


def _observed(c: Comparison, cfg: BiasSettings) -> tuple[float, float]:
    min_ratio = cfg.min_ratio
    if c.ratio < min_ratio or c.metric in ("representation", "answer_tokens"):
        return round(c.ratio, 4), min_ratio
    return round(c.difference, 4), cfg.max_difference


def _fmt(metric: str, x: float) -> str:
    return f"{x:.0f}" if metric == "answer_tokens" else f"{x:.1%}"


def _side(c: Comparison, g: Any) -> str:
    return (f"'{g.group}' {_fmt(c.metric, g.rate)} (95% CI {_fmt(c.metric, g.lo)}-"
            f"{_fmt(c.metric, g.hi)}, n={g.n:,})")


def _message(c: Comparison) -> str:
    assert c.high is not None and c.low is not None
    what = _WHAT.get(c.metric, c.metric) + (f" '{c.label}'" if c.label else "")
    p = f"adjusted p={c.p_adjusted:.2g}"
    if c.metric == "representation":
        exp = c.extra["expected"].get(c.low.group, math.nan)
        basis = "the reference share" if c.extra.get("reference") else "parity"
        g = c.low
        return (f"{c.attribute}: '{g.group}' has {g.k:,} of {g.n:,} rows, {g.rate:.1%} (95% CI "
                f"{g.lo:.1%}-{g.hi:.1%}), against {exp:.1%} expected from {basis} "
                f"(observed/expected {c.ratio:.2f}; {p})")
    return (f"{c.attribute}: {what} differs between {_side(c, c.high)} and {_side(c, c.low)}: "
            f"difference {c.difference:.3g}, ratio {c.ratio:.2f} ({c.test}, {p})")


def _remedy(c: Comparison, n: int) -> str:
    assert c.high is not None and c.low is not None
    hi, lo = c.high.group, c.low.group
    if c.metric == "representation":
        exp = float(c.extra["expected"].get(lo, 0.0))
        need = max(0, math.ceil((exp * c.low.n - c.low.k) / max(1e-9, 1 - exp)))
        return (f"collect about {need:,} more rows of '{lo}' ({c.attribute}) to reach its "
                f"expected share, or document why the shares differ; {CARRY}")
    if c.metric == "label_rate":
        return (f"review how label '{c.label}' was assigned to '{hi}' and '{lo}' rows; "
                f"relabel or rebalance so the rate reflects the task, not the group; {CARRY}")
    if c.metric in ("error_rate", "recall"):
        worse = hi if c.metric == "error_rate" else lo
        return (f"add more varied, correctly labelled examples of '{worse}' rows (the data "
                f"teaches this group less well); {CARRY}")
    if c.metric == "noise_rate":
        return (f"relabel the rows flagged in group '{hi}' first (its labels are noisier); "
                f"{CARRY}")
    if c.metric == "refusal_rate":
        return (f"read the refusals in answers to '{hi}' rows and replace unjustified ones; "
                f"{CARRY}")
    return (f"review the shorter answers given to '{lo}' rows and bring them to the standard "
            f"of the others; {CARRY}")
