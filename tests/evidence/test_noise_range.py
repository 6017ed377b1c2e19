"""The range around the noise estimate: a lower bound built only from certain evidence, an
upper bound that carries the probe's own uncertainty and widens where nothing measures it,
and rows both views reject kept as ranked candidates."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from tuneready.evidence import noise_range
from tuneready.evidence.label_issues import estimate_count, flag_lowest
from tuneready.evidence.noise_range import Probe, bracket, two_view_rejections
from tuneready.evidence.stats import wilson


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


def test_lower_bound_is_the_certain_share_whatever_the_flags() -> None:
    # many flags, two views rejecting hundreds of rows: none of it raises the lower bound
    r = bracket(1000, 10000, certain_n=10, probe=Probe(500, 450), max_width=0.05,
                rejected=850)
    assert r.lower == pytest.approx(0.001) and r.point == pytest.approx(0.1)
    assert r.rejected_n == 850 and r.lower <= r.point <= r.upper
    assert not r.resolved  # 0.001 .. > 0.1: far wider than 0.05
    none = bracket(1000, 10000, certain_n=0, probe=Probe(500, 450), max_width=0.05)
    assert none.lower == 0.0


def test_resolved_only_when_the_measured_range_is_narrow() -> None:
    narrow = bracket(5, 10000, certain_n=0, probe=Probe(500, 490), max_width=0.05)
    assert narrow.upper < 0.05 and narrow.resolved
    wide = bracket(600, 10000, certain_n=0, probe=Probe(500, 490), max_width=0.05)
    assert not wide.resolved


def test_upper_bound_divides_by_the_lower_limit_of_the_probes_recall() -> None:
    r = bracket(100, 1000, 0, Probe(50, 40), max_width=0.05)
    recall_lo = float(wilson(40, 50)[0])
    assert r.recall == pytest.approx(0.8) and r.recall_lo == pytest.approx(recall_lo)
    assert r.upper == pytest.approx(float(wilson(100, 1000)[1]) / recall_lo)
    assert r.widened == ()
    # a weaker detector widens it; there is no floor that would narrow it again
    weak = bracket(100, 1000, 0, Probe(50, 10), max_width=0.05)
    assert weak.upper == pytest.approx(min(1.0, float(wilson(100, 1000)[1])
                                           / float(wilson(10, 50)[0])))
    assert weak.upper > 2 * float(wilson(100, 1000)[1])  # what a 0.5 floor would have capped
    assert not hasattr(noise_range, "RECALL_FLOOR")
    assert bracket(900, 1000, 0, Probe(50, 25), max_width=0.05).upper == 1.0


def test_the_less_confident_probe_widens_the_bound_when_it_finds_less() -> None:
    uniform = bracket(100, 1000, 0, Probe(200, 150), max_width=0.05)
    both = bracket(100, 1000, 0, Probe(200, 150, hard_planted=200, hard_found=90),
                   max_width=0.05)
    assert both.recall_lo == pytest.approx(float(wilson(90, 200)[0]))
    assert both.upper > uniform.upper
    # a less confident probe that finds more never narrows it
    easy = bracket(100, 1000, 0, Probe(200, 150, hard_planted=200, hard_found=190),
                   max_width=0.05)
    assert easy.upper == pytest.approx(uniform.upper)


def test_upper_bound_widens_where_nothing_measures_the_misses() -> None:
    no_probe = bracket(3, 15, 0, None, max_width=0.05)
    assert no_probe.upper == 1.0 and not no_probe.resolved
    assert "upper bound is 1" in no_probe.widened[0]
    blind = bracket(30, 1000, 0, Probe(50, 0), max_width=0.05)
    assert blind.upper == 1.0 and "too few planted flips (0 of 50" in blind.widened[0]


def test_rows_that_could_not_be_scored_count_as_possibly_wrong() -> None:
    scored = bracket(50, 1000, 0, Probe(50, 45), max_width=0.05)
    partly = bracket(50, 1000, 0, Probe(50, 45), max_width=0.05, n_scored=900)
    assert partly.upper >= scored.upper - 1e-9 + 0.09  # the 100 unscored rows, all of them
    assert any("could not be scored" in w for w in partly.widened)


def test_no_rows_is_an_empty_resolved_range() -> None:
    r = bracket(0, 0, 0, None, 0.05)
    assert (r.point, r.lower, r.upper, r.resolved) == (0.0, 0.0, 0.0, True)


def test_no_allowance_constant_is_left() -> None:
    assert "allowance" not in inspect.signature(bracket).parameters
    assert "allowance" not in inspect.signature(two_view_rejections).parameters


def test_rejections_need_both_views_and_the_same_alternative() -> None:
    rng = np.random.default_rng(0)
    n, k = 2000, 3
    y = rng.integers(0, k, n)
    wrong = rng.choice(n, 200, replace=False)
    a = probs_for(y, wrong, k, 0.9, rng)
    b = probs_for(y, wrong, k, 0.9, rng)
    rows, strength = two_view_rejections({"tfidf": a, "sentence": b}, y, estimate_count,
                                         flag_lowest)
    assert len(rows) >= 180 and set(rows.tolist()) <= set(wrong.tolist())
    assert list(strength) == sorted(strength)  # most confidently rejected first
    assert np.allclose(strength, np.maximum(a[rows, y[rows]], b[rows, y[rows]]))
    # a second view that sees nothing wrong rejects nothing
    blind = probs_for(y, np.zeros(0, dtype=np.int64), k, 0.9, rng)
    rows, _ = two_view_rejections({"tfidf": a, "sentence": blind}, y, estimate_count,
                                  flag_lowest)
    assert len(rows) == 0
    # one view alone is not independent evidence
    rows, _ = two_view_rejections({"tfidf": a}, y, estimate_count, flag_lowest)
    assert len(rows) == 0


def test_user_probabilities_are_checked_against_our_own_view() -> None:
    rng = np.random.default_rng(1)
    n, k = 1000, 2
    y = rng.integers(0, k, n)
    wrong = rng.choice(n, 100, replace=False)
    user = probs_for(y, wrong, k, 0.95, rng)
    ours = probs_for(y, wrong, k, 0.95, rng)
    rows, _ = two_view_rejections({"tfidf": ours, "sentence": ours, "user": user}, y,
                                  estimate_count, flag_lowest)
    assert len(rows) >= 90 and set(rows.tolist()) <= set(wrong.tolist())
