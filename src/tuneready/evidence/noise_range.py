"""The noise rate as a range that holds on data sets it was never tuned on.

Confident learning counts the rows the proxy finds hard together with the rows that are wrong,
and no statistic of the proxy's out-of-fold probabilities tells the two apart (``DOMAIN.md``).
So the range is built only from what holds whatever the data:

- **Lower bound: certain evidence only.** For annotation labels, each group of conflicting
  duplicates (one input, several labels) holds at least ``size - top`` wrong labels, ``top``
  being the count of its most frequent label: true by definition, whatever the proxy. Nothing
  the proxy says raises it. Before issue 26 it also counted rows that confident learning
  flags on two independent views of the text beyond an allowance (``reject_allowance``, 2.5 %
  of rows, set on clean TREC questions and VADER tweets). On four real sets nobody had tuned on
  (VADER's movie-review snippets as published and with 10 % flips; one rater against the
  other raters' consensus on movie and Amazon snippets) that bound was above the truth every
  time (0.034 where the truth was 0, 0.108 where 0.100, 0.027 where 0.023, 0.040 where 0.019):
  the share of right labels both views reject is a property of the data, not a constant. Those
  rows are now the first *candidates* for review (``two_view_rejections``), ranked, acting on
  nothing.
- **Upper bound: confident learning, corrected for what it misses.** The rows flagged are at
  most every wrong label it finds plus hard rows; the planted-flip probe measures the share
  ``r`` of wrong labels it finds, so the wrong labels are at most ``flagged / r``. Both are
  measured on this data, with their sampling error: the Wilson upper limit of the flagged
  share over the Wilson *lower* limit of the probe's recall. Real annotator errors hide
  better than random flips: where one rater's label was scored against the other raters'
  consensus, the detector found 0.55 of them on VADER tweets (tuned) and 0.44-0.56 on three
  held-out snippet sets, while it found 0.69-0.77 of flips planted at random rows; on random
  flips the two agreed (0.71-0.88 real, 0.69-0.83 planted). So a second probe plants its
  flips among the less confident half of the rows (the proxy's top probability at most its
  median), where such errors sit: it found 0.46 on the tweets and 0.36-0.49 on the held-out
  sets, below the recall on the real errors on every case with a known truth, tuned or held
  out (``bench/label_noise.py``), and the bound divides by the lower of the two probes'
  limits. Where the method cannot promise
  the bound, it is **widened** and says why (``NoiseRange.widened``): with no probe (too few
  rows to plant flips) the upper bound is 1; rows that could not be scored (a class with one
  example) count as possibly wrong. The bound assumes real errors are about as visible to the
  proxy as random flips; systematic errors (one class confused for another on purpose) can
  hide from any proxy, which only a review shows.

  There is no floor on the recall. The old ``RECALL_FLOOR`` (0.5) was not conservative: it
  replaced a measured recall below 0.5 by 0.5, which *narrowed* the upper bound exactly where
  the detector is weakest; it is not a requirement a policy could state either (it says how
  the detector behaves, not what the user demands), so it is gone rather than moved to
  ``default.toml``.
- **Point estimate:** the flagged share (reported, never acting).

The range is **resolved** when upper - lower is at most ``max_range_width``. Either way, with
no review only the lower bound can cap the verdict; a resolved range only lifts the audit's
confidence. A person's review (``tuneready.evidence.review``) replaces the range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuneready.evidence.stats import wilson


@dataclass(frozen=True)
class NoiseRange:
    point: float
    lower: float
    upper: float
    resolved: bool
    #: rows certainly wrong: per group of conflicting duplicates, the rows beyond its top label
    certain_n: int
    #: rows both independent views reject (candidates, first for review; counted nowhere)
    rejected_n: int = 0
    #: share of planted flips the detector found, and the lower limit the upper bound used
    recall: float | None = None
    recall_lo: float | None = None
    views: tuple[str, ...] = ()
    #: the basis of the range: "proxy", or "review" once a person read a sample
    basis: str = "proxy"
    #: why the upper bound is wider than flagged / recall (empty when it is not)
    widened: tuple[str, ...] = ()

    @property
    def width(self) -> float:
        return self.upper - self.lower


@dataclass(frozen=True)
class Probe:
    """Result of planting ``planted`` random flips in a private copy of the labels
    (``evidence.label_issues.plant_flips``): ``found`` of them were flagged."""

    planted: int
    found: int
    #: (issues after - issues before) / planted; about 1 when the count tracks noise
    response: float = 0.0
    #: the same, with the flips planted among the less confident half of the rows
    hard_planted: int = 0
    hard_found: int = 0

    @property
    def recall(self) -> float:
        """Share of planted flips the detector flagged."""
        return self.found / self.planted if self.planted else 0.0

    @property
    def hard_recall(self) -> float | None:
        return self.hard_found / self.hard_planted if self.hard_planted else None

    def recall_lo(self) -> float:
        """The lower 95 % limit of the recall the upper bound divides by: the lower of the
        two probes' Wilson limits."""
        limits = [float(wilson(self.found, self.planted)[0])]
        if self.hard_planted:
            limits.append(float(wilson(self.hard_found, self.hard_planted)[0]))
        return min(limits)


def two_view_rejections(views: dict[str, np.ndarray], y: np.ndarray,
                        count: Callable[[np.ndarray, np.ndarray], int],
                        flag: Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray],
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Indices (into ``y``) of the rows confident learning flags on each of two independent
    views, both preferring the same other label, most confidently rejected first; and each
    one's strength (the larger of the two views' probability of the given label).

    ``count`` and ``flag`` are confident learning's count and ranking (``evidence.label_issues``),
    applied to each view on its own. These rows are candidates only: on the held-out sets of
    ``bench/label_noise.py`` their precision ranged from near 0 (clean, hard text) to near 1."""
    empty = np.zeros(0, dtype=np.int64)
    pair = _independent_pair(views)
    if pair is None:
        return empty, np.zeros(0)
    a, b = views[pair[0]], views[pair[1]]
    rows = np.arange(len(y))
    flags = [flag(y, probs, probs[rows, y], count(y, probs)) for probs in (a, b)]
    both = np.flatnonzero(flags[0] & flags[1] & (a.argmax(axis=1) == b.argmax(axis=1)))
    strength = np.maximum(a[both, y[both]], b[both, y[both]])
    order = np.lexsort((both, strength))
    return both[order].astype(np.int64), strength[order].astype(np.float64)


def _independent_pair(views: dict[str, np.ndarray]) -> tuple[str, str] | None:
    """Two views that read different features: the user's model against TF-IDF, else
    TF-IDF against the dense vectors."""
    names = list(views)
    if "user" in views:
        other = next((v for v in names if v != "user"), None)
        return None if other is None else ("user", other)
    return (names[0], names[1]) if len(names) >= 2 else None


def bracket(n_flagged: int, n_labelled: int, certain_n: int, probe: Probe | None,
            max_width: float, n_scored: int | None = None, rejected: int = 0,
            views: tuple[str, ...] = ()) -> NoiseRange:
    """The range around the flagged share (see the module docstring).

    ``n_flagged`` counts every flagged row: the proxy's flags among the ``n_scored`` rows it
    scored (all labelled rows when ``None``) and conflicts outside them, which the flagged share
    of scored rows then over-counts (the bound only widens)."""
    if not n_labelled:
        return NoiseRange(0.0, 0.0, 0.0, True, 0)
    scored = n_labelled if n_scored is None else min(n_scored, n_labelled)
    unscored = n_labelled - scored
    point = n_flagged / n_labelled
    lower = min(point, certain_n / n_labelled)
    widened: list[str] = []
    recall = recall_lo = None
    if probe is None or not probe.planted:
        upper = 1.0
        widened.append("no planted-flip probe (too few scored rows or classes): nothing "
                       "measures what the detector misses, so the upper bound is 1")
    else:
        recall = probe.recall
        recall_lo = probe.recall_lo()
        share_hi = float(wilson(min(n_flagged, scored), scored)[1]) if scored else 1.0
        upper = share_hi / recall_lo if recall_lo > 1e-9 else 1.0
        if upper >= 1.0:
            widened.append(f"the detector found too few planted flips ({probe.found} of "
                           f"{probe.planted}; {probe.hard_found} of {probe.hard_planted} among "
                           "the less confident rows): nothing bounds what it misses, so the "
                           "upper bound is 1")
        upper = (min(1.0, upper) * scored + unscored) / n_labelled
    if unscored and probe is not None:
        widened.append(f"{unscored:,} rows could not be scored (a class with one example) "
                       "and count as possibly wrong")
    upper = min(1.0, max(point, upper))
    return NoiseRange(point=point, lower=lower, upper=upper,
                      resolved=upper - lower <= max_width, certain_n=certain_n,
                      rejected_n=rejected, recall=recall, recall_lo=recall_lo, views=views,
                      widened=tuple(widened))
