"""The range around the noise estimate: bounds that hold, a lower bound built only from
evidence beyond one model, and 'resolved' only when the bounds agree."""

from __future__ import annotations

import numpy as np
import pytest

from tuneready.evidence.label_issues import estimate_count, flag_lowest
from tuneready.evidence.noise_range import RECALL_FLOOR, bracket, confirmed_rejections


def probs_for(y: np.ndarray, wrong: np.ndarray, k: int, sure: float,
              rng: np.random.Generator) -> np.ndarray:
    """A view that is ``sure`` of the true class (rows in ``wrong`` carry another label)."""
    n = len(y)
    truth = y.copy()
    truth[wrong] = (y[wrong] + 1) % k
    p = np.full((n, k), (1 - sure) / (k - 1))
    p[np.arange(n), truth] = sure
    p += rng.uniform(0, 0.02, p.shape)
    return p / p.sum(axis=1, keepdims=True)


def test_bounds_hold_the_point_and_resolve_only_when_close() -> None:
    r = bracket(1000, 10000, np.arange(850), certain_n=10, recall=0.95, max_width=0.05)
    assert r.lower == pytest.approx(0.085) and r.point == pytest.approx(0.1)
    assert r.upper >= r.point and r.resolved
    wide = bracket(100, 1000, np.arange(5), certain_n=0, recall=0.9, max_width=0.05)
    assert not wide.resolved and wide.width > 0.05


def test_upper_bound_corrects_for_what_the_detector_misses() -> None:
    found_all = bracket(100, 1000, np.arange(0), 0, recall=1.0, max_width=0.05)
    found_half = bracket(100, 1000, np.arange(0), 0, recall=0.5, max_width=0.05)
    assert found_half.upper == pytest.approx(2 * found_all.upper, rel=1e-6)
    unknown = bracket(100, 1000, np.arange(0), 0, recall=None, max_width=0.05)
    floored = bracket(100, 1000, np.arange(0), 0, recall=0.01, max_width=0.05)
    assert unknown.upper == floored.upper == pytest.approx(found_all.upper / RECALL_FLOOR)
    assert bracket(900, 1000, np.arange(0), 0, recall=0.5, max_width=0.05).upper == 1.0


def test_no_rows_is_an_empty_resolved_range() -> None:
    r = bracket(0, 0, np.arange(0), 0, None, 0.05)
    assert (r.point, r.lower, r.upper, r.resolved) == (0.0, 0.0, 0.0, True)


def test_confirmed_needs_both_views_and_the_same_alternative() -> None:
    rng = np.random.default_rng(0)
    n, k = 2000, 3
    y = rng.integers(0, k, n)
    wrong = rng.choice(n, 200, replace=False)
    a = probs_for(y, wrong, k, 0.9, rng)
    b = probs_for(y, wrong, k, 0.9, rng)
    rows, both = confirmed_rejections({"tfidf": a, "sentence": b}, y, 0.025,
                                      estimate_count, flag_lowest)
    assert both >= 180
    assert len(rows) == both - 50  # the allowance: 2.5 % of 2000 rows
    assert set(rows.tolist()) <= set(wrong.tolist())
    # a second view that sees nothing wrong confirms nothing
    blind = probs_for(y, np.zeros(0, dtype=np.int64), k, 0.9, rng)
    rows, both = confirmed_rejections({"tfidf": a, "sentence": blind}, y, 0.0,
                                      estimate_count, flag_lowest)
    assert len(rows) == 0
    # one view alone is not independent evidence
    rows, both = confirmed_rejections({"tfidf": a}, y, 0.0, estimate_count, flag_lowest)
    assert len(rows) == 0 and both == 0


def test_user_probabilities_are_checked_against_our_own_view() -> None:
    rng = np.random.default_rng(1)
    n, k = 1000, 2
    y = rng.integers(0, k, n)
    wrong = rng.choice(n, 100, replace=False)
    user = probs_for(y, wrong, k, 0.95, rng)
    ours = probs_for(y, wrong, k, 0.95, rng)
    rows, _ = confirmed_rejections({"tfidf": ours, "sentence": ours, "user": user}, y, 0.0,
                                   estimate_count, flag_lowest)
    assert len(rows) >= 90 and set(rows.tolist()) <= set(wrong.tolist())
