"""Label issues: which labelled rows are probably wrong, and how noisy the labels are.

Computed once per audit (``Evidence.label_issues``) and read by the label_noise check and by
the bias check (noise rate per group). Three sources, from most to least certain:

1. **Conflicting duplicates**: the same normalized input carries different labels. At least
   one copy is wrong whatever the model says: certain noise, no model needed.
2. **Confident learning** (cleanlab 2.9) on the shared proxy's out-of-fold probabilities: the
   number of issues is cleanlab's estimate from the confident joint (``off_diagonal_calibrated``
   below 4 classes, ``off_diagonal`` from 4, as cleanlab's docs advise), and the rows flagged are
   that many rows with the lowest label-quality score (self-confidence) whose given label is not
   the proxy's prediction. Ranking by score with cleanlab's count beat ``find_label_issues``'s
   own filter on SMS spam with 10 % flips (recall 0.89 vs 0.80 at the same precision).
3. **A planted-flip probe** that says how far (2) can be trusted on *this* data. Confident
   learning cannot tell a mislabelled row from a hard one the proxy gets wrong; the estimate
   mixes both unless the proxy is strong. We flip a few labels at random in a private copy and
   re-run the count with the *same* probabilities: no refit is needed, because out-of-fold
   probabilities of a row were produced by a model that never saw that row's label, so
   changing the label does not change them. The share of planted flips the detector flags is
   its recall on random label noise here; how much the estimated count moves per planted flip
   (``response``) says whether the estimate tracks noise one-for-one. A proxy is *weak* when
   its accuracy on the rows it accepts is low or the probe recall is low: the estimate is then
   an upper bound (noise + hard examples), and only certain noise limits the verdict.

   What this cannot do (measured, see the report of issue 3): when the *features* are
   ambiguous (rows whose words mostly belong to another class), a hard row and a flipped row
   look the same to any model of those features. On synthetic sets built that way (no flips,
   proxy accuracy 0.54-0.65) cleanlab estimated 29-45 % noise while accuracy on accepted rows
   (0.92-0.97), probe recall (0.75-0.81) and agreement with a second, naive-Bayes proxy
   (rows flagged by both: 23-36 %) all looked like real noise. Raw accuracy cannot decide
   either: TREC with 25 % real flips has raw accuracy 0.60. So weakness is judged on what the
   proxy does with the labels it accepts and on planted flips, and the rest is said plainly:
   the estimate is only as good as the features; ``--pred-probs`` or ``--embeddings`` from a
   stronger model are the remedy.

Everything is linear in rows (k classes: O(n k)); seeded from ``evidence.seed``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tuneready.evidence import Evidence, ProxyResult

#: share of scored rows flipped in the private copy (bounded below and above)
PROBE_SHARE = 0.05
PROBE_MIN, PROBE_MAX = 10, 2000


@dataclass
class Probe:
    """Result of planting ``planted`` random flips in a private copy of the labels."""

    planted: int
    recall: float      # share of planted flips the detector flagged
    response: float    # (issues after - issues before) / planted; ~1 when it tracks noise


@dataclass
class LabelIssues:
    """Per-row label-quality results for the rows the proxy scored, plus certain conflicts.

    Arrays ``positions``, ``given``, ``likely``, ``quality``, ``is_issue``, ``certain`` are
    aligned: one entry per scored row, ``positions`` indexing ``Dataset.frame``. Conflicting
    duplicates outside the scored rows (rare classes, no proxy) are in ``conflict_positions``.
    """

    classes: list[str]
    positions: np.ndarray
    given: np.ndarray
    likely: np.ndarray
    quality: np.ndarray
    is_issue: np.ndarray
    certain: np.ndarray
    conflict_positions: np.ndarray
    conflict_groups: int
    n_labelled: int
    #: cleanlab's estimated number of issues among the scored rows
    estimated_issues: int = 0
    #: estimated joint P(given label = i, true label = j) over the scored rows (k x k)
    joint: np.ndarray | None = None
    oof_accuracy: float | None = None
    #: proxy accuracy on the scored rows it does not flag (its accuracy on labels it accepts)
    accepted_accuracy: float | None = None
    probe: Probe | None = None
    proxy_source: str = ""
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def flagged_positions(self) -> np.ndarray:
        """Frame positions of every flagged row (model or conflict), sorted."""
        model = self.positions[self.is_issue]
        return np.union1d(model, self.conflict_positions).astype(np.int64)

    @property
    def n_flagged(self) -> int:
        return len(self.flagged_positions)

    @property
    def rate(self) -> float:
        """Estimated share of labelled rows with a wrong label."""
        return self.n_flagged / self.n_labelled if self.n_labelled else 0.0

    @property
    def certain_rate(self) -> float:
        return len(self.conflict_positions) / self.n_labelled if self.n_labelled else 0.0


def find_label_issues(evidence: Evidence) -> LabelIssues | None:
    """All label issues of the dataset; ``None`` when no row carries a label."""
    labels = evidence.data.frame["label"]
    labelled = labels.notna().to_numpy()
    if not labelled.any():
        return None
    conflicts, n_groups = conflicting_duplicates(evidence.input_hash, labels)
    proxy = evidence.proxy
    if proxy is None:
        empty = np.zeros(0, dtype=np.int64)
        return LabelIssues(
            classes=sorted(str(v) for v in labels.dropna().unique()), positions=empty,
            given=empty, likely=empty, quality=np.zeros(0), is_issue=np.zeros(0, dtype=bool),
            certain=np.zeros(0, dtype=bool), conflict_positions=conflicts,
            conflict_groups=n_groups, n_labelled=int(labelled.sum()),
            notes=["no proxy model (fewer than 10 labelled rows or one class): only "
                   "conflicting duplicates were checked"])
    return _with_proxy(evidence, proxy, conflicts, n_groups, int(labelled.sum()))


def _with_proxy(evidence: Evidence, proxy: ProxyResult, conflicts: np.ndarray,
                n_groups: int, n_labelled: int) -> LabelIssues:
    y, probs = proxy.labels, proxy.pred_probs
    k = probs.shape[1]
    count = estimate_count(y, probs)
    quality = np.clip(probs[np.arange(len(y)), y], 0.0, 1.0)
    is_issue = flag_lowest(y, probs, quality, count)
    certain = np.isin(proxy.index, conflicts)
    accepted = ~is_issue
    accepted_acc = (float((probs[accepted].argmax(axis=1) == y[accepted]).mean())
                    if accepted.any() else None)
    return LabelIssues(
        classes=list(proxy.classes), positions=proxy.index, given=y,
        likely=np.asarray(probs.argmax(axis=1), dtype=np.int64), quality=quality,
        is_issue=is_issue | certain, certain=certain, conflict_positions=conflicts,
        conflict_groups=n_groups, n_labelled=n_labelled, estimated_issues=count,
        joint=_joint(y, probs) if k >= 2 else None, oof_accuracy=proxy.oof_accuracy,
        accepted_accuracy=accepted_acc, probe=plant_flips(y, probs, count, evidence.seed),
        proxy_source=proxy.source,
        notes=[f"classes with one example were not scored: {', '.join(proxy.skipped_classes)}"]
        if proxy.skipped_classes else [])


def estimate_count(y: np.ndarray, probs: np.ndarray) -> int:
    """cleanlab's estimate of how many labels are wrong (no per-row decision yet)."""
    from cleanlab.count import num_label_issues

    if len(np.unique(y)) < 2:
        return 0
    method = "off_diagonal_calibrated" if probs.shape[1] < 4 else "off_diagonal"
    return int(num_label_issues(labels=y, pred_probs=probs, estimation_method=method))


def flag_lowest(y: np.ndarray, probs: np.ndarray, quality: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` rows with the lowest quality whose label is not the proxy's prediction.

    Ties are broken by position (stable sort), so the flags are deterministic.
    """
    disagree = probs.argmax(axis=1) != y
    candidates = np.flatnonzero(disagree)
    order = candidates[np.argsort(quality[candidates], kind="stable")]
    mask = np.zeros(len(y), dtype=bool)
    mask[order[:count]] = True
    return mask


def _joint(y: np.ndarray, probs: np.ndarray) -> np.ndarray | None:
    from cleanlab.count import estimate_joint

    if len(np.unique(y)) < 2:
        return None
    return np.asarray(estimate_joint(labels=y, pred_probs=probs), dtype=np.float64)


def plant_flips(y: np.ndarray, probs: np.ndarray, count: int, seed: int) -> Probe | None:
    """Flip a few random labels in a private copy and see whether the detector finds them.

    Valid without refitting because each row's out-of-fold probabilities do not depend on
    its own label; the few planted flips would only marginally change the other rows' models.
    Rows are drawn from all scored rows (not only from accepted ones, which would pick the easy
    rows and flatter the detector).
    """
    n, k = probs.shape
    m = int(min(PROBE_MAX, max(PROBE_MIN, round(PROBE_SHARE * n))))
    if k < 2 or n < 2 * PROBE_MIN or m >= n // 2:
        return None
    rng = np.random.default_rng(seed + 7919)
    planted = rng.choice(n, size=m, replace=False)
    shift = rng.integers(1, k, size=m)
    noisy = y.copy()
    noisy[planted] = (y[planted] + shift) % k
    new_count = estimate_count(noisy, probs)
    quality = probs[np.arange(n), noisy]
    flagged = flag_lowest(noisy, probs, quality, new_count)
    return Probe(planted=m, recall=float(flagged[planted].mean()),
                 response=float((new_count - count) / m))


def conflicting_duplicates(hashes: np.ndarray, labels: pd.Series) -> tuple[np.ndarray, int]:
    """Positions of rows whose exact (normalized) input appears with another label.

    Within such a group the majority label is kept and the other rows are flagged; when no
    label has a strict majority, every row of the group is flagged (we cannot tell which is
    right). Returns (sorted positions, number of conflicting groups). Linear (one groupby).
    """
    mask = labels.notna().to_numpy()
    if not mask.any():
        return np.zeros(0, dtype=np.int64), 0
    frame = pd.DataFrame({"h": hashes[mask], "label": labels[mask].astype(str).to_numpy(),
                          "pos": np.flatnonzero(mask)})
    n_labels = frame.groupby("h")["label"].transform("nunique")
    frame = frame[n_labels.to_numpy() > 1]
    if frame.empty:
        return np.zeros(0, dtype=np.int64), 0
    sizes = frame.groupby(["h", "label"])["pos"].transform("size")
    top = sizes.groupby(frame["h"]).transform("max")
    n_top = (sizes == top).groupby(frame["h"]).transform("sum")
    unique_top = (sizes == top) & (n_top == top)  # the top label is the only one of that size
    flagged = frame["pos"].to_numpy()[~unique_top.to_numpy()]
    return np.sort(flagged).astype(np.int64), int(frame["h"].nunique())


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (95 % by default); (0, 1) if n == 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))
