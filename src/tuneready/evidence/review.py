"""A review sample that turns the noise range into a measured number.

No statistic of the proxy separates hard rows from wrong labels; a person reading a small,
well-chosen sample does. The rows are split into two strata, **flagged** (the candidates) and
**unflagged**, and a simple random sample is drawn from each (``plan``, ``draw``):

- noise = (F p_f + U m_u) / (F + U), with p_f the share of reviewed flagged rows that are
  wrong (the flags' precision) and m_u the share of reviewed unflagged rows that are wrong
  (the detector's misses);
- its variance adds the two strata, each with the finite-population correction; each
  stratum's proportion is Agresti-Coull adjusted (two wrong and two right pseudo-answers at
  95 %) so that a stratum where nobody found an error still has a sensible width (``estimate``);
- the sample is sized by **Neyman allocation** (rows per stratum proportional to its size
  times its expected spread) with conservative planning values: flags of unknown precision
  (p_f = 0.5, the widest) and the miss rate the range allows (the upper bound times the
  share of random flips the detector misses, at least ``MIN_MISS``), so that a complete
  review gives the noise rate within ``half_width`` (0.04) at 95 %, with at most ``max_rows``
  (200) rows and at least ``MIN_FLAGGED`` flagged ones (the flags' precision is reported).

The unflagged stratum is large, so its miss rate dominates the variance: with 13 % flagged at
precision 0.3 and a 4.5 % miss rate, about 80 flagged plus 120 unflagged rows give +-0.04.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Z = 1.96
MIN_FLAGGED = 20
MIN_MISS = 0.02
#: answers needed in each non-empty stratum before the review replaces the proxy's estimate
MIN_ANSWERS = 10


@dataclass(frozen=True)
class Plan:
    flagged: int
    unflagged: int
    #: half-width at 95 % a complete review is expected to give
    half_width: float

    @property
    def rows(self) -> int:
        return self.flagged + self.unflagged


def half_width(sizes: tuple[int, int], rates: tuple[float, float],
               taken: tuple[int, int]) -> float:
    """Expected 95 % half-width of ``estimate`` when ``taken`` rows per stratum are answered
    and each stratum's share wrong is as planned (``rates``): the same Agresti-Coull
    adjusted variance the estimate will use, so the plan keeps its promise."""
    total = sum(sizes)
    if not total:
        return 0.0
    var = 0.0
    for size, rate, n in zip(sizes, rates, taken, strict=True):
        if not size:
            continue
        if not n:
            return 1.0
        weight = size / total
        var += weight * weight * _ac_variance(rate * n, n) * max(0.0, 1 - n / size)
    return Z * math.sqrt(max(var, 0.0))


def _ac_variance(wrong: float, n: int) -> float:
    """Agresti-Coull variance of a share: two pseudo-answers of each kind at 95 %."""
    n_adj = n + Z * Z
    p_adj = (wrong + Z * Z / 2) / n_adj
    return p_adj * (1 - p_adj) / n_adj


def plan(n_flagged: int, n_unflagged: int, miss_rate: float, target: float = 0.04,
         max_rows: int = 200, precision: float = 0.5) -> Plan:
    """The smallest Neyman-allocated sample whose complete review gives +-``target``."""
    sizes = (n_flagged, n_unflagged)
    rates = (precision, min(0.5, max(miss_rate, MIN_MISS)))
    spreads = tuple(math.sqrt(r * (1 - r)) for r in rates)
    top = min(max_rows, sum(sizes))
    best = _allocate(sizes, spreads, top)
    for n in range(2, top + 1):
        taken = _allocate(sizes, spreads, n)
        if half_width(sizes, rates, taken) <= target:
            best = taken
            break
    return Plan(best[0], best[1], half_width(sizes, rates, best))


def _allocate(sizes: tuple[int, int], spreads: tuple[float, ...],
              n: int) -> tuple[int, int]:
    """Neyman allocation of ``n`` rows, at least ``MIN_FLAGGED`` flagged ones (or all), and
    at least one row of every non-empty stratum, within each stratum's size."""
    weight = [s * d for s, d in zip(sizes, spreads, strict=True)]
    share = weight[0] / sum(weight) if sum(weight) else 0.5
    flagged = round(n * share)
    flagged = max(flagged, min(sizes[0], MIN_FLAGGED, n), 1 if sizes[0] else 0)
    flagged = min(flagged, sizes[0], n - (1 if sizes[1] and n > 1 else 0))
    unflagged = min(sizes[1], n - flagged)
    flagged = min(sizes[0], n - unflagged)
    return flagged, unflagged


def draw(flagged: np.ndarray, unflagged: np.ndarray, taken: Plan,
         seed: int) -> np.ndarray:
    """The sample's positions: a seeded simple random sample from each stratum, in a seeded
    random order (so that a review stopped half way is still a random part of the sample)."""
    rng = np.random.default_rng(seed + 4242)
    picked = np.concatenate([
        rng.choice(flagged, size=taken.flagged, replace=False) if taken.flagged else [],
        rng.choice(unflagged, size=taken.unflagged, replace=False) if taken.unflagged else []])
    return np.asarray(rng.permutation(picked.astype(np.int64)), dtype=np.int64)


@dataclass(frozen=True)
class Stratum:
    size: int       # rows in the stratum
    reviewed: int   # rows a person answered
    wrong: int      # of those, rows whose label the person changed

    def interval(self) -> tuple[float, float, float]:
        """Share wrong with its Agresti-Coull 95 % interval (0, 0, 1 when unreviewed)."""
        if not self.reviewed:
            return 0.0, 0.0, 1.0
        p = self.wrong / self.reviewed
        n_adj = self.reviewed + Z * Z
        p_adj = (self.wrong + Z * Z / 2) / n_adj
        half = Z * math.sqrt(p_adj * (1 - p_adj) / n_adj * self._fpc())
        # the adjusted centre pulls towards 0.5: the interval always holds the observed share
        return p, max(0.0, min(p, p_adj - half)), min(1.0, max(p, p_adj + half))

    def _fpc(self) -> float:
        return max(0.0, 1 - self.reviewed / self.size) if self.size else 0.0


@dataclass(frozen=True)
class Estimate:
    rate: float
    lower: float
    upper: float
    flagged: Stratum
    unflagged: Stratum
    #: enough answers in each stratum for the estimate to stand in for the proxy's
    usable: bool
    #: answers that matched no row of this data set (stale, from another version)
    unmatched: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def reviewed(self) -> int:
        return self.flagged.reviewed + self.unflagged.reviewed

    @property
    def precision(self) -> tuple[float, float, float]:
        """The flags' precision (share of reviewed flagged rows that were wrong), 95 %."""
        return self.flagged.interval()


def estimate(flagged: Stratum, unflagged: Stratum, unmatched: int = 0) -> Estimate:
    """The stratified noise rate and its 95 % interval from a (partial) review."""
    total = flagged.size + unflagged.size
    if not total:
        return Estimate(0.0, 0.0, 0.0, flagged, unflagged, False, unmatched)
    rate, var = 0.0, 0.0
    for stratum in (flagged, unflagged):
        if not stratum.size:
            continue
        weight = stratum.size / total
        p, _, _ = stratum.interval()
        rate += weight * p
        if stratum.reviewed:
            var += (weight * weight * _ac_variance(stratum.wrong, stratum.reviewed)
                    * stratum._fpc())
        else:
            var += weight * weight * 0.25  # nothing known: the widest spread
    half = Z * math.sqrt(var)
    usable = all(s.reviewed >= min(s.size, MIN_ANSWERS) for s in (flagged, unflagged))
    notes = [] if usable else [
        f"review incomplete: answer at least {MIN_ANSWERS} rows of each stratum (flagged: "
        f"{flagged.reviewed} of {flagged.size:,} answered, unflagged: {unflagged.reviewed} of "
        f"{unflagged.size:,})"]
    return Estimate(rate, max(0.0, rate - half), min(1.0, rate + half), flagged, unflagged,
                    usable, unmatched, notes)
