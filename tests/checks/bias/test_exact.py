"""Vectorized Fisher exact test: scipy's p-values, and the exact ones where scipy rounds."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from scipy.stats import chi2_contingency, fisher_exact

from tuneready.checks.bias import exact
from tuneready.checks.bias.exact import fisher_exact_pvalues
from tuneready.checks.bias.stats import two_by_two, two_by_two_many


def exact_p(table: list[list[int]]) -> Fraction:
    """The two-sided p-value in rational arithmetic: every table with the same margins whose
    probability does not exceed the observed one's (ties exact)."""
    (a, b), (c, _) = table
    k, n, total = a + b, a + c, sum(map(sum, table))
    if 0 in (k, n, total - k, total - n):
        return Fraction(1)
    lo, hi = max(0, n - (total - k)), min(k, n)
    weight = {x: comb(k, x) * comb(total - k, n - x) for x in range(lo, hi + 1)}
    return Fraction(sum(w for w in weight.values() if w <= weight[a]), comb(total, n))


def null_tables(rng: np.random.Generator, total: int, m: int) -> np.ndarray:
    """Tables like the bias check's (term x label counts), near independence."""
    k = rng.integers(1, total // 2, m)
    n = rng.integers(1, total - 1, m)
    a = np.array([rng.hypergeometric(int(x), total - int(x), int(y)) for x, y in zip(k, n,
                                                                               strict=True)])
    a = np.clip(a + rng.integers(-3, 15, m), np.maximum(0, k + n - total), np.minimum(k, n))
    return np.stack([np.c_[a, k - a], np.c_[n - a, total - k - n + a]], axis=1)


def test_small_tables_equal_the_rational_p_value() -> None:
    rng = np.random.default_rng(0)
    tables = rng.integers(0, 12, (300, 2, 2))
    got = fisher_exact_pvalues(tables)
    for table, p in zip(tables.tolist(), got, strict=True):
        assert p == pytest.approx(float(exact_p(table)), rel=1e-12)


@pytest.mark.parametrize("scale", [5, 60, 1000, 100_000])
def test_random_tables_match_scipy(scale: int) -> None:
    rng = np.random.default_rng(scale)
    tables = np.concatenate([rng.integers(0, scale, (60, 2, 2)),
                             null_tables(rng, max(8, 4 * scale), 60)])
    want = [fisher_exact(t).pvalue for t in tables]
    assert fisher_exact_pvalues(tables) == pytest.approx(want, rel=1e-9, abs=0)


def test_edge_cases_match_scipy() -> None:
    tables = np.array([[[0, 0], [0, 0]], [[0, 5], [0, 3]], [[5, 0], [0, 0]], [[3, 1], [1, 3]],
                       [[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]], [[0, 7], [9, 0]],
                       [[2000, 3000], [3000, 2000]], [[100_000, 1], [1, 100_000]],
                       [[5, 1], [3, 700_000]], [[40, 10], [10, 40]]])
    want = [fisher_exact(t).pvalue for t in tables]
    assert fisher_exact_pvalues(tables) == pytest.approx(want, rel=1e-9, abs=0)
    assert fisher_exact_pvalues(np.zeros((0, 2, 2), dtype=int)).shape == (0,)
    with pytest.raises(ValueError):
        fisher_exact_pvalues(np.array([[[1, -1], [2, 3]]]))


def test_a_million_rows_keep_full_precision() -> None:
    """[[10^6, 0], [0, 1]]: p = 1 / (10^6 + 1) exactly (boost's pmf is off by ~1e-10)."""
    p = fisher_exact_pvalues(np.array([[[10**6, 0], [0, 1]]]))[0]
    assert p == pytest.approx(1 / (10**6 + 1), rel=1e-14)
    assert p == pytest.approx(fisher_exact([[10**6, 0], [0, 1]]).pvalue, rel=1e-9)


def test_result_does_not_depend_on_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    tables = np.concatenate([null_tables(rng, 50_000, 40), rng.integers(0, 30, (40, 2, 2))])
    whole = fisher_exact_pvalues(tables)
    monkeypatch.setattr(exact, "CHUNK", 64)
    assert np.array_equal(fisher_exact_pvalues(tables), whole)


def test_ties_and_tiny_p_values_are_left_to_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Symmetric margins (exact ties) and p-values near the denormal range are scipy's."""
    calls: list[object] = []
    real = fisher_exact

    def spy(table: object) -> object:
        calls.append(table)
        return real(table)

    monkeypatch.setattr("scipy.stats.fisher_exact", spy)
    tables = np.array([[[3, 1], [1, 3]], [[100_000, 1], [1, 100_000]], [[3, 1], [2, 9]]])
    got = fisher_exact_pvalues(tables)
    assert len(calls) == 2  # the asymmetric, moderate table is computed here
    assert got.tolist() == [real(t).pvalue for t in tables[:2]] + [pytest.approx(
        float(exact_p([[3, 1], [2, 9]])), rel=1e-12)]


def test_two_by_two_many_matches_scipy_table_by_table() -> None:
    """Chi-square (scipy's) when every expected count is >= 5, else Fisher; none if empty."""
    rng = np.random.default_rng(2)
    tables = np.concatenate([rng.integers(0, 9, (30, 2, 2)), rng.integers(0, 90, (30, 2, 2)),
                             np.zeros((1, 2, 2), dtype=int)])
    got = two_by_two_many(tables)
    for table, (test, p) in zip(tables, got, strict=True):
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            assert (test, p) == ("none", 1.0)
            continue
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        if expected.min() >= 5:
            assert (test, p) == ("chi2", chi2_contingency(table).pvalue)
        else:
            assert test == "fisher" and p == pytest.approx(fisher_exact(table).pvalue, rel=1e-9)
    assert {test for test, _ in got} == {"chi2", "fisher", "none"}
    assert two_by_two(tables[0]) == got[0]
