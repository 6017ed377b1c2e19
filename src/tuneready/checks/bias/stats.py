"""Per-group rates with intervals, and tests a reviewer can trust.

Why this shape: a disparity is only worth a reviewer's time when it is both *significant*
(unlikely under "labels independent of group", after correcting for the many comparisons one
audit makes) and *material* (large enough to matter: the four-fifths ratio or an absolute
difference). Small groups cannot support either claim, so they are reported as "insufficient
evidence" and kept out of the comparison instead of being passed or failed.

For each (attribute, metric) we compare the two extreme groups among the sufficient ones: a
2x2 chi-square test when every expected count is >= 5, Fisher's exact test otherwise. Picking
the extreme pair after looking is a selection, so its p-value is multiplied by the number of
possible pairs (Bonferroni within the attribute; valid for any pair). Benjamini-Hochberg then
controls the false discovery rate across all comparisons of the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tuneready.evidence.stats import wilson

#: status of a group in the tables
OK, INSUFFICIENT, FLAGGED = "ok", "insufficient_evidence", "flagged"


@dataclass
class GroupRate:
    """k events out of n in one group, with a 95 % Wilson interval."""

    group: str
    k: int
    n: int
    rate: float
    lo: float
    hi: float
    sufficient: bool


@dataclass
class Comparison:
    """One metric compared across the groups of one attribute."""

    attribute: str
    metric: str
    label: str | None
    groups: list[GroupRate]
    high: GroupRate | None = None
    low: GroupRate | None = None
    difference: float = 0.0
    ratio: float = 1.0
    test: str = "none"
    p_value: float = 1.0
    p_adjusted: float = 1.0
    significant: bool = False
    material: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.significant and self.material

    def to_row(self) -> dict[str, Any]:
        """Flat JSON row for the report's ``comparisons`` table."""
        row: dict[str, Any] = {"attribute": self.attribute, "metric": self.metric,
                               "label": self.label, "test": self.test,
                               "difference": _r(self.difference), "ratio": _r(self.ratio),
                               "p_value": _p(self.p_value), "p_adjusted": _p(self.p_adjusted),
                               "significant": self.significant, "material": self.material}
        for side, g in (("high", self.high), ("low", self.low)):
            row[f"{side}_group"] = g.group if g else None
            row[f"{side}_n"] = g.n if g else None
            row[side] = _r(g.rate) if g else None
            row[f"{side}_lo"] = _r(g.lo) if g else None
            row[f"{side}_hi"] = _r(g.hi) if g else None
        return row


def _r(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def _p(x: float) -> float | None:
    return None if not math.isfinite(x) else float(f"{x:.4g}")


def two_by_two(table: np.ndarray) -> tuple[str, float]:
    """p-value of a 2x2 table: chi-square when all expected counts >= 5, else Fisher exact."""
    return two_by_two_many(np.asarray(table).reshape(1, 2, 2))[0]


def two_by_two_many(tables: np.ndarray) -> list[tuple[str, float]]:
    """``two_by_two`` of each table (shape (T, 2, 2)), all tables at once: chi-square by
    ``chi2_pvalues``, Fisher by ``fairness.exact``; ("none", 1.0) where a row or column is
    empty."""
    from tuneready.checks.bias.exact import fisher_exact_pvalues

    t = np.asarray(tables, dtype=np.int64).reshape(-1, 2, 2)
    rows, cols = t.sum(axis=2), t.sum(axis=1)
    live = ~((rows == 0).any(axis=1) | (cols == 0).any(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = rows[:, :, None] * cols[:, None, :] / t.sum(axis=(1, 2))[:, None, None]
    out = [("none", 1.0)] * len(t)
    chi2 = np.flatnonzero(live & (expected.min(axis=(1, 2)) >= 5))
    for i, p in zip(chi2, chi2_pvalues(t[chi2]).tolist(), strict=True):
        out[i] = ("chi2", p)
    fisher = np.flatnonzero(live & (expected.min(axis=(1, 2)) < 5))
    for i, p in zip(fisher, fisher_exact_pvalues(t[fisher]).tolist(), strict=True):
        out[i] = ("fisher", p)
    return out


def chi2_pvalues(tables: np.ndarray) -> np.ndarray:
    """``scipy.stats.chi2_contingency(table).pvalue`` of 2x2 tables without a zero expected
    count, for all tables at once (~1 ms a call otherwise): the same operations in the same
    order (expected counts, Yates' correction, Pearson's terms summed in order, ``chdtrc``
    with one degree of freedom), so the same bits."""
    from scipy.special import chdtrc

    observed = np.asarray(tables, dtype=np.int64).reshape(-1, 2, 2)
    f = observed.astype(np.float64)
    total = f.reshape(-1, 4).sum(axis=1)[:, None, None]
    expected = f.sum(axis=2, keepdims=True) * f.sum(axis=1, keepdims=True) / total
    diff = expected - observed
    corrected = observed + np.minimum(0.5, np.abs(diff)) * np.sign(diff)
    terms = ((corrected - expected) ** 2 / expected).reshape(-1, 4)
    stat = ((terms[:, 0] + terms[:, 1]) + terms[:, 2]) + terms[:, 3]
    return np.asarray(chdtrc(1.0, stat), dtype=np.float64)


def benjamini_hochberg(comparisons: list[Comparison], alpha: float) -> None:
    """Adjust every comparison's p-value for the whole audit (FDR) and set ``significant``."""
    from scipy.stats import false_discovery_control

    tested = [c for c in comparisons if c.test != "none"]
    if not tested:
        return
    adjusted = false_discovery_control([c.p_value for c in tested], method="bh")
    for c, p in zip(tested, adjusted, strict=True):
        c.p_adjusted = float(p)
        c.significant = bool(p < alpha)


def representation(attribute: str, groups: pd.Series, reference: dict[str, float] | None,
                   skip: tuple[str, ...] = ("unknown",)) -> Comparison:
    """Share of rows per group against a reference distribution (or parity).

    Goodness of fit by ``scipy.stats.chisquare`` when every expected count is >= 5; otherwise
    the smallest exact binomial p-value over groups, times the number of groups. ``ratio`` is
    the smallest observed/expected share, ``difference`` the largest shortfall.
    """
    from scipy.stats import binomtest, chisquare

    counts = groups[~groups.isin(skip)].value_counts()
    if reference:
        total_ref = sum(float(v) for v in reference.values())
        expected_share = {str(g): float(v) / total_ref for g, v in reference.items()}
        counts = counts.reindex(sorted(expected_share), fill_value=0)
    else:
        expected_share = {str(g): 1.0 / max(1, len(counts)) for g in counts.index}
    n = int(counts.sum())
    names = [str(g) for g in counts.index]
    obs = counts.to_numpy(dtype=np.int64)
    lo, hi = wilson(obs, np.full(len(obs), n))
    rates = [GroupRate(g, int(obs[i]), n, obs[i] / n if n else 0.0, float(lo[i]), float(hi[i]),
                       True) for i, g in enumerate(names)]
    result = Comparison(attribute, "representation", None, rates,
                        extra={"expected": expected_share, "reference": bool(reference)})
    if n == 0 or len(names) < 2:
        return result
    exp = np.array([expected_share[g] for g in names]) * n
    ratios = np.array([r.rate for r in rates]) / np.maximum(exp / n, 1e-12)
    result.low = rates[int(np.argmin(ratios))]
    result.high = rates[int(np.argmax(ratios))]
    result.ratio = float(ratios.min())
    result.difference = float(max(expected_share[g] - r.rate for g, r in zip(names, rates,
                                                                            strict=True)))
    if exp.min() >= 5:
        result.test, result.p_value = "chi2_gof", float(chisquare(obs, exp).pvalue)
    else:
        ps = [binomtest(int(o), n, e / n).pvalue for o, e in zip(obs, exp, strict=True)]
        result.test, result.p_value = "binomial", min(1.0, float(min(ps)) * len(names))
    return result


def median_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Median with a distribution-free interval from binomial order statistics."""
    from scipy.stats import binom

    v = np.sort(np.asarray(values, dtype=np.float64))
    if not len(v):
        return math.nan, math.nan, math.nan
    alpha = 1 - confidence
    lo_i = int(binom.ppf(alpha / 2, len(v), 0.5))
    hi_i = int(min(len(v) - 1, binom.isf(alpha / 2, len(v), 0.5)))
    return float(np.median(v)), float(v[max(0, lo_i - 1)]), float(v[hi_i])


def compare_medians(attribute: str, metric: str, values: np.ndarray, groups: pd.Series,
                    min_n: int) -> Comparison:
    """Medians by group (answer length); Mann-Whitney U on the extreme pair, Bonferroni."""
    from scipy.stats import mannwhitneyu

    values = np.asarray(values, dtype=np.float64)
    groups = pd.Series(np.asarray(groups, dtype=object), name=attribute)
    if not len(values):
        return Comparison(attribute, metric, None, [])
    rates = []
    for g, idx in sorted(groups.groupby(groups).indices.items(), key=lambda kv: str(kv[0])):
        med, lo, hi = median_interval(values[idx])
        rates.append(GroupRate(str(g), 0, len(idx), med, lo, hi, len(idx) >= min_n))
    result = Comparison(attribute, metric, None, rates)
    kept = [g for g in rates if g.sufficient]
    if len(kept) < 2:
        return result
    result.high = max(kept, key=lambda g: (g.rate, g.group))
    result.low = min(kept, key=lambda g: (g.rate, g.group))
    result.difference = result.high.rate - result.low.rate
    result.ratio = result.low.rate / result.high.rate if result.high.rate > 0 else 1.0
    a = values[(groups == result.high.group).to_numpy()]
    b = values[(groups == result.low.group).to_numpy()]
    result.test = "mannwhitney"
    pairs = len(kept) * (len(kept) - 1) // 2
    p = float(mannwhitneyu(a, b).pvalue)
    result.p_value = min(1.0, p * pairs) if math.isfinite(p) else 1.0
    return result
