"""Rates by group from one fairlearn MetricFrame per attribute: the counts, gaps and tests
that one scalar fairlearn metric per rate gives."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tuneready.checks.bias.rates import (
    Family,
    RateSpec,
    between_groups,
    cells,
    compare_families,
    compare_rates,
)
from tuneready.checks.bias.stats import two_by_two


def test_rates_match_counts_and_pair_is_bonferroni_corrected() -> None:
    groups = pd.Series(["a"] * 100 + ["b"] * 100 + ["c"] * 100)
    event = np.r_[np.arange(100) < 70, np.arange(100) < 40, np.arange(100) < 55]
    c = compare_rates("g", "label_rate", event, groups, 30, "x")
    rates = {g.group: (g.k, g.n) for g in c.groups}
    assert rates == {"a": (70, 100), "b": (40, 100), "c": (55, 100)}
    assert c.high is not None and c.low is not None
    assert (c.high.group, c.low.group) == ("a", "b")
    assert c.difference == pytest.approx(0.3) and c.ratio == pytest.approx(40 / 70)
    _, p_pair = two_by_two(np.array([[70, 30], [40, 60]]))
    assert c.p_value == pytest.approx(min(1.0, 3 * p_pair))  # 3 possible pairs


def _fairlearn_gaps(groups: np.ndarray, weights: np.ndarray,
                    spec: RateSpec) -> tuple[float, float]:
    """Reference: one scalar fairlearn metric per rate, NaN for groups too small to judge,
    and fairlearn's own between-groups difference and ratio."""
    from fairlearn.metrics import MetricFrame

    def rate(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray,
             num: np.ndarray, den: np.ndarray) -> float:
        d = float(np.sum(sample_weight * den))
        if d < max(1, spec.min_den) or float(np.sum(sample_weight)) < spec.min_total:
            return math.nan
        return float(np.sum(sample_weight * num * den)) / d

    frame = MetricFrame(metrics=rate, y_true=np.zeros(len(groups)),
                        y_pred=np.zeros(len(groups)), sensitive_features=pd.Series(groups),
                        sample_params={"sample_weight": weights,
                                       "num": spec.num.astype(float),
                                       "den": spec.den.astype(float)})
    return (float(frame.difference(method="between_groups")),
            float(frame.ratio(method="between_groups")))


@pytest.mark.parametrize("seed", range(8))
def test_families_match_fairlearn_per_rate(seed: int) -> None:
    """One MetricFrame for all families gives the counts, differences and ratios that one
    scalar fairlearn metric per rate gives (groups too small to judge skipped as NaN)."""
    rng = np.random.default_rng(seed)
    families, expected = [], []
    for _ in range(3):
        n = int(rng.integers(50, 400))
        k = int(rng.integers(2, 6))
        share = np.array([0.4, 0.3, 0.2, 0.07, 0.03])[:k]
        g = rng.choice(np.array(["a", "b", "c", "d", "tiny"])[:k], n, p=share / share.sum())
        t, p = rng.integers(0, 3, n), rng.integers(0, 3, n)
        c = cells({"g": g.astype(object), "t": t, "p": p})
        tc, pc = c["t"], c["p"]
        ones = np.ones(len(c["w"]), dtype=bool)
        specs = [RateSpec("error_rate", None, tc != pc, ones, 30),
                 RateSpec("recall", "1", pc == 1, tc == 1, 5, 30),
                 RateSpec("selection_rate", "0", pc == 0, ones, 30)]
        fam = Family(c["g"], c["w"].astype(float), specs)
        families.append(fam)
        expected.append([(_fairlearn_gaps(fam.groups, fam.weights, s), s) for s in specs])
    results = compare_families("g", families)
    for fam, got, want in zip(families, results, expected, strict=True):
        for comp, ((diff, ratio), spec) in zip(got, want, strict=True):
            for rate in comp.groups:
                rows = fam.groups == rate.group
                assert rate.n == int(fam.weights[rows & spec.den].sum())
                assert rate.k == int(fam.weights[rows & spec.den & spec.num].sum())
            if comp.high is None:
                continue
            assert comp.difference == (diff if math.isfinite(diff) else 0.0)
            assert comp.ratio == (ratio if math.isfinite(ratio) else 1.0)


def test_between_groups_is_max_minus_min_and_min_over_max() -> None:
    assert between_groups([0.2, 0.5, 0.4]) == (0.5 - 0.2, 0.2 / 0.5)
    diff, ratio = between_groups([0.0, 0.0])
    assert diff == 0 and math.isnan(ratio)


def test_single_cell_and_empty_families() -> None:
    """fairlearn squeezes a one-row y_true; a family without cells compares nothing."""
    one = Family(np.array(["a"], dtype=object), np.array([40.0]),
                 [RateSpec("label_rate", "x", np.array([True]), np.array([True]), 30)])
    empty = Family(np.array([], dtype=object), np.array([]),
                   [RateSpec("noise_rate", None, np.zeros(0, bool), np.zeros(0, bool), 30)])
    single, none = compare_families("g", [one, empty])
    assert [(g.group, g.k, g.n) for g in single[0].groups] == [("a", 40, 40)]
    assert single[0].test == "none" and none[0].groups == []
    assert compare_families("g", [empty])[0][0].groups == []


def test_small_groups_are_left_out_of_the_comparison() -> None:
    groups = pd.Series(["a"] * 50 + ["b"] * 50 + ["tiny"] * 10)
    event = np.r_[np.zeros(50), np.zeros(50), np.ones(10)].astype(bool)
    c = compare_rates("g", "label_rate", event, groups, 30)
    assert {g.group: g.sufficient for g in c.groups} == {"a": True, "b": True, "tiny": False}
    assert c.difference == 0 and c.p_value == 1.0  # tiny's 100 % is not a judged gap


def test_cells_count_every_distinct_combination_in_sorted_order() -> None:
    rng = np.random.default_rng(3)
    g = rng.choice(np.array(["b", "a", "c & d", "é"], dtype=object), 500)
    e = rng.random(500) < 0.3
    t = rng.integers(0, 4, 500)
    c = cells({"g": g, "e": e, "t": t})
    want = (pd.DataFrame({"g": g, "e": e, "t": t}).value_counts().reset_index(name="w")
            .sort_values(["g", "e", "t"]).reset_index(drop=True))
    assert list(c) == ["g", "e", "t", "w"]
    assert c["g"].tolist() == want["g"].tolist() and c["e"].tolist() == want["e"].tolist()
    assert c["t"].tolist() == want["t"].tolist() and c["w"].tolist() == want["w"].tolist()
    assert cells({"g": np.array([], dtype=object)})["w"].tolist() == []
