"""Fisher's exact test on many 2x2 tables at once.

``scipy.stats.fisher_exact`` takes ~2 ms a table (a Python binary search calling boost's
hypergeometric pmf point by point), and the bias check tests hundreds of tables (every
identity term against every label). Here the two-sided p-value is computed for all tables
together from its definition: the probability of the tables with the same margins that are
no more probable than the observed one, ``sum(pmf(x) for x in support if pmf(x) <= pmf(a))``.

- Only the window of the support where the pmf is within e^-40 of the observed one is
  summed (the pmf is log-concave, so that is an interval around the mode; what lies outside
  weighs less than ~1e-16 of the p-value). It is found with the ``gammaln`` log-pmf, which is
  accurate enough to place it.
- Inside the window the pmf relative to the mode is a running product of the exact ratios
  pmf(x + 1) / pmf(x): half an ulp per step, so ~1e-12 relative even over 10^4 steps, where
  ``gammaln`` differences lose ~1e-9 with a million rows. Windows are summed in chunks of
  bounded size.
- scipy counts a table as "no more probable" when its pmf is within a relative 1e-14 of the
  observed one (by boost's pmf, itself off by ~1e-10 with a million rows), which settles
  exact ties (symmetric margins). A table with a point within 1e-9 of the observed pmf, or
  whose p-value is too small for double precision to carry its digits, is handed to scipy
  itself: which tables count is always scipy's decision, and the p-values agree with scipy's
  to its own accuracy (1e-15 to 1e-10 relative; ours is ~1e-15).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: cells (tables x window points) evaluated at once
CHUNK = 1 << 18
#: points whose log-pmf is this far below the observed one are left out of the sums
CUT = 40.0
#: below this natural log of a p-value scipy computes it (near the denormal range)
MIN_LOG_P = -690.0
_EPS = float(np.finfo(np.float64).eps)


@dataclass
class _Tables:
    """Margins of 2x2 tables without an empty row or column: ``a`` the top-left count, ``k``
    the first row sum, ``n`` the first column sum, ``total`` the grand total."""

    a: np.ndarray
    k: np.ndarray
    n: np.ndarray
    total: np.ndarray

    def take(self, rows: np.ndarray) -> _Tables:
        return _Tables(self.a[rows], self.k[rows], self.n[rows], self.total[rows])

    @property
    def support(self) -> tuple[np.ndarray, np.ndarray]:
        return np.maximum(0, self.n - (self.total - self.k)), np.minimum(self.k, self.n)

    @property
    def mode(self) -> np.ndarray:
        lo, hi = self.support
        return np.clip((self.n + 1) * (self.k + 1) // (self.total + 2), lo, hi)

    def log_pmf(self, x: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Hypergeometric log-pmf up to a constant per table, from ``gammaln`` (~1e-9 with a
        million rows: enough to place windows, not to compare pmfs)."""
        from scipy.special import gammaln

        k, n, total = self.k[rows], self.n[rows], self.total[rows]
        return -(gammaln(x + 1.0) + gammaln(k - x + 1.0) + gammaln(n - x + 1.0)
                 + gammaln(total - k - n + x + 1.0))

    def ratio_up(self, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """pmf(x + 1) / pmf(x), from exact integer products (one rounding)."""
        k, n, total = (v[rows, None].astype(np.float64) for v in (self.k, self.n, self.total))
        return ((k - x) * (n - x)) / ((x + 1) * (total - k - n + x + 1))

    def ratio_down(self, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """pmf(x) / pmf(x + 1), the inverse, also with one rounding."""
        k, n, total = (v[rows, None].astype(np.float64) for v in (self.k, self.n, self.total))
        return ((x + 1) * (total - k - n + x + 1)) / ((k - x) * (n - x))


def fisher_exact_pvalues(tables: np.ndarray) -> np.ndarray:
    """Two-sided p-values of Fisher's exact test for 2x2 tables (shape (T, 2, 2)), as
    ``scipy.stats.fisher_exact(table).pvalue`` gives them: 1 when a row or column is empty."""
    c = np.asarray(tables, dtype=np.int64).reshape(-1, 2, 2)
    if (c < 0).any():
        raise ValueError("All values in `table` must be nonnegative.")
    p = np.ones(len(c))
    empty = (c.sum(axis=1) == 0).any(axis=1) | (c.sum(axis=2) == 0).any(axis=1)
    live = np.flatnonzero(~empty)
    if len(live):
        c_live = c[live]
        t = _Tables(c_live[:, 0, 0], c_live[:, 0].sum(axis=1), c_live[:, :, 0].sum(axis=1),
                    c_live.sum(axis=(1, 2)))
        p[live] = _pvalues(t)
    fallback = np.flatnonzero(np.isnan(p))
    if len(fallback):
        from scipy.stats import fisher_exact

        p[fallback] = [float(fisher_exact(c[i]).pvalue) for i in fallback]
    return p


def _pvalues(t: _Tables) -> np.ndarray:
    """p-values of tables without an empty margin; NaN where scipy must decide."""
    lo, hi = t.support
    rise = t.log_pmf(t.mode) - t.log_pmf(t.a)  # >= 0 up to rounding
    p = np.full(len(t.a), np.nan)
    # p <= (support size) * pmf(a) / pmf(mode): a table below MIN_LOG_P is scipy's
    fine = np.flatnonzero(np.log(hi - lo + 1.0) - rise >= MIN_LOG_P)
    if len(fine):
        sub = t.take(fine)
        left, right = _window(sub, np.maximum(rise[fine], 0.0))
        p[fine] = _sums(sub, left, right)
    return p


def _window(t: _Tables, rise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per table the interval of the support where the log-pmf is >= observed - CUT: a guess
    from the normal approximation, widened until both ends fall below (log-concavity makes
    everything beyond them lower still). ``rise`` is log-pmf(mode) - log-pmf(observed)."""
    lo, hi = t.support
    mode = t.mode
    k, n, total = (np.asarray(v, dtype=np.float64) for v in (t.k, t.n, t.total))
    var = n * k * (total - k) * (total - n) / (total**2 * np.maximum(total - 1, 1))
    half = np.ceil(1.2 * np.sqrt(2 * (rise + CUT) * var)).astype(np.int64) + 4
    floor = t.log_pmf(t.a) - CUT
    left, right = lo.copy(), hi.copy()
    todo = np.arange(len(lo))
    while len(todo):
        left[todo] = np.maximum(lo[todo], mode[todo] - half[todo])
        right[todo] = np.minimum(hi[todo], mode[todo] + half[todo])
        ok_left = (left[todo] == lo[todo]) | (t.log_pmf(left[todo], todo) < floor[todo])
        ok_right = (right[todo] == hi[todo]) | (t.log_pmf(right[todo], todo) < floor[todo])
        todo = todo[~(ok_left & ok_right)]
        half[todo] *= 2
    return left, right


def _relative_pmf(t: _Tables, rows: np.ndarray, x: np.ndarray, inside: np.ndarray
                  ) -> np.ndarray:
    """pmf(x) / pmf(mode) on a padded grid (0 outside the window): running products of the
    ratios from the mode outwards, so each point carries one rounding per step."""
    mode = t.mode[rows, None]
    up = np.where(inside & (x > mode), t.ratio_up(x - 1, rows), 1.0)
    down = np.where(inside & (x < mode), t.ratio_down(x, rows), 1.0)
    right = np.cumprod(up, axis=1)
    left = np.cumprod(down[:, ::-1], axis=1)[:, ::-1]
    return np.where(inside, right * left, 0.0)


def _sums(t: _Tables, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """p-values from the windows, in chunks; NaN where scipy must decide (a near tie, or a
    p-value too small)."""
    p = np.empty(len(t.a))
    order = np.argsort(right - left, kind="stable")
    for chunk in _chunks(right[order] - left[order] + 1):
        rows = order[chunk]
        width = int((right[rows] - left[rows]).max()) + 1
        x = left[rows, None] + np.arange(width)[None, :]
        inside = x <= right[rows, None]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            w = _relative_pmf(t, rows, np.minimum(x, right[rows, None]).astype(np.float64),
                              inside)
        same = x == t.a[rows, None]
        observed = w[same]  # one point per row: a lies in its window
        closeness = np.abs(w / observed[:, None] - 1)
        near = inside & ~same & (closeness <= _near(width))
        counted = np.where((w < observed[:, None]) | same, w, 0.0)
        # each row summed over its own window only: a table's p-value does not depend on
        # the padding, i.e. on which tables share its chunk
        sizes = (right[rows] - left[rows] + 1).tolist()
        ratio = np.array([c[:s].sum() / r[:s].sum()
                          for c, r, s in zip(counted, w, sizes, strict=True)])
        p[rows] = np.where(near.any(axis=1) | (ratio < np.exp(MIN_LOG_P)), np.nan,
                           np.minimum(ratio, 1.0))
    return p


def _near(width: int) -> float:
    """Relative pmf difference below which scipy decides whether a point counts: our running
    products carry 2 * width roundings at most, and boost's pmf (which scipy compares with
    a 1e-14 tolerance) is itself off by up to ~1e-10 with a million rows."""
    return max(1e-9, 4 * _EPS * width)


def _chunks(sizes: np.ndarray) -> list[slice]:
    """Consecutive runs of tables (sorted by window size) whose padded windows fit in
    ``CHUNK`` cells; a table larger than that is a chunk of its own."""
    out, start = [], 0
    while start < len(sizes):
        stop = start + 1
        while stop < len(sizes) and (stop + 1 - start) * int(sizes[stop]) <= CHUNK:
            stop += 1
        out.append(slice(start, stop))
        start = stop
    return out
