"""The label_noise check's tables: flagged rows, noise by class, confused pairs, review sample.

Kept apart from the findings so each module stays about one thing. Tables hold plain values
(the report and ``audit.json`` render them as they are); ``review_sample`` is also written as
``review.csv`` beside the report (``io/review_file.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.label_noise.flags import CANDIDATE, CONFLICT, REJECTED
from tuneready.checks.label_noise.settings import LabelNoiseSettings
from tuneready.evidence.label_issues import LabelIssues
from tuneready.evidence.noise_range import bracket
from tuneready.evidence.review import MIN_MISS, draw, plan
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import INPUT_CHARS, input_hash

#: rows listed in the ``flagged`` table (every row is in ``flagged.csv``: ``flags.py``)
TABLE_ROWS = 500
#: the review sample's strata: the candidates (``LabelIssues.flagged_positions``) and the
#: other labelled rows (never ``answers.*``: ``io.review_file`` reads these rows as labels)
FLAGGED, UNFLAGGED = "label_noise.flagged", "label_noise.unflagged"


def tables(issues: LabelIssues, data: Dataset) -> dict[str, list[dict[str, Any]]]:
    return {"flagged": _flagged(issues, data), "by_class": _by_class(issues, data),
            "confused_pairs": _confused_pairs(issues)}


def _flagged(issues: LabelIssues, data: Dataset) -> list[dict[str, Any]]:
    frame = data.frame
    pos_to_scored = {p: i for i, p in enumerate(issues.positions.tolist())}
    labels = frame["label"].to_numpy()
    row_ids = frame["row_id"].to_numpy()
    conflicts = set(issues.conflict_positions.tolist())
    rejected = set(issues.rejected_positions.tolist())
    out = []
    for p in issues.worst_first()[:TABLE_ROWS].tolist():
        i = pos_to_scored.get(p)
        source = ("conflicting_duplicate" if p in conflicts else
                  "reviewed" if p in issues.review_changes else
                  "rejected_by_both_views" if p in rejected else "candidate")
        out.append({
            "row_id": int(row_ids[p]), "given": str(labels[p]),
            "likely": (issues.review_changes.get(p) or
                       (issues.classes[issues.likely[i]] if i is not None else None)),
            "quality": round(float(issues.quality[i]), 4) if i is not None else None,
            "source": source, "input": str(frame["input"].iat[p])[:300]})
    return out


def _by_class(issues: LabelIssues, data: Dataset) -> list[dict[str, Any]]:
    from tuneready.evidence.stats import wilson

    labels = data.frame["label"].to_numpy()
    given = pd.Series(labels).dropna().astype(str).value_counts()
    flagged = pd.Series(labels[issues.flagged_positions]).dropna().astype(str).value_counts()
    rows = []
    for label in sorted(given.index):
        n, k = int(given[label]), int(flagged.get(label, 0))
        lo, hi = wilson(k, n, z=1.96)  # 1.96: the per-class table's long-standing quantile
        rows.append({"label": label, "n": n, "flagged": k, "rate": round(k / n, 4),
                     "rate_lo": round(float(lo), 4), "rate_hi": round(float(hi), 4)})
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


def review_sample(data: Dataset, issues: LabelIssues, cfg: LabelNoiseSettings,
                  seed: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows of ``review.csv`` and the plan's numbers (for the metrics).

    Each row names its stratum (``FLAGGED`` or ``UNFLAGGED``, the strata of
    ``evidence.review.estimate``) and the stratum's size, so that whoever fills the sample
    (the HTML report's review panel) can compute the same stratified estimate as
    ``--review``. Outcome labels get none: a reviewer cannot say an outcome is wrong by
    reading the input. A flagged row also names its ``type`` (``flags.py``: a conflict, or
    the candidate type whose precision its answer measures); ``review.csv`` leaves it out.
    ``correct_label`` carries an earlier review's answer (``--review``), so the file can be
    filled in several sittings.
    """
    if issues.kind.outcome:
        return [], {}
    frame = data.frame
    labelled = np.flatnonzero(frame["label"].notna().to_numpy())
    flagged = issues.flagged_positions
    unflagged = np.setdiff1d(labelled, flagged)
    # planned on the proxy's range, never on a review's: the sample a review answered stays
    # the sample of the next audit (several sittings fill one file)
    b = issues.proxy_range or bracket(len(flagged), len(labelled), issues.certain_wrong, None,
                                      0.0)
    recall = b.recall if b.recall is not None else 0.0  # nothing measured: plan for misses
    share = len(flagged) / max(len(labelled), 1)
    miss = min(0.5, max(MIN_MISS, b.upper * (1 - recall) / max(1 - share, 1e-9)))
    taken = plan(len(flagged), len(unflagged), miss, cfg.review_half_width,
                 cfg.review_max_rows)
    positions = draw(flagged, unflagged, taken, seed)
    likely = {p: issues.classes[issues.likely[i]]
              for i, p in enumerate(issues.positions.tolist())}
    ids = frame["row_id"].to_numpy()
    is_flagged = set(flagged.tolist())
    # each flagged row's type as ``flags.types_of`` reads it before any review
    types = {**{int(p): REJECTED for p in issues.rejected_positions.tolist()},
             **{int(p): CONFLICT for p in issues.conflict_positions.tolist()}}
    sizes = {FLAGGED: len(flagged), UNFLAGGED: len(unflagged)}
    labels = frame["label"]
    earlier = {p: issues.review_changes.get(p, str(labels.iat[p]))  # an earlier review's
               for p in issues.review_answered}
    rows = []
    for p in positions.tolist():
        stratum = FLAGGED if p in is_flagged else UNFLAGGED
        rows.append({"row_id": int(ids[p]),
                     "input": str(frame["input"].iat[p])[:INPUT_CHARS],
                     "given_label": str(frame["label"].iat[p]),
                     "likely_label": likely.get(p, ""), "correct_label": earlier.get(p, ""),
                     "input_hash": input_hash(frame["input"].iat[p]),
                     "stratum": stratum, "stratum_size": sizes[stratum],
                     "type": types.get(p, CANDIDATE) if stratum == FLAGGED else ""})
    return rows, {"review_rows": taken.rows, "review_rows_flagged": taken.flagged,
                  "review_rows_unflagged": taken.unflagged,
                  "review_expected_half_width": round(taken.half_width, 4),
                  "review_half_width": cfg.review_half_width}

