"""Review sample design and the stratified estimator, checked against simulations with a known
truth (the estimator must be unbiased, its interval must cover, the plan must keep its promise)."""

from __future__ import annotations

import numpy as np
import pytest

from tuneready.evidence.review import (
    MIN_ANSWERS,
    MIN_FLAGGED,
    Plan,
    Stratum,
    draw,
    estimate,
    half_width,
    plan,
)


@pytest.mark.parametrize("flagged,unflagged,miss", [(400, 4100, 0.022), (950, 3550, 0.05),
                                                    (70, 4430, 0.02), (5, 95, 0.02),
                                                    (0, 100, 0.02), (3000, 2000, 0.3)])
def test_plan_keeps_its_promise_within_the_cap(flagged: int, unflagged: int,
                                               miss: float) -> None:
    p = plan(flagged, unflagged, miss, target=0.04, max_rows=200)
    assert p.rows <= 200 and p.flagged <= flagged and p.unflagged <= unflagged
    assert p.flagged >= min(flagged, MIN_FLAGGED)
    if p.rows < 200:  # the cap did not bind: the promised half-width is met
        assert p.half_width <= 0.04
        smaller = plan(flagged, unflagged, miss, target=0.04, max_rows=p.rows - 1)
        assert smaller.half_width > 0.04 or smaller.rows < p.rows - 1


def test_plan_says_when_the_cap_binds() -> None:
    p = plan(5000, 5000, 0.5, target=0.01, max_rows=200)
    assert p.rows == 200 and p.half_width > 0.01


def test_draw_is_seeded_stratified_and_shuffled() -> None:
    flagged, unflagged = np.arange(0, 100), np.arange(100, 1000)
    taken = Plan(30, 50, 0.04)
    a, b = draw(flagged, unflagged, taken, seed=1), draw(flagged, unflagged, taken, seed=1)
    assert a.tolist() == b.tolist()
    assert (a < 100).sum() == 30 and (a >= 100).sum() == 50 and len(set(a.tolist())) == 80
    assert a[:30].max() >= 100  # mixed order: a review stopped early still sees both strata
    assert draw(flagged, unflagged, taken, seed=2).tolist() != a.tolist()


def simulate(truth_flagged: float, truth_unflagged: float, sizes: tuple[int, int],
             seed: int, trials: int = 400) -> tuple[float, float, float]:
    """Mean error, coverage of the 95 % interval and mean half-width over simulated reviews
    of the planned sample of a population with known wrong rows in each stratum."""
    rng = np.random.default_rng(seed)
    f_size, u_size = sizes
    wrong_f = rng.random(f_size) < truth_flagged
    wrong_u = rng.random(u_size) < truth_unflagged
    truth = (wrong_f.sum() + wrong_u.sum()) / (f_size + u_size)
    p = plan(f_size, u_size, max(truth_unflagged, 0.02))
    errors, covered, widths = [], 0, []
    for t in range(trials):
        picked = draw(np.arange(f_size), np.arange(f_size, f_size + u_size), p, seed=t)
        pf, pu = picked[picked < f_size], picked[picked >= f_size] - f_size
        est = estimate(Stratum(f_size, len(pf), int(wrong_f[pf].sum())),
                       Stratum(u_size, len(pu), int(wrong_u[pu].sum())))
        errors.append(est.rate - truth)
        covered += est.lower <= truth <= est.upper
        widths.append((est.upper - est.lower) / 2)
    return float(np.mean(errors)), covered / trials, float(np.mean(widths))


@pytest.mark.parametrize("precision,miss,sizes", [(0.9, 0.01, (450, 4050)),
                                                  (0.3, 0.045, (650, 4350)),
                                                  (0.5, 0.0, (100, 4900)),
                                                  (0.95, 0.05, (1000, 4000))])
def test_estimator_is_unbiased_and_its_interval_covers(precision: float, miss: float,
                                                      sizes: tuple[int, int]) -> None:
    bias, coverage, half = simulate(precision, miss, sizes, seed=7)
    assert abs(bias) < 0.005
    assert coverage >= 0.93
    assert half <= 0.05


def test_nobody_found_an_error_still_has_a_width() -> None:
    est = estimate(Stratum(50, 20, 0), Stratum(950, 100, 0))
    assert est.rate == 0.0 and est.lower == 0.0 and 0.0 < est.upper < 0.1
    assert est.usable


def test_partial_review_is_not_usable_and_says_what_is_missing() -> None:
    est = estimate(Stratum(50, 20, 5), Stratum(950, MIN_ANSWERS - 1, 0))
    assert not est.usable
    assert "unflagged" in est.notes[0]
    # an unreviewed stratum leaves the widest spread, never a narrow interval
    blind = estimate(Stratum(50, 20, 5), Stratum(950, 0, 0))
    assert blind.upper - blind.lower > 0.5


def test_full_census_has_no_sampling_error() -> None:
    est = estimate(Stratum(10, 10, 4), Stratum(20, 20, 1))
    assert est.rate == pytest.approx(5 / 30)
    assert half_width((10, 20), (0.4, 0.05), (10, 20)) == 0.0
    assert est.upper - est.lower == pytest.approx(0.0, abs=1e-12)
