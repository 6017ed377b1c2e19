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


def wilson(k: np.ndarray | int, n: np.ndarray | int,
           confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval, vectorized; (0, 1) where n == 0.

    Same numbers as ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``
    without one Python call per group.
    """
    from scipy.stats import norm

    k_arr = np.asarray(k, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    z = float(norm.ppf(0.5 + confidence / 2))
    safe = np.where(n_arr > 0, n_arr, 1.0)
    p = k_arr / safe
    denom = 1 + z * z / safe
    centre = (p + z * z / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / denom
    lo = np.where(n_arr > 0, np.clip(centre - half, 0, 1), 0.0)
    hi = np.where(n_arr > 0, np.clip(centre + half, 0, 1), 1.0)
    return lo, hi


def two_by_two(table: np.ndarray) -> tuple[str, float]:
    """p-value of a 2x2 table: chi-square when all expected counts >= 5, else Fisher exact."""
    from scipy.stats import chi2_contingency, fisher_exact

    table = np.asarray(table, dtype=np.int64)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return "none", 1.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if expected.min() >= 5:
        return "chi2", float(chi2_contingency(table).pvalue)
    return "fisher", float(fisher_exact(table).pvalue)


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


@dataclass
class RateSpec:
    """One rate over cells: events ``num & den`` out of ``den``, weighted by cell counts.

    A group is judged only when its denominator has ``min_den`` rows and the family has
    ``min_total`` rows of the group (e.g. recall of a label: >= 5 rows of the label in a
    group of >= 30 rows).
    """

    metric: str
    label: str | None
    num: np.ndarray
    den: np.ndarray
    min_den: int
    min_total: int = 0


@dataclass
class Family:
    """Rates defined over the same cells: (group, outcome) combinations weighted by their row
    counts (``cells``), e.g. every focus label's rate, or the proxy's error and recall."""

    groups: np.ndarray
    weights: np.ndarray
    specs: list[RateSpec]


def _counts(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
    """fairlearn metric: the group's weighted column sums of the outcome matrix (events and
    denominators of every rate of every family), so fairlearn calls it once per group instead
    of once per (rate, group); ``y_pred`` is unused."""
    w = np.asarray(sample_weight, dtype=np.float64)
    return w @ np.asarray(y_true, dtype=np.float64).reshape(len(w), -1)


def _outcomes(families: list[Family]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(groups, weights, outcome matrix) of all families' cells stacked: per family one
    column per rate for its events, one for its denominator, and one marking the family's
    cells (its rows per group); zero outside the family."""
    width = sum(2 * len(f.specs) + 1 for f in families)
    blocks, col = [], 0
    for f in families:
        block = np.zeros((len(f.groups), width))
        for s in f.specs:
            block[:, col] = s.num & s.den
            block[:, col + 1] = s.den
            col += 2
        block[:, col] = 1.0
        col += 1
        blocks.append(block)
    groups = np.concatenate([np.asarray(f.groups, dtype=object) for f in families])
    weights = np.concatenate([np.asarray(f.weights, dtype=np.float64) for f in families])
    return groups, weights, np.vstack(blocks)


def _by_group(attribute: str, families: list[Family]) -> tuple[list[str], np.ndarray]:
    """Group names (sorted) and their weighted outcome sums, from ONE fairlearn MetricFrame.

    Cells are (group, outcome) combinations weighted by their row counts: fairlearn unpacks
    every metric argument element by element in Python (``np.stack``) and pays a fixed cost
    per metric call, so a 2-D ``y_true`` of cell outcomes and a single metric returning all
    sums keep it to one call per group for every rate of the attribute.
    """
    from fairlearn.metrics import MetricFrame

    groups, weights, outcomes = _outcomes(families)
    if len(groups) == 1:  # fairlearn squeezes a one-row y_true to 1-D: add a zero-weight twin
        groups, weights = np.repeat(groups, 2), np.r_[weights, 0.0]
        outcomes = np.repeat(outcomes, 2, axis=0)
    frame = MetricFrame(metrics=_counts, y_true=outcomes, y_pred=np.zeros(len(groups)),
                        sensitive_features=pd.Series(groups, name=attribute),
                        sample_params={"sample_weight": weights})
    by_group = frame.by_group
    names = [str(g) for g in by_group.index]
    order = sorted(range(len(names)), key=names.__getitem__)
    sums = np.vstack([np.asarray(v, dtype=np.float64) for v in by_group.to_numpy()])
    return [names[i] for i in order], np.rint(sums[order])


def between_groups(rates: list[float]) -> tuple[float, float]:
    """(difference, ratio) of the rates as fairlearn's ``difference(method="between_groups")``
    and ``ratio(method="between_groups")`` give them: max - min and min / max (NaN when the
    largest rate is 0)."""
    hi, lo = max(rates), min(rates)
    return hi - lo, (lo / hi if hi != 0 else math.nan)


def compare_families(attribute: str, families: list[Family]) -> list[list[Comparison]]:
    """Compare every rate of every family of one attribute from one fairlearn MetricFrame.

    ``by_group`` gives each group's events and denominators per rate; groups too small to
    judge are left out of the difference and ratio (as fairlearn skips NaN); the extreme pair
    of sufficient groups is then tested (chi-square or Fisher) with a Bonferroni factor for
    the choice.
    """
    live = [bool(len(f.groups) and f.specs) for f in families]
    names, sums = (_by_group(attribute, [f for f, ok in zip(families, live, strict=True) if ok])
                   if any(live) else ([], np.zeros((0, 0))))
    out: list[list[Comparison]] = []
    col = 0
    for f, ok in zip(families, live, strict=True):
        if not ok:
            out.append([Comparison(attribute, s.metric, s.label, []) for s in f.specs])
            continue
        totals = sums[:, col + 2 * len(f.specs)]
        out.append([_comparison(attribute, s, names, sums[:, col + 2 * i],
                                sums[:, col + 2 * i + 1], totals)
                    for i, s in enumerate(f.specs)])
        col += 2 * len(f.specs) + 1
    return out


def compare_family(attribute: str, groups: np.ndarray, weights: np.ndarray,
                   specs: list[RateSpec]) -> list[Comparison]:
    """Compare several rates defined over the same cells (one-family form)."""
    return compare_families(attribute, [Family(groups, weights, specs)])[0]


def _comparison(attribute: str, spec: RateSpec, names: list[str], k: np.ndarray,
                n: np.ndarray, totals: np.ndarray) -> Comparison:
    lo, hi = wilson(k, n)
    rates = [GroupRate(g, int(k[i]), int(n[i]), float(k[i] / n[i]) if n[i] else 0.0,
                       float(lo[i]), float(hi[i]),
                       bool(n[i] >= max(1, spec.min_den) and totals[i] >= spec.min_total))
             for i, g in enumerate(names) if n[i] > 0]
    result = Comparison(attribute, spec.metric, spec.label, rates)
    kept = [g for g in rates if g.sufficient]
    if len(kept) < 2:
        return result
    difference, ratio = between_groups([g.rate for g in kept])
    result.difference = difference if math.isfinite(difference) else 0.0
    result.ratio = ratio if math.isfinite(ratio) else 1.0
    result.high = max(kept, key=lambda g: (g.rate, g.group))
    result.low = min(kept, key=lambda g: (g.rate, g.group))
    table = np.array([[result.high.k, result.high.n - result.high.k],
                      [result.low.k, result.low.n - result.low.k]])
    result.test, p = two_by_two(table)
    pairs = len(kept) * (len(kept) - 1) // 2
    result.p_value = min(1.0, p * pairs)
    return result


def cells(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Distinct combinations of the given per-row columns with their counts (``w``)."""
    frame = pd.DataFrame({k: np.asarray(v, dtype=object) if k == "g" else np.asarray(v)
                          for k, v in columns.items()})
    out = frame.value_counts(dropna=False).reset_index(name="w")
    return out.sort_values(list(columns)).reset_index(drop=True)


def rate_family(event: np.ndarray, groups: np.ndarray, metric: str, min_n: int,
                label: str | None = None, min_total: int = 0) -> Family:
    """The cells and single rate of a binary per-row ``event`` by group."""
    c = cells({"g": np.asarray(groups, dtype=object), "e": np.asarray(event, dtype=bool)})
    spec = RateSpec(metric, label, c["e"].to_numpy(dtype=bool), np.ones(len(c), dtype=bool),
                    min_n, min_total)
    return Family(c["g"].to_numpy(dtype=object), c["w"].to_numpy(dtype=np.float64), [spec])


def compare_rates(attribute: str, metric: str, event: np.ndarray, groups: pd.Series,
                  min_n: int, label: str | None = None, min_total: int = 0) -> Comparison:
    """Rates of a binary ``event`` by group (one-metric form of ``compare_families``)."""
    family = rate_family(event, np.asarray(groups, dtype=object), metric, min_n, label,
                         min_total)
    return compare_families(attribute, [family])[0][0]


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
