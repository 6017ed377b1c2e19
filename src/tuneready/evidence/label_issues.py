"""Label issues: which labelled rows are probably wrong, and how noisy the labels are.

Computed once per audit (``Evidence.label_issues``) and read by the label_noise check and by
the bias check (noise rate per group). The sources, from most to least certain:

1. **Conflicting duplicates**: the same normalized input carries different labels. For
   annotation labels at least one copy is wrong whatever the model says: certain noise, the
   only evidence that counts towards the lower bound of the range and leaves the effective
   size without a review. For outcome labels (``tuneready.evidence.label_kind``) it is
   irreducible uncertainty instead.
2. **Rows two independent views reject** (``tuneready.evidence.noise_range``): the first
   *candidates* for review, ranked by how confidently they are rejected; they act on nothing
   (their precision on held-out data ranged from near 0 to near 1).
3. **Confident learning** (cleanlab 2.9) on the stacked proxy's out-of-fold probabilities:
   the number of issues is cleanlab's estimate from the confident joint
   (``off_diagonal_calibrated`` below 4 classes, ``off_diagonal`` from 4, as cleanlab's docs
   advise), and the rows flagged are that many rows with the lowest label-quality score
   (self-confidence) whose given label is not the proxy's prediction. Ranking by score with
   cleanlab's count beat ``find_label_issues``'s own filter on SMS spam with 10 % flips
   (recall 0.89 vs 0.80 at the same precision). These are *candidates* too.
4. **A planted-flip probe**: a few labels flipped at random in a private copy and re-counted
   with the *same* probabilities: no refit is needed, because out-of-fold probabilities of a
   row were produced by a model that never saw that row's label. The share of planted flips
   the detector flags is its recall on random label noise here; the upper bound of the range
   divides by its lower confidence limit.
5. **A person's review** (``--review``, ``evidence.review``): a stratified sample of flagged
   and unflagged rows, read and answered; once each stratum has enough answers, its estimate
   replaces the proxy's range (the check, the verdict, bias), and the rows the reviewer
   relabelled leave the effective size.

What the proxy cannot do (measured, see the report of issue 3): when the *features* are
ambiguous, a hard row and a flipped row look the same to any model of those features;
confident learning then counts hard rows as noise (9-13 % on clean movie-review snippets).
Hence the range, and the review that resolves it.

Everything is linear in rows (k classes: O(n k)); seeded from ``evidence.seed``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tuneready.evidence.conflicts import certainly_wrong, conflicting_duplicates
from tuneready.evidence.label_kind import LabelKind, classify
from tuneready.evidence.noise_range import NoiseRange, Probe, bracket, two_view_rejections
from tuneready.evidence.review import Estimate, Stratum, estimate
from tuneready.io.review_file import Matched

if TYPE_CHECKING:
    from tuneready.evidence.proxy import ProxyResult
    from tuneready.evidence.store import Evidence

#: share of scored rows flipped in the private copy (bounded below and above)
PROBE_SHARE = 0.05
PROBE_MIN, PROBE_MAX = 10, 2000


@dataclass(frozen=True)
class NoiseSettings:
    """What the label-noise evidence needs from the policy (``[label_noise]``, no defaults
    here: ``from_policy`` reads them from the table) and the command line."""

    max_range_width: float
    label_kind: str
    review_half_width: float
    review_max_rows: int
    #: a person's answers (``--review``), matched to this data set's rows
    review: Matched | None = None

    @classmethod
    def from_policy(cls, table: dict[str, Any], review: Matched | None = None,
                    label_kind: str | None = None) -> NoiseSettings:
        return cls(max_range_width=float(table["max_range_width"]),
                   label_kind=str(label_kind or table["label_kind"]), review=review,
                   review_half_width=float(table["review_half_width"]),
                   review_max_rows=int(table["review_max_rows"]))


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
    kind: LabelKind
    #: rows certainly wrong: per conflicting group, its rows beyond the top label's count
    certain_wrong: int = 0
    #: frame positions both independent views reject, most confidently first, and the larger
    #: of the two views' probability of the given label (candidates, first for review)
    rejected_positions: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rejected_strength: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: cleanlab's estimated number of issues among the scored rows
    estimated_issues: int = 0
    #: estimated joint P(given label = i, true label = j) over the scored rows (k x k)
    joint: np.ndarray | None = None
    oof_accuracy: float | None = None
    #: proxy accuracy on the scored rows it does not flag (its accuracy on labels it accepts)
    accepted_accuracy: float | None = None
    probe: Probe | None = None
    proxy_source: str = ""
    #: the proxy's range (``noise_range``); the review's replaces it in ``bounds``
    proxy_range: NoiseRange | None = None
    review: Estimate | None = None
    #: frame positions a reviewer answered with another label, and that label
    review_changes: dict[int, str] = field(default_factory=dict)
    #: frame positions a reviewer answered (right or wrong)
    review_answered: tuple[int, ...] = ()
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def flagged_positions(self) -> np.ndarray:
        """Frame positions of every candidate: model flags, rows both views reject and, for
        annotation labels, conflicting duplicates; sorted. (The review's strata.)"""
        parts = [self.positions[self.is_issue], self.rejected_positions]
        if not self.kind.outcome:
            parts.append(self.conflict_positions)
        return np.unique(np.concatenate(parts)).astype(np.int64)

    @functools.cached_property
    def confirmed_positions(self) -> np.ndarray:
        """Rows wrong on evidence beyond any model: conflicting duplicates of annotation labels
        (every row of a tie: nobody can tell which copy is right) and rows a reviewer
        relabelled. The only rows that leave the effective size without a measured
        precision."""
        extra = (self.conflict_positions if not self.kind.outcome
                 else np.zeros(0, dtype=np.int64))
        reviewed = np.fromiter(self.review_changes, dtype=np.int64)
        return np.unique(np.concatenate([extra, reviewed])).astype(np.int64)

    @property
    def reviewed(self) -> bool:
        return self.review is not None and self.review.usable

    @functools.cached_property
    def noise_positions(self) -> np.ndarray:
        """The rows the bias check counts as wrong per group (a statistic; what leaves the
        effective size is the check's ``excluded_rows``): the confirmed rows, plus every
        candidate when the range is resolved without a review, or, with a usable review, the
        unreviewed candidates in proportion to the flags' measured precision (the lowest
        label quality first)."""
        if self.reviewed:
            assert self.review is not None
            return np.union1d(self.confirmed_positions, self._extrapolated(
                self.review.precision[0])).astype(np.int64)
        if self.bounds.resolved and not self.kind.outcome:
            return self.flagged_positions
        return self.confirmed_positions

    def _extrapolated(self, precision: float) -> np.ndarray:
        answered = set(self.review_answered)
        rest = [p for p in self.worst_first().tolist() if p not in answered]
        return np.asarray(rest[:round(precision * len(rest))], dtype=np.int64)

    def worst_first(self) -> np.ndarray:
        """Candidates: confirmed first, then the rows both views reject (most confidently
        rejected first), then the rest by label quality, lowest first."""
        quality = dict(zip(self.positions.tolist(), self.quality.tolist(), strict=True))
        confirmed = set(self.confirmed_positions.tolist())
        rejected = {p: i for i, p in enumerate(self.rejected_positions.tolist())}

        def rank(p: int) -> tuple[int, float, int]:
            if p in confirmed:
                return 0, quality.get(p, 0.0), p
            if p in rejected:
                return 1, float(rejected[p]), p
            return 2, quality.get(p, 0.0), p

        return np.asarray(sorted(self.flagged_positions.tolist(), key=rank), dtype=np.int64)

    @property
    def n_flagged(self) -> int:
        return len(self.flagged_positions)

    @functools.cached_property
    def bounds(self) -> NoiseRange:
        """The range in force: the review's once usable (never below the certain share),
        else the proxy's."""
        proxy = self.proxy_range or bracket(self.n_flagged, self.n_labelled,
                                            self.certain_wrong, None, 0.0)
        if not self.reviewed:
            return proxy
        assert self.review is not None
        r = self.review
        lower = max(r.lower, proxy.lower)
        return NoiseRange(point=max(r.rate, lower), lower=lower, upper=max(r.upper, lower),
                          resolved=True, certain_n=proxy.certain_n,
                          rejected_n=proxy.rejected_n, recall=proxy.recall,
                          recall_lo=proxy.recall_lo, views=proxy.views, basis="review")

    @property
    def rate(self) -> float:
        """Estimated share of labelled rows with a wrong label (the range's point)."""
        return self.bounds.point

    @property
    def certain_rate(self) -> float:
        """Share of labelled rows certainly wrong (the lower bound's evidence)."""
        if self.kind.outcome:
            return 0.0
        return self.certain_wrong / self.n_labelled if self.n_labelled else 0.0


def find_label_issues(evidence: Evidence) -> LabelIssues | None:
    """All label issues of the dataset; ``None`` when no row carries a label."""
    labels = evidence.data.frame["label"]
    labelled = labels.notna().to_numpy()
    if not labelled.any():
        return None
    settings = evidence.noise_settings
    kind = classify(evidence.input_hash, labels, settings.label_kind)
    conflicts, n_groups = conflicting_duplicates(evidence.input_hash, labels)
    certain = 0 if kind.outcome else certainly_wrong(evidence.input_hash, labels)
    proxy = evidence.proxy
    if proxy is None:
        empty = np.zeros(0, dtype=np.int64)
        issues = LabelIssues(
            classes=sorted(str(v) for v in labels.dropna().unique()), positions=empty,
            given=empty, likely=empty, quality=np.zeros(0), is_issue=np.zeros(0, dtype=bool),
            certain=np.zeros(0, dtype=bool), conflict_positions=conflicts,
            conflict_groups=n_groups, n_labelled=int(labelled.sum()), kind=kind,
            certain_wrong=certain,
            notes=["no proxy model (fewer than 10 labelled rows or one class): only "
                   "conflicting duplicates were checked"])
    else:
        issues = _with_proxy(evidence, proxy, conflicts, n_groups, int(labelled.sum()), kind)
        issues.certain_wrong = certain
        issues.proxy_range = _range(issues, evidence.noise_settings.max_range_width,
                                    tuple(proxy.views))
    return _with_review(issues, evidence) if settings.review is not None else issues


def _with_proxy(evidence: Evidence, proxy: ProxyResult, conflicts: np.ndarray,
                n_groups: int, n_labelled: int, kind: LabelKind) -> LabelIssues:
    y, probs = proxy.labels, proxy.pred_probs
    k = probs.shape[1]
    count = estimate_count(y, probs)
    quality = np.clip(probs[np.arange(len(y)), y], 0.0, 1.0)
    is_issue = flag_lowest(y, probs, quality, count)
    certain = np.isin(proxy.index, conflicts) if not kind.outcome else np.zeros(len(y), bool)
    rejected, strength = two_view_rejections(proxy.views, y, estimate_count, flag_lowest)
    if kind.outcome:  # an unlikely outcome is not a wrong label: nothing to review first
        rejected, strength = rejected[:0], strength[:0]
    accepted = ~is_issue
    accepted_acc = (float((probs[accepted].argmax(axis=1) == y[accepted]).mean())
                    if accepted.any() else None)
    return LabelIssues(
        classes=list(proxy.classes), positions=proxy.index, given=y,
        likely=np.asarray(probs.argmax(axis=1), dtype=np.int64), quality=quality,
        is_issue=is_issue | certain, certain=certain, conflict_positions=conflicts,
        conflict_groups=n_groups, n_labelled=n_labelled, kind=kind,
        rejected_positions=np.asarray(proxy.index[rejected], dtype=np.int64),
        rejected_strength=strength, estimated_issues=count,
        joint=_joint(y, probs) if k >= 2 else None, oof_accuracy=proxy.oof_accuracy,
        accepted_accuracy=accepted_acc, probe=plant_flips(y, probs, count, evidence.seed),
        proxy_source=proxy.source,
        notes=[f"classes with one example were not scored: {', '.join(proxy.skipped_classes)}"]
        if proxy.skipped_classes else [])


def _range(issues: LabelIssues, max_width: float, views: tuple[str, ...]) -> NoiseRange:
    return bracket(issues.n_flagged, issues.n_labelled, issues.certain_wrong, issues.probe,
                   max_width, n_scored=len(issues.positions),
                   rejected=len(issues.rejected_positions), views=views)


def _with_review(issues: LabelIssues, evidence: Evidence) -> LabelIssues:
    """Fold a person's answers into the issues: changed labels are confirmed wrong, and the
    stratified estimate (``tuneready.evidence.review``) replaces the proxy's once usable."""
    matched = evidence.noise_settings.review
    assert matched is not None
    labels = evidence.data.frame["label"]
    labelled = labels.notna().to_numpy()
    flagged = set(issues.flagged_positions.tolist())
    changes: dict[int, str] = {}
    answered: list[int] = []
    wrong = {True: 0, False: 0}
    seen = {True: 0, False: 0}
    for pos, label in zip(matched.positions.tolist(), matched.labels, strict=True):
        if not labelled[pos]:
            continue
        answered.append(pos)
        stratum = pos in flagged
        seen[stratum] += 1
        if str(labels.iat[pos]) != label:
            changes[pos] = label
            wrong[stratum] += 1
    n_flagged = len(flagged)
    issues.review = estimate(Stratum(n_flagged, seen[True], wrong[True]),
                             Stratum(issues.n_labelled - n_flagged, seen[False], wrong[False]),
                             matched.unmatched)
    issues.review_changes = changes
    issues.review_answered = tuple(answered)
    for cached in ("confirmed_positions", "noise_positions", "bounds"):
        issues.__dict__.pop(cached, None)
    return issues


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
    Two probes: one on rows drawn from all scored rows (not only from accepted ones, which
    would pick the easy rows and flatter the detector), the other on rows drawn from the
    less confident half (the proxy's top probability at most its median), where real
    annotator errors concentrate (``noise_range``: the bound uses the lower of the two).
    """
    n, k = probs.shape
    m = int(min(PROBE_MAX, max(PROBE_MIN, round(PROBE_SHARE * n))))
    if k < 2 or n < 2 * PROBE_MIN or m >= n // 2:
        return None
    found, new_count = _planted(y, probs, np.arange(n), m, seed + 7919)
    confidence = probs.max(axis=1)
    unsure = np.flatnonzero(confidence <= np.median(confidence))
    m_hard = min(m, len(unsure) // 2)
    hard = _planted(y, probs, unsure, m_hard, seed + 7920)[0] if m_hard else 0
    return Probe(planted=m, found=found, response=float((new_count - count) / m),
                 hard_planted=m_hard, hard_found=hard)


def _planted(y: np.ndarray, probs: np.ndarray, rows: np.ndarray, m: int,
             seed: int) -> tuple[int, int]:
    """(flips found, issues counted) after flipping ``m`` of ``rows`` to another class."""
    n, k = probs.shape
    rng = np.random.default_rng(seed)
    planted = rng.choice(rows, size=m, replace=False)
    shift = rng.integers(1, k, size=m)
    noisy = y.copy()
    noisy[planted] = (y[planted] + shift) % k
    new_count = estimate_count(noisy, probs)
    quality = probs[np.arange(n), noisy]
    flagged = flag_lowest(noisy, probs, quality, new_count)
    return int(flagged[planted].sum()), new_count
