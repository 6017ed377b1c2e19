"""Rates by group (label rate, proxy error and recall, noise and refusal rates) from ONE
fairlearn MetricFrame per attribute.

Rates are computed over cells: distinct (group, outcome) combinations weighted by their row
counts, which give the same rates as the rows in O(cells). fairlearn pays a fixed cost per
metric call (it unpacks every argument column per group), so instead of one scalar metric
per (rate x group) every rate family of an attribute is stacked into one cell table whose
2-D ``y_true`` holds each rate's events and denominators, and one metric returns a group's
weighted sums: fairlearn does the disaggregation with one call per group. Groups too small
to judge are left out of the difference and ratio (as fairlearn's ``between_groups`` methods
skip NaN); the extreme pair of the sufficient groups is then tested (chi-square or Fisher,
``stats.two_by_two_many``) with a Bonferroni factor for the choice of pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tuneready.checks.bias.stats import Comparison, GroupRate, two_by_two_many
from tuneready.evidence.stats import wilson


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
    _test_extremes([c for family in out for c in family])
    return out


def _comparison(attribute: str, spec: RateSpec, names: list[str], k: np.ndarray,
                n: np.ndarray, totals: np.ndarray) -> Comparison:
    """One rate's groups (k events of n, Wilson interval, judged or not), its gaps over the
    judged groups and its extreme pair; ``_test_extremes`` then tests the pair."""
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
    return result


def _test_extremes(comparisons: list[Comparison]) -> None:
    """Test each comparison's extreme pair (all tables at once), with a Bonferroni factor
    for the choice of pair among the sufficient groups."""
    todo = [c for c in comparisons if c.high is not None and c.low is not None]
    tables = np.array([[[c.high.k, c.high.n - c.high.k], [c.low.k, c.low.n - c.low.k]]
                       for c in todo if c.high is not None and c.low is not None])
    for c, (test, p) in zip(todo, two_by_two_many(tables.reshape(-1, 2, 2)), strict=True):
        kept = sum(g.sufficient for g in c.groups)
        c.test = test
        c.p_value = min(1.0, p * (kept * (kept - 1) // 2))


def cells(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Distinct combinations of the given per-row columns, sorted, with their row counts
    (``w``): rates over cells weighted by ``w`` equal rates over rows, in O(cells). Columns
    are factorized to codes and combined into one integer key (no DataFrame of strings)."""
    codes, uniques = [], []
    for v in columns.values():
        values = np.asarray(v)
        code, unique = pd.factorize(values.astype(object) if values.dtype.kind in "OUS"
                                    else values, sort=True, use_na_sentinel=False)
        codes.append(np.asarray(code, dtype=np.int64))
        uniques.append(np.asarray(unique))
    key = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    for code, unique in zip(codes, uniques, strict=True):
        key = key * max(len(unique), 1) + code
    distinct, counts = np.unique(key, return_counts=True)
    out: dict[str, np.ndarray] = {}
    for name, unique in reversed(list(zip(columns, uniques, strict=True))):
        distinct, code = np.divmod(distinct, max(len(unique), 1))
        out[name] = unique[code]
    return {**{name: out[name] for name in columns}, "w": counts.astype(np.int64)}


def rate_family(event: np.ndarray, groups: np.ndarray, metric: str, min_n: int,
                label: str | None = None, min_total: int = 0,
                names: np.ndarray | None = None) -> Family:
    """The cells and single rate of a binary per-row ``event`` by group; ``groups`` holds
    each row's group, or its code into ``names``."""
    c = cells({"g": np.asarray(groups), "e": np.asarray(event, dtype=bool)})
    spec = RateSpec(metric, label, c["e"].astype(bool), np.ones(len(c["w"]), dtype=bool),
                    min_n, min_total)
    g = c["g"] if names is None else np.asarray(names, dtype=object)[c["g"]]
    return Family(g.astype(object), c["w"].astype(np.float64), [spec])


def compare_rates(attribute: str, metric: str, event: np.ndarray, groups: pd.Series,
                  min_n: int, label: str | None = None, min_total: int = 0) -> Comparison:
    """Rates of a binary ``event`` by group (one-metric form of ``compare_families``)."""
    family = rate_family(event, np.asarray(groups, dtype=object), metric, min_n, label,
                         min_total)
    return compare_families(attribute, [family])[0][0]
