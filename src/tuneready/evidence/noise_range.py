"""The noise rate as a range that accounts for the proxy's own error, not only for sampling.

Confident learning counts the rows the proxy finds hard together with the rows that are wrong,
and no statistic of one proxy's out-of-fold probabilities tells the two apart (``DOMAIN.md``;
measured: accuracy on accepted rows, a planted-flip probe and agreement with a second proxy
all look the same on clean hard text and on noisy easy text). So the estimate is bracketed by
two bounds built from different evidence, and it only drives the verdict when they agree:

- **Lower bound: evidence that does not rest on one model.** (1) Conflicting duplicates of
  annotation labels (the same input with different labels: certain). (2) Rows that confident
  learning flags on each of two *independent* views of the input on its own (TF-IDF word and
  character n-grams; the shipped sentence vectors, or the user's ``--embeddings``; or the
  user's ``--pred-probs`` against TF-IDF), both views preferring the same other label. Random
  flips are caught this way at precision 0.85-0.97 on the public cases (SMS spam and TREC with
  10-20 % flips), but rows that are hard for both views are caught too: 1.4 % of clean TREC
  questions and 1.4 % of VADER tweets whose label is right. An allowance of
  ``reject_allowance`` (2.5 %) of the rows is therefore not counted, and the bound is 0 on
  the clean public sets. The rows beyond it (the most confidently rejected, that many) are
  *confirmed*: they leave the effective size. Two stricter rules were tried and dropped: rows
  both views give a probability below 0.05 (precise, but no view is that sure once a fifth
  of the labels are wrong, so the bound vanished exactly on the noisiest sets), and the excess
  of such rejections over what the proxy's own probabilities predict (a proxy trained on
  noisy labels has learnt the noise into its probabilities: the excess stayed near 0 on noisy
  and clean sets alike).
- **Upper bound: confident learning, corrected for what it misses.** The rows flagged
  (cleanlab's count, conflicts included) are at most all wrong labels found plus hard rows;
  the planted-flip probe measures the share of wrong labels the detector finds (its recall
  ``r``), so the wrong labels are at most ``flagged / r`` (the Wilson upper limit of the
  flagged share, divided by ``r``; ``r`` is floored at ``RECALL_FLOOR``). This assumes real
  errors are about as visible as random flips; systematic errors (one class confused for
  another on purpose) can hide from any proxy, which only a review shows.
- **Point estimate:** the flagged share.

The range is **resolved** when upper - lower is at most ``max_range_width``: the estimate then
caps the verdict as before. Otherwise the proxy cannot tell hard rows from wrong labels: the
flagged rows are *candidates* for review, only the lower bound can cap the verdict, the
decision's confidence is low, and the review sample (``tuneready.evidence.review``) resolves it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tuneready.evidence.stats import wilson

#: the planted-flip recall is floored here, and used when no probe could be planted
RECALL_FLOOR = 0.5
#: one-sided 95 % normal quantile for the lower bound's sampling margin
Z_ONE_SIDED = 1.645


@dataclass(frozen=True)
class NoiseRange:
    point: float
    lower: float
    upper: float
    resolved: bool
    #: rows counted as certain (conflicting duplicates of annotation labels)
    certain_n: int
    #: rows both independent views reject
    rejected_n: int = 0
    #: frame positions the lower bound counts (certain + confirmed rejections), sorted
    confirmed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    recall: float | None = None
    views: tuple[str, ...] = ()
    #: the basis of the range: "proxy", or "review" once a person read a sample
    basis: str = "proxy"

    @property
    def width(self) -> float:
        return self.upper - self.lower


def confirmed_rejections(views: dict[str, np.ndarray], y: np.ndarray, allowance: float,
                         count: Callable[[np.ndarray, np.ndarray], int],
                         flag: Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray],
                         ) -> tuple[np.ndarray, int]:
    """Indices (into ``y``) of the rows both views flag beyond the allowance, most confidently
    rejected first, and the number of rows both views flag with the same likely label.

    ``count`` and ``flag`` are confident learning's count and ranking (``evidence.label_issues``),
    applied to each view on its own."""
    pair = _independent_pair(views)
    if pair is None:
        return np.zeros(0, dtype=np.int64), 0
    a, b = views[pair[0]], views[pair[1]]
    rows = np.arange(len(y))
    flags = []
    for probs in (a, b):
        quality = probs[rows, y]
        flags.append(flag(y, probs, quality, count(y, probs)))
    both = flags[0] & flags[1] & (a.argmax(axis=1) == b.argmax(axis=1))
    observed = np.flatnonzero(both)
    excess = len(observed) - math.ceil(allowance * len(y))
    if excess <= 0:
        return np.zeros(0, dtype=np.int64), len(observed)
    strength = np.maximum(a[observed, y[observed]], b[observed, y[observed]])
    order = observed[np.lexsort((observed, strength))]
    return np.sort(order[:excess]).astype(np.int64), len(observed)


def _independent_pair(views: dict[str, np.ndarray]) -> tuple[str, str] | None:
    """Two views that read different features: the user's model against TF-IDF, else
    TF-IDF against the dense vectors."""
    names = list(views)
    if "user" in views:
        other = next((v for v in names if v != "user"), None)
        return None if other is None else ("user", other)
    return (names[0], names[1]) if len(names) >= 2 else None


def bracket(n_flagged: int, n_labelled: int, confirmed: np.ndarray, certain_n: int,
            recall: float | None, max_width: float, rejected: int = 0,
            views: tuple[str, ...] = ()) -> NoiseRange:
    """The range around the flagged share (see the module docstring)."""
    if not n_labelled:
        return NoiseRange(0.0, 0.0, 0.0, True, 0)
    point = n_flagged / n_labelled
    lower = min(point, len(confirmed) / n_labelled)
    found = max(recall if recall is not None else RECALL_FLOOR, RECALL_FLOOR)
    upper = min(1.0, max(point, float(wilson(n_flagged, n_labelled)[1]) / found))
    return NoiseRange(point=point, lower=lower, upper=upper,
                      resolved=upper - lower <= max_width, certain_n=certain_n,
                      rejected_n=rejected,
                      confirmed=np.asarray(confirmed, dtype=np.int64), recall=recall,
                      views=views)
