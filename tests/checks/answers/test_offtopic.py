"""Off-topic scoring on synthetic vectors: swapped answers rank their own prompt like random
pairs; loosely coupled data flags nothing."""

from __future__ import annotations

import numpy as np

from tests.checks.answers.helpers import policy
from tuneready.checks.answers.detect import off_topic_flags
from tuneready.checks.answers.offtopic import score


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def coupled(n: int = 600, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.normal(size=(n, 32))
    a = p @ rng.normal(size=(32, 32)) + noise * rng.normal(size=(n, 32))
    return unit(p), unit(a)


def test_swapped_answers_are_found_with_the_prompt_they_fit() -> None:
    p, a = coupled()
    swapped = np.arange(0, 60, 2)
    a[swapped] = a[swapped + 301]  # the answers of rows 301.. given to other prompts
    result = score(p, a, np.arange(len(p)), np.ones(len(p), bool), seed=0)
    flagged, _ = off_topic_flags(result, policy())
    assert result.coupling > 0.9
    found = np.flatnonzero(flagged)
    assert len(set(found) & set(swapped)) >= 0.7 * len(swapped)
    assert len(set(found) - set(swapped) - set(swapped + 301)) <= 3
    # the better-fitting prompt is the one the answer came from (or a near copy's)
    assert np.mean(result.best_position[swapped] == swapped + 301) > 0.8


def test_loosely_coupled_answers_flag_nothing() -> None:
    rng = np.random.default_rng(1)
    p = unit(rng.normal(size=(400, 32)))
    a = unit(rng.normal(size=(400, 32)))  # no relation at all: chit-chat at its loosest
    result = score(p, a, np.arange(400), np.ones(400, bool), seed=0)
    flagged, gap_min = off_topic_flags(result, policy())
    assert result.coupling < 0.7 and not flagged.any() and np.isnan(gap_min)


def test_identical_prompts_never_compete() -> None:
    p, a = coupled(100)
    codes = np.arange(100) // 2  # pairs of identical prompts
    p[1::2] = p[::2]
    result = score(p, a, codes, np.ones(100, bool), seed=0)
    assert (codes[result.best_position] != codes).all()
    assert np.isfinite(result.rank).all()


def test_too_few_rows_are_not_scored() -> None:
    p, a = coupled(10)
    result = score(p, a, np.arange(10), np.ones(10, bool), seed=0)
    assert np.isnan(result.rank).all() and np.isnan(result.coupling)


def test_generic_prompts_do_not_out_fit_the_true_prompt() -> None:
    """60 copies of a vague prompt answered with a generic reply: every answer leans towards
    that reply, so without the hub term about 4 % of the genuine answers fit the vague
    prompt best (measured); with it, almost none do."""
    rng = np.random.default_rng(0)
    n = 600
    p = rng.normal(size=(n, 32))
    mix = rng.normal(size=(32, 32)) / np.sqrt(32)
    generic = unit(rng.normal(size=(1, 32)))[0]
    a = unit(p @ mix + 4.0 * rng.normal(size=(n, 32)) / np.sqrt(32)) + generic
    vague = np.arange(60)
    p[vague] = rng.normal(size=32) + 0.1 * rng.normal(size=(60, 32))
    a[vague] = generic + 0.2 * rng.normal(size=(60, 32)) / np.sqrt(32)
    result = score(unit(p), unit(a), np.arange(n), np.ones(n, bool), seed=0)
    rest = np.arange(60, n)
    assert np.mean(np.isin(result.best_position[rest], vague)) < 0.01
    assert result.coupling > 0.9


def test_shuffled_pairing_ranks_like_a_random_prompt() -> None:
    """The null the flags are read against: a random prompt ranks mid-field among the
    candidates, the own prompt near the top, and the fits say the same."""
    p, a = coupled()
    result = score(p, a, np.arange(len(p)), np.ones(len(p), bool), seed=0)
    assert 0.4 < np.median(result.shuffled_rank) < 0.6
    assert np.median(result.rank) < 0.05
    assert np.median(result.own) > np.median(result.shuffled)
