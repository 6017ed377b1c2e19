"""label_noise: how many labels are wrong, which rows to relabel first, and whether it matters.

Fine-tuning on noisy labels teaches the noise. The rows and rates come from
``Evidence.label_issues`` (``tuneready.noise``: conflicting duplicates, cleanlab confident
learning on the shared proxy's out-of-fold probabilities, and a planted-flip probe of how far
the proxy can be trusted). This module only turns them into findings, tables and caps:

- the estimated noise rate (Wilson interval) against ``warn_rate``, ``fail_rate`` (caps LoRA)
  and ``not_ready_rate`` (caps not ready);
- with a weak proxy the estimate is reported as an upper bound and caps nothing by itself:
  only certain noise (conflicting duplicates) is held to the thresholds;
- flagged rows leave the effective size (only the certain ones when the proxy is weak).

Without labels, free-form targets are checked by ``tuneready.targets`` instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tuneready.checks.base import example_rows, skipped, status_of
from tuneready.evidence import Evidence
from tuneready.io.dataset import Dataset
from tuneready.model import CheckResult, Finding, Severity, Verdict
from tuneready.noise import LabelIssues, wilson
from tuneready.policy import CheckPolicy

#: rows listed in the ``flagged`` table (the full list is in ``excluded_rows``)
TABLE_ROWS = 500


class LabelNoiseCheck:
    name: ClassVar[str] = "label_noise"
    what: ClassVar[str] = ("rows whose label is probably wrong (conflicting duplicates; cleanlab "
                           "confident learning on out-of-fold proxy predictions) and the "
                           "estimated noise rate, per class and overall, with intervals; for "
                           "free-form targets: contradictory, empty, truncated, refusal and "
                           "echoed answers")
    why: ClassVar[str] = ("a model tuned on wrong labels learns to give wrong answers; the "
                          "flagged rows, worst first, say what to relabel")

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        if not data.has_labels:
            from tuneready.targets import target_result

            return target_result(self.name, data, evidence, policy)
        issues = evidence.label_issues
        if issues is None:  # pragma: no cover - has_labels guarantees a labelled row
            return skipped(self.name, "no labelled rows", policy)
        return _result(self.name, data, issues, policy)


def is_weak(issues: LabelIssues, policy: CheckPolicy) -> bool:
    """Can the proxy tell a wrong label from a hard example here? (see ``tuneready.noise``)"""
    if issues.oof_accuracy is None:
        return False  # nothing model-based was estimated
    accepted = issues.accepted_accuracy if issues.accepted_accuracy is not None else 0.0
    if accepted < float(policy.get("weak_accuracy", 0.75)):
        return True
    probe = issues.probe
    return probe is not None and probe.recall < float(policy.get("min_probe_recall", 0.6))


def _result(name: str, data: Dataset, issues: LabelIssues, policy: CheckPolicy) -> CheckResult:
    weak = is_weak(issues, policy)
    row_ids = data.frame["row_id"].to_numpy()
    lo, hi = wilson(issues.n_flagged, issues.n_labelled)
    findings = _rate_findings(issues, weak, policy, row_ids, (lo, hi))
    findings += _side_findings(issues, weak, policy, row_ids, data)
    excluded = issues.conflict_positions if weak else issues.flagged_positions
    metrics = _metrics(issues, weak, lo, hi)
    summary = (f"{'at most ' if weak else ''}{issues.rate:.1%} of {issues.n_labelled:,} labels "
               f"look wrong ({issues.n_flagged:,} rows"
               + (f", {len(issues.conflict_positions):,} certain" if issues.conflict_groups
                  else "") + ")")
    return CheckResult(name=name, status=status_of(findings), summary=summary, metrics=metrics,
                       findings=findings, params=policy, tables=_tables(issues, data),
                       excluded_rows=sorted(int(r) for r in row_ids[excluded]))


def _rate_findings(issues: LabelIssues, weak: bool, policy: CheckPolicy, row_ids: np.ndarray,
                   interval: tuple[float, float]) -> list[Finding]:
    """The noise rate against the thresholds; a weak proxy only binds through certain noise."""
    levels = [("not_ready", float(policy.get("not_ready_rate", 0.2)), Severity.FAIL,
               Verdict.NOT_READY),
              ("fail", float(policy.get("fail_rate", 0.15)), Severity.FAIL, Verdict.LORA),
              ("warn", float(policy.get("warn_rate", 0.05)), Severity.WARN, None)]
    rows = example_rows(row_ids[_worst_first(issues)][:50])
    n = issues.n_flagged
    remedy = (f"relabel the {n:,} rows flagged, or prefer LoRA/prompting" if n else None)
    out: list[Finding] = []
    rate, certain = issues.rate, issues.certain_rate
    lo, hi = interval
    for level, limit, severity, cap in levels:
        if certain > limit:
            out.append(Finding(
                f"label_noise.rate_above_{level}", severity,
                f"{certain:.1%} of labels are certainly wrong (the same input carries "
                f"different labels), above the {limit:.0%} {level} level",
                observed=round(certain, 4), threshold=limit,
                rows=example_rows(row_ids[issues.conflict_positions]),
                n_rows=len(issues.conflict_positions), caps=cap, remedy=remedy))
            return out
        if rate > limit:
            if weak:
                out.append(Finding(
                    "label_noise.estimate_upper_bound", Severity.WARN,
                    f"at most {rate:.1%} of labels look wrong (95 % interval {lo:.1%}-{hi:.1%}), "
                    f"above the {limit:.0%} {level} level, but the proxy model is weak, so this "
                    "mixes wrong labels with hard examples; it limits nothing by itself",
                    observed=round(rate, 4), threshold=limit, rows=rows, n_rows=n,
                    remedy="review the flagged rows, or supply stronger --pred-probs or "
                           "--embeddings"))
                return out
            out.append(Finding(
                f"label_noise.rate_above_{level}", severity,
                f"an estimated {rate:.1%} of labels are wrong (95 % interval {lo:.1%}-"
                f"{hi:.1%}), above the {limit:.0%} {level} level",
                observed=round(rate, 4), threshold=limit, rows=rows, n_rows=n, caps=cap,
                remedy=remedy))
            return out
    return out


def _side_findings(issues: LabelIssues, weak: bool, policy: CheckPolicy, row_ids: np.ndarray,
                   data: Dataset) -> list[Finding]:
    out: list[Finding] = []
    if issues.conflict_groups:
        conflict_rows = row_ids[issues.conflict_positions]
        out.append(Finding(
            "label_noise.conflicting_duplicates", Severity.WARN,
            f"{issues.conflict_groups:,} inputs appear with different labels; "
            f"{len(conflict_rows):,} of their rows carry a minority (or tied) label",
            observed=len(conflict_rows), threshold=0, rows=example_rows(conflict_rows),
            n_rows=len(conflict_rows), remedy="give each repeated input one label"))
    if weak:
        probe = issues.probe
        found = f"; it finds {probe.recall:.0%} of labels flipped on purpose" if probe else ""
        out.append(Finding(
            "label_noise.proxy_weak", Severity.INFO,
            f"the proxy model is weak (accuracy {issues.oof_accuracy or 0:.1%}, "
            f"{issues.accepted_accuracy or 0:.1%} on the labels it accepts{found}): it cannot "
            "tell wrong labels from hard examples, so the noise estimate is an upper bound",
            observed=round(issues.accepted_accuracy or 0.0, 4),
            threshold=float(policy.get("weak_accuracy", 0.75)),
            remedy="supply --pred-probs from a stronger model or --embeddings"))
    unscored = issues.n_labelled - len(issues.positions)
    if unscored and issues.oof_accuracy is not None:
        out.append(Finding(
            "label_noise.rows_not_scored", Severity.INFO,
            f"{unscored:,} labelled rows were not scored (their class has a single example)",
            observed=unscored, threshold=0))
    elif issues.oof_accuracy is None and data.has_labels:
        out.append(Finding(
            "label_noise.no_proxy", Severity.INFO,
            "too few labelled rows or classes for out-of-fold predictions: only conflicting "
            "duplicates were checked", observed=issues.n_labelled, threshold=10))
    return out


def _worst_first(issues: LabelIssues) -> np.ndarray:
    """Flagged frame positions: certain conflicts first, then by label quality, lowest first."""
    quality = dict(zip(issues.positions.tolist(), issues.quality.tolist(), strict=True))
    certain = set(issues.conflict_positions.tolist())
    order = sorted(issues.flagged_positions.tolist(),
                   key=lambda p: (p not in certain, quality.get(p, 0.0), p))
    return np.asarray(order, dtype=np.int64)


def _metrics(issues: LabelIssues, weak: bool, lo: float, hi: float) -> dict[str, Any]:
    probe = issues.probe
    metrics: dict[str, Any] = {
        "labelled_n": issues.n_labelled, "scored_n": len(issues.positions),
        "flagged_n": issues.n_flagged, "noise_rate": round(issues.rate, 4),
        "noise_rate_lo": round(lo, 4), "noise_rate_hi": round(hi, 4),
        "certain_n": len(issues.conflict_positions),
        "certain_rate": round(issues.certain_rate, 4),
        "conflict_groups": issues.conflict_groups,
        "estimated_issues": issues.estimated_issues, "n_classes": len(issues.classes),
        "proxy_weak": weak,
    }
    if issues.oof_accuracy is not None:
        metrics["oof_accuracy"] = round(issues.oof_accuracy, 4)
    if issues.accepted_accuracy is not None:
        metrics["accepted_accuracy"] = round(issues.accepted_accuracy, 4)
    if probe is not None:
        metrics.update(probe_planted=probe.planted, probe_recall=round(probe.recall, 4),
                       probe_response=round(probe.response, 4))
    return metrics


def _tables(issues: LabelIssues, data: Dataset) -> dict[str, list[dict[str, Any]]]:
    frame = data.frame
    pos_to_scored = {p: i for i, p in enumerate(issues.positions.tolist())}
    labels = frame["label"].to_numpy()
    certain = set(issues.conflict_positions.tolist())
    flagged = []
    for p in _worst_first(issues)[:TABLE_ROWS].tolist():
        i = pos_to_scored.get(p)
        flagged.append({
            "row_id": int(frame["row_id"].to_numpy()[p]), "given": str(labels[p]),
            "likely": issues.classes[issues.likely[i]] if i is not None else None,
            "quality": round(float(issues.quality[i]), 4) if i is not None else None,
            "source": "conflicting_duplicate" if p in certain else "confident_learning",
            "input": str(frame["input"].iat[p])[:300]})
    return {"flagged": flagged, "by_class": _by_class(issues, labels),
            "confused_pairs": _confused_pairs(issues)}


def _by_class(issues: LabelIssues, labels: np.ndarray) -> list[dict[str, Any]]:
    given = pd.Series(labels).dropna().astype(str).value_counts()
    flagged = pd.Series(labels[issues.flagged_positions]).dropna().astype(str).value_counts()
    rows = []
    for label in sorted(given.index):
        n, k = int(given[label]), int(flagged.get(label, 0))
        lo, hi = wilson(k, n)
        rows.append({"label": label, "n": n, "flagged": k, "rate": round(k / n, 4),
                     "rate_lo": round(lo, 4), "rate_hi": round(hi, 4)})
    return rows


def _confused_pairs(issues: LabelIssues, top: int = 10) -> list[dict[str, Any]]:
    """Most frequent (given, likely) pairs among flagged scored rows."""
    mask = issues.is_issue
    if not mask.any():
        return []
    pairs = np.stack([issues.given[mask], issues.likely[mask]], axis=1)
    uniq, counts = np.unique(pairs, axis=0, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-int(counts[i]), tuple(uniq[i])))
    return [{"given": issues.classes[int(uniq[i][0])], "likely": issues.classes[int(uniq[i][1])],
             "count": int(counts[i])} for i in order[:top] if uniq[i][0] != uniq[i][1]]
