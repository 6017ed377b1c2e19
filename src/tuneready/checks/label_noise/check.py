"""label_noise: how many labels are wrong, which rows to review first, and whether it matters.

Fine-tuning on noisy labels teaches the noise. The rows and the range come from
``Evidence.label_issues`` (``evidence.label_issues``: conflicting duplicates, rejections by two
independent views, cleanlab confident learning on the stacked proxy, a planted-flip probe, and
a person's review). This module only turns them into findings, tables, rows and caps:

- the noise rate is a **range** (``evidence.noise_range``) whose lower bound is certain
  evidence only. Without a review, only the lower bound is held to ``warn_rate``,
  ``fail_rate`` (caps LoRA) and ``not_ready_rate`` (caps not ready); when the upper end passes
  a capping level the lower bound does not, ``label_noise.unresolved`` blocks readiness
  (fail closed) without lowering the verdict. With a usable review its measured estimate is
  held to the levels;
- **outcome labels** (``tuneready.evidence.label_kind``) never cap: repeated inputs with different
  labels are irreducible uncertainty, reported with the accuracy ceiling they imply;
- every flagged row is a ``FlaggedRow`` of one type (``checks/label_noise/flags.py``): certain
  conflicts and rows a reviewer relabelled leave the effective size; candidates (rows both
  views reject first) stay, unless a review measured their type precise enough;
- every audit with labels gets a **review sample** (``review.csv``, ``tuneready.evidence.review``).

Without labels, free-form answers are checked by the ``answers`` check instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tuneready.checks.contract import CheckSpec, Declared, example_rows, skipped, status_of
from tuneready.checks.label_noise import flags
from tuneready.checks.label_noise.settings import LabelNoiseSettings
from tuneready.checks.label_noise.tables import review_sample, tables
from tuneready.config.policy import CheckPolicy
from tuneready.core.ladder import LADDER, crossed
from tuneready.core.precision import Precision
from tuneready.core.results import CheckResult, Finding, Severity
from tuneready.evidence.label_issues import LabelIssues
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

SPEC = CheckSpec(
    name="label_noise", cls="LabelNoiseCheck",
    what=("rows whose label is probably wrong (conflicting duplicates, certain; "
          "candidates: rows two independent views reject, then cleanlab confident "
          "learning on the stacked proxy's out-of-fold predictions) and the noise "
          "rate as a range whose lower bound is certain evidence only, per class, "
          "with a review sample that measures it"),
    why=("a model tuned on wrong labels learns to give wrong answers; the "
         "flagged rows, worst first, say what to relabel"),
    needs=frozenset({"norm_input", "norm_target", "input_hash", "tfidf",
                     "sentence_vectors", "proxy", "label_issues"}),
    settings=LabelNoiseSettings,
    excluded_as="likely mislabelled rows",
    charts={"by_class": "noise_by_class", "confused_pairs": "confused_pairs"},
    diff_metrics=("noise_rate",),
)


class LabelNoiseCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = LabelNoiseSettings.of(policy)
        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        if not data.has_labels:
            return skipped(self.name, "no labels: free-form answers are checked by the "
                                      "answers check", policy)
        issues = evidence.label_issues
        if issues is None:  # pragma: no cover - has_labels guarantees a labelled row
            return skipped(self.name, "no labelled rows", policy)
        return _result(self.name, data, issues, policy, cfg, evidence.seed)


def _result(name: str, data: Dataset, issues: LabelIssues, policy: CheckPolicy,
            cfg: LabelNoiseSettings, seed: int) -> CheckResult:
    row_ids = data.frame["row_id"].to_numpy()
    sample, plan = review_sample(data, issues, cfg, seed)
    types = flags.types_of(issues)
    precision = flags.precisions(issues, types)
    excluded = flags.excluded_positions(types, precision, cfg.exclude_min_precision)
    findings = (_outcome_findings(issues, row_ids) if issues.kind.outcome
                else _rate_findings(issues, cfg, row_ids, plan, len(excluded)))
    findings += _row_findings(issues, row_ids, types, precision, excluded)
    findings += _side_findings(issues, row_ids, data)
    metrics = {**_metrics(issues, plan), "excluded_n": len(excluded),
               **{f"precision_{k.split('.')[1]}": p.text() for k, p in precision.items()}}
    b = issues.bounds
    what = "unlikely outcomes" if issues.kind.outcome else "labels look wrong"
    summary = (f"{issues.rate:.1%} of {issues.n_labelled:,} {what} (range {b.lower:.1%}-"
               f"{b.upper:.1%}{', measured by review' if b.basis == 'review' else ''}"
               f"{'' if b.resolved else ', unresolved'}; {issues.n_flagged:,} rows flagged, "
               f"{len(excluded):,} left the effective size)")
    result_tables = tables(issues, data)
    if sample:
        result_tables["review_sample"] = sample
    return CheckResult(name=name, status=status_of(findings), summary=summary, metrics=metrics,
                       findings=findings, params=policy, tables=result_tables,
                       excluded_rows=sorted(int(r) for r in row_ids[excluded]),
                       weak_proxy=not issues.bounds.resolved,
                       flagged=flags.flagged_rows(issues, data, types, precision, excluded))


def _rate_findings(issues: LabelIssues, cfg: LabelNoiseSettings, row_ids: np.ndarray,
                   plan: dict[str, Any], n_excluded: int) -> list[Finding]:
    """The noise rate against the levels: the review's estimate once measured, the lower
    bound (certain evidence) otherwise, plus one finding for what the upper end could still
    be (blocking readiness when it passes a capping level the lower bound does not)."""
    b = issues.bounds
    observed = b.point if b.basis == "review" else b.lower
    rows = example_rows(row_ids[issues.worst_first()][:50])
    out = [f for f in (_level_finding(issues, cfg, rows, observed, n_excluded),)
           if f is not None]
    if b.basis == "review" or b.upper <= cfg.warn_rate or issues.oof_accuracy is None:
        return out  # (no proxy: nothing was estimated; ``label_noise.no_proxy`` says so)
    limits = cfg.values()
    open_caps = [float(limits[lv.key]) for lv in LADDER
                 if lv.caps is not None and observed <= float(limits[lv.key]) < b.upper]
    if out and not open_caps:
        return out  # the lower bound already says all the upper end could
    blocks = cfg.unresolved_blocks and bool(open_caps)
    return [*out, _unresolved(issues, rows, plan, cfg.warn_rate, blocks)]


def _level_finding(issues: LabelIssues, cfg: LabelNoiseSettings, rows: list[int],
                   observed: float, n_excluded: int) -> Finding | None:
    b = issues.bounds
    remedy = (f"relabel the {issues.n_flagged:,} rows flagged (worst first), or prefer "
              "LoRA/prompting" if issues.n_flagged else None)
    hit = crossed(observed, cfg.values())
    if hit is None:
        return None
    level, limit = hit
    if b.basis == "review" and issues.review is not None:
        message = (f"an estimated {b.point:.1%} of labels are wrong (measured by a review of "
                   f"{issues.review.reviewed:,} rows: {b.lower:.1%}-{b.upper:.1%}), above the "
                   f"{limit:.0%} {level.name} level; {n_excluded:,} rows left the effective "
                   "size")
    else:
        message = (f"at least {b.lower:.1%} of labels are wrong ({_lower_basis(issues)}), "
                   f"above the {limit:.0%} {level.name} level")
    return Finding(f"label_noise.rate_above_{level.name}", level.severity, message,
                   observed=round(observed, 4), threshold=limit, rows=rows,
                   n_rows=issues.n_flagged, caps=level.caps, remedy=remedy)


def _lower_basis(issues: LabelIssues) -> str:
    b = issues.bounds
    if b.certain_n:
        return (f"certain: {b.certain_n:,} rows carry a label that another copy of the same "
                "input contradicts")
    return "no certain evidence"


def _unresolved(issues: LabelIssues, rows: list[int], plan: dict[str, Any],
                warn: float, blocks: bool) -> Finding:
    """The range straddles the levels. When its upper end passes the first capping level the
    audit cannot vouch for the labels: the finding blocks readiness (fail closed) without
    lowering the verdict, until a review (or stronger ``--pred-probs``) resolves it."""
    b = issues.bounds
    n = plan.get("review_rows", 0)
    resolve = (f"a person reading the {n:,} rows of review.csv (correct_label column) and "
               "running the audit again with --review review.csv measures it within "
               f"\u00b1{plan['review_half_width'] * 100:.0f} points" if n else
               "supply --pred-probs from a stronger model, or review the flagged rows")
    tail = (": the labels cannot be vouched for until this is resolved" if blocks else "")
    widened = "".join(f"; widened: {w}" for w in b.widened)
    return Finding(
        "label_noise.unresolved", Severity.FAIL if blocks else Severity.WARN,
        f"between {b.lower:.1%} and {b.upper:.1%} of labels may be wrong (estimate "
        f"{b.point:.1%}): the proxy cannot tell hard rows from wrong labels here, so the "
        f"{issues.n_flagged:,} flagged rows are candidates, and only the lower bound (certain "
        f"evidence) limits the verdict{tail}. The upper end assumes wrong labels are no harder "
        f"for the proxy to see than flips planted among its less confident rows; errors made "
        f"on purpose or by rule can hide from any proxy{widened}",
        observed=round(b.upper, 4), threshold=warn, rows=rows, n_rows=issues.n_flagged,
        remedy=resolve, blocks=blocks)


def _outcome_findings(issues: LabelIssues, row_ids: np.ndarray) -> list[Finding]:
    """Outcome labels: mixed labels on one input are irreducible, never noise or a cap."""
    kind, out = issues.kind, []
    if kind.mixed_groups:
        mixed = issues.conflict_positions
        out.append(Finding(
            "label_noise.irreducible_uncertainty", Severity.INFO,
            f"{kind.mixed_groups:,} inputs appear with different outcomes ({kind.mixed_rows:,} "
            f"rows): for outcome labels that is irreducible uncertainty, not wrong labels; no "
            f"model of these inputs can be more accurate than {kind.ceiling:.1%}",
            observed=round(kind.ceiling, 4), threshold=1.0,
            rows=example_rows(row_ids[mixed]), n_rows=kind.mixed_rows,
            remedy="add the features that tell these cases apart, or tune for calibrated "
                   "probabilities rather than one answer"))
    out.append(Finding(
        "label_noise.unlikely_outcomes", Severity.INFO,
        f"{issues.rate:.1%} of rows carry an outcome the proxy finds unlikely for their input "
        "(confident learning); for outcome labels this is not an error count and limits "
        f"nothing ({kind.reason})", observed=round(issues.rate, 4), threshold=0.0,
        rows=example_rows(row_ids[issues.worst_first()][:50]), n_rows=issues.n_flagged))
    return out


def _row_findings(issues: LabelIssues, row_ids: np.ndarray, types: dict[int, str],
                  precision: dict[str, Precision], excluded: np.ndarray) -> list[Finding]:
    """One finding per kind of row: the candidates (with each type's precision, in the
    words every report uses) and the rows a reviewer relabelled."""
    out: list[Finding] = []
    removed = set(excluded.tolist())
    relabelled = [p for p, k in types.items() if k == flags.RELABELLED]
    if relabelled:
        out.append(Finding(
            "label_noise.relabelled", Severity.INFO,
            f"a reviewer gave {len(relabelled):,} rows another label "
            f"({precision[flags.RELABELLED].text()}): they leave the effective size",
            observed=len(relabelled), threshold=0, rows=example_rows(row_ids[relabelled]),
            n_rows=len(relabelled), remedy="apply the reviewer's labels (tuneready fix)"))
    parts, rows = [], []
    for kind, words in ((flags.REJECTED, "rejected by both independent views, reviewed "
                                         "first"),
                        (flags.CANDIDATE, "flagged by confident learning")):
        mine = [p for p, k in types.items() if k == kind]
        if mine:
            gone = sum(p in removed for p in mine)
            fate = (f"{gone:,} left the effective size" if gone else
                    "they stay in the effective size and cap nothing")
            parts.append(f"{len(mine):,} {words} ({precision[kind].text()}; {fate})")
            rows += mine
    if parts:
        out.append(Finding(
            "label_noise.candidates", Severity.INFO,
            "candidates for review: " + "; ".join(parts), observed=len(rows), threshold=0,
            rows=example_rows(row_ids[rows][:50]), n_rows=len(rows),
            remedy="review them (review.csv samples them) to measure how many are wrong"))
    return out


def _side_findings(issues: LabelIssues, row_ids: np.ndarray, data: Dataset) -> list[Finding]:
    out: list[Finding] = []
    if issues.conflict_groups and not issues.kind.outcome:
        conflict_rows = row_ids[issues.conflict_positions]
        out.append(Finding(
            "label_noise.conflicting_duplicates", Severity.WARN,
            f"{issues.conflict_groups:,} inputs appear with different labels; "
            f"{len(conflict_rows):,} of their rows carry a minority (or tied) label, and at "
            f"least {issues.certain_wrong:,} labels are wrong "
            f"({Precision('certain').text()}; {issues.kind.reason}): they leave the "
            "effective size",
            observed=len(conflict_rows), threshold=0, rows=example_rows(conflict_rows),
            n_rows=len(conflict_rows), remedy="give each repeated input one label"))
    review = issues.review
    if review is not None and not review.usable:
        out.append(Finding("label_noise.review_incomplete", Severity.INFO,
                           "; ".join(review.notes), observed=review.reviewed,
                           threshold=0))
    if review is not None and review.unmatched:
        out.append(Finding(
            "label_noise.review_unmatched", Severity.INFO,
            f"{review.unmatched:,} reviewed rows no longer match this data set (their input "
            "changed) and were not counted", observed=review.unmatched, threshold=0))
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


def _metrics(issues: LabelIssues, plan: dict[str, Any]) -> dict[str, Any]:
    b, probe = issues.bounds, issues.probe
    metrics: dict[str, Any] = {
        "labelled_n": issues.n_labelled, "scored_n": len(issues.positions),
        "flagged_n": issues.n_flagged, "confirmed_n": len(issues.confirmed_positions),
        "noise_rate": round(b.point, 4), "noise_rate_lo": round(b.lower, 4),
        "noise_rate_hi": round(b.upper, 4), "range_basis": b.basis,
        "estimate_resolved": b.resolved, "proxy_weak": not b.resolved,
        "certain_n": b.certain_n, "certain_rate": round(issues.certain_rate, 4),
        "conflict_groups": issues.conflict_groups,
        "rejected_by_both_views": b.rejected_n, "range_widened": "; ".join(b.widened) or "no",
        "estimated_issues": issues.estimated_issues, "n_classes": len(issues.classes),
        **issues.kind.metrics(), **plan,
    }
    if issues.oof_accuracy is not None:
        metrics["oof_accuracy"] = round(issues.oof_accuracy, 4)
        metrics["proxy"] = issues.proxy_source
    if issues.accepted_accuracy is not None:
        metrics["accepted_accuracy"] = round(issues.accepted_accuracy, 4)
    if probe is not None:
        metrics.update(probe_planted=probe.planted, probe_recall=round(probe.recall, 4),
                       probe_response=round(probe.response, 4))
        if probe.hard_recall is not None:
            metrics["probe_recall_unsure_half"] = round(probe.hard_recall, 4)
    if b.recall_lo is not None:
        metrics["probe_recall_lo"] = round(b.recall_lo, 4)
    if issues.review is not None:
        metrics.update(_review_metrics(issues))
    return metrics


def _review_metrics(issues: LabelIssues) -> dict[str, Any]:
    r = issues.review
    assert r is not None
    precision, p_lo, p_hi = r.precision
    miss, m_lo, m_hi = r.unflagged.interval()
    return {"review_answered": r.reviewed, "review_usable": r.usable,
            "review_rate": round(r.rate, 4), "review_rate_lo": round(r.lower, 4),
            "review_rate_hi": round(r.upper, 4), "review_relabelled": len(issues.review_changes),
            "review_flag_precision": round(precision, 4),
            "review_flag_precision_lo": round(p_lo, 4),
            "review_flag_precision_hi": round(p_hi, 4),
            "review_miss_rate": round(miss, 4), "review_miss_rate_lo": round(m_lo, 4),
            "review_miss_rate_hi": round(m_hi, 4), "review_unmatched": r.unmatched}
