"""Statistics of the bias check: intervals, tests and corrections match their definitions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, chi2_contingency, fisher_exact

from tuneready.checks.bias.groups import clean, parse_pairs
from tuneready.checks.bias.stats import (
    Comparison,
    benjamini_hochberg,
    chi2_pvalues,
    compare_medians,
    median_interval,
    representation,
    two_by_two,
)
from tuneready.evidence.stats import wilson


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (57, 300), (1, 1)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    lo, hi = wilson(k, n)
    ci = binomtest(k, n).proportion_ci(method="wilson")
    assert float(lo) == pytest.approx(ci.low, abs=1e-9)
    assert float(hi) == pytest.approx(ci.high, abs=1e-9)


def test_two_by_two_uses_fisher_when_expected_counts_are_small() -> None:
    test, p = two_by_two(np.array([[3, 1], [1, 3]]))
    assert test == "fisher" and p == pytest.approx(fisher_exact([[3, 1], [1, 3]]).pvalue)
    assert two_by_two(np.array([[50, 50], [30, 70]]))[0] == "chi2"
    assert two_by_two(np.array([[0, 10], [0, 12]])) == ("none", 1.0)


def test_benjamini_hochberg_adjusts_across_comparisons() -> None:
    comps = [Comparison("g", "m", None, [], test="chi2", p_value=p)
             for p in (0.01, 0.02, 0.03, 0.5)]
    benjamini_hochberg(comps, 0.05)
    assert [c.p_adjusted for c in comps] == pytest.approx([0.04, 0.04, 0.04, 0.5])
    assert [c.significant for c in comps] == [True, True, True, False]


def test_representation_against_reference_and_parity() -> None:
    groups = pd.Series(["a"] * 80 + ["b"] * 20 + ["unknown"] * 5)
    ref = representation("g", groups, {"a": 0.5, "b": 0.5})
    assert ref.low is not None and ref.low.group == "b" and ref.ratio == pytest.approx(0.4)
    assert ref.test == "chi2_gof" and ref.p_value < 1e-6
    parity = representation("g", groups, None)
    assert parity.extra["expected"] == {"a": 0.5, "b": 0.5}  # unknown is not a group to fit


def test_median_interval_covers_the_median() -> None:
    values = np.arange(1, 102, dtype=float)
    med, lo, hi = median_interval(values)
    assert med == 51 and lo < 51 < hi and hi - lo < 30
    assert all(math.isnan(x) for x in median_interval(np.array([])))
    c = compare_medians("g", "answer_tokens", np.r_[np.full(40, 10.0), np.full(40, 30.0)],
                        pd.Series(["a"] * 40 + ["b"] * 40), 30)
    assert c.ratio == pytest.approx(1 / 3) and c.p_value < 1e-6


def test_group_values_and_intersections_parse() -> None:
    assert clean(pd.Series([None, " x ", "", float("nan"), 3])).tolist() == [
        "unknown", "x", "unknown", "unknown", "3"]
    assert parse_pairs([["a", "b"], "c*d", "e & f"]) == [("a", "b"), ("c", "d"), ("e", "f")]
    with pytest.raises(ValueError):
        parse_pairs(["a*b*c"])


def test_chi2_pvalues_are_scipys_bit_for_bit() -> None:
    """Yates-corrected chi-square of many tables at once, the same float operations as
    ``chi2_contingency`` (so equal, not approximately equal)."""
    rng = np.random.default_rng(0)
    tables = np.concatenate([rng.integers(5, 60, (300, 2, 2)),
                             rng.integers(5, 100_000, (300, 2, 2)),
                             np.array([[[50, 50], [30, 70]], [[5, 5], [5, 5]]])])
    assert chi2_pvalues(tables).tolist() == [chi2_contingency(t).pvalue for t in tables]
