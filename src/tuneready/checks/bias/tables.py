"""The ``groups`` table of the bias check: one flat row per (attribute, group) for the report.

Columns follow the report's contract (attribute, group, n, share with interval, label rate,
error rate, noise rate, status) plus what else was measured. For multiclass labels the row
shows the label whose rate differs most significantly across this attribute's groups (named
in ``label``); every label is in the ``comparisons`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tuneready.checks.bias.stats import FLAGGED, INSUFFICIENT, OK, Comparison, GroupRate
from tuneready.evidence.stats import wilson

if TYPE_CHECKING:
    from tuneready.checks.bias.run import Analysis


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def _pick(comparisons: list[Comparison], attribute: str, metric: str) -> Comparison | None:
    """The comparison of this metric for the attribute, the most significant one first."""
    found = [c for c in comparisons if c.attribute == attribute and c.metric == metric]
    if not found:
        return None
    # ties (nothing testable) keep the focus order: the most frequent label first
    return min(enumerate(found), key=lambda ic: (ic[1].p_adjusted, -ic[1].difference,
                                                 ic[0]))[1]


def _by_group(c: Comparison | None) -> dict[str, GroupRate]:
    return {g.group: g for g in c.groups} if c else {}


def group_table(analysis: Analysis) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    comparisons = analysis.tested + analysis.info
    total = analysis.data.n
    for attr in analysis.attributes:
        counts = attr.counts
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        lo, hi = wilson(np.array([n for _, n in ordered]), np.full(len(ordered), total))
        rep = _pick(comparisons, attr.name, "representation")
        label_c = _pick(comparisons, attr.name, "label_rate")
        label = label_c.label if label_c else None
        per = {m: _by_group(_pick(comparisons, attr.name, m)) for m in
               ("error_rate", "noise_rate", "refusal_rate", "answer_tokens")}
        per["label_rate"] = _by_group(label_c)
        per["recall"] = _by_group(next((c for c in comparisons if c.attribute == attr.name
                                        and c.metric == "recall" and c.label == label), None))
        per["selection_rate"] = _by_group(next(
            (c for c in comparisons if c.attribute == attr.name
             and c.metric == "selection_rate" and c.label == label), None))
        expected = rep.extra.get("expected", {}) if rep else {}
        for i, (group, n) in enumerate(ordered):
            g = str(group)
            row: dict[str, Any] = {
                "attribute": attr.name, "group": g, "n": int(n),
                "share": _r(n / total if total else 0.0), "share_lo": _r(lo[i]),
                "share_hi": _r(hi[i]), "expected_share": _r(expected.get(g)),
                "label": label}
            for metric, prefix in (("label_rate", "label_rate"), ("error_rate", "error"),
                                   ("noise_rate", "noise"), ("refusal_rate", "refusal"),
                                   ("recall", "recall"), ("answer_tokens", "answer_tokens")):
                rate = per[metric].get(g)
                row[metric] = _r(rate.rate) if rate else None
                row[f"{prefix}_lo"] = _r(rate.lo) if rate else None
                row[f"{prefix}_hi"] = _r(rate.hi) if rate else None
            sel = per["selection_rate"].get(g)
            row["selection_rate"] = _r(sel.rate) if sel else None
            row["status"] = status_of_group(analysis, attr.name, g, int(n))
            rows.append(row)
    return rows


def status_of_group(analysis: Analysis, attribute: str, group: str, n: int) -> str:
    if n < analysis.min_n:
        return INSUFFICIENT
    for c in analysis.tested:
        if c.attribute != attribute or not c.flagged or c.high is None or c.low is None:
            continue
        if c.metric == "representation":  # only a shortfall against a reference is flagged
            if c.extra.get("reference") and group == c.low.group:
                return FLAGGED
        elif group in (c.high.group, c.low.group):
            return FLAGGED
    return OK
