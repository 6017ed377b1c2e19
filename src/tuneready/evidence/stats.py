"""Small statistics shared by evidence stages and checks, defined once.

Why here: the label-noise range, its per-class table and the bias check all put Wilson
intervals on rates; one definition keeps their numbers consistent and keeps ``evidence/``
from importing a check for it.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=8)
def z_of(confidence: float) -> float:
    """Two-sided normal quantile, once per confidence (scipy's ppf costs ~0.2 ms a call and
    the bias check computes hundreds of intervals)."""
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def wilson(k: np.ndarray | int, n: np.ndarray | int, confidence: float = 0.95,
           z: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval, vectorized; (0, 1) where n == 0. ``z`` (if given) replaces the
    quantile of ``confidence``.

    Same numbers as ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``
    without one Python call per group.
    """
    k_arr = np.asarray(k, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    z = z_of(confidence) if z is None else z
    safe = np.where(n_arr > 0, n_arr, 1.0)
    p = k_arr / safe
    denom = 1 + z * z / safe
    centre = (p + z * z / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / denom
    lo = np.where(n_arr > 0, np.clip(centre - half, 0, 1), 0.0)
    hi = np.where(n_arr > 0, np.clip(centre + half, 0, 1), 1.0)
    return lo, hi
