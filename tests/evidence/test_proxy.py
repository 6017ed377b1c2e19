"""Proxy at scale: bounded, seeded, stratified fits; out-of-fold probabilities for every row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, make_texts
from tuneready.evidence import proxy
from tuneready.evidence.store import Evidence


def flipped(n: int, rate: float, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    frame = make_texts(n, seed=seed)
    labels = frame["label"].to_numpy().copy()
    classes = sorted(set(labels))
    rng = np.random.default_rng(seed)
    flips = np.sort(rng.choice(n, size=round(rate * n), replace=False))
    for i in flips:
        labels[i] = classes[(classes.index(labels[i]) + 1) % len(classes)]
    frame["label"] = labels
    return frame, flips


def test_bounded_keeps_class_shares_is_seeded_and_a_subset() -> None:
    y = np.r_[np.zeros(9000, dtype=np.int64), np.ones(900, dtype=np.int64),
              np.full(3, 2, dtype=np.int64)]
    rows = np.arange(len(y))[::-1].copy()
    chosen = proxy.bounded(rows, y, 1000, seed=4)
    assert np.all(np.diff(chosen) > 0) and np.isin(chosen, rows).all()
    counts = np.bincount(y[chosen], minlength=3).tolist()
    assert counts == [909, 91, 2]  # in proportion, and at least 2 of the rare class
    assert np.array_equal(chosen, proxy.bounded(rows, y, 1000, seed=4))
    assert not np.array_equal(chosen, proxy.bounded(rows, y, 1000, seed=5))
    assert proxy.bounded(rows[:50], y, 1000, seed=4) is not None
    assert len(proxy.bounded(rows[:50], y, 1000, seed=4)) == 50


def test_view_probs_indexes_the_matrix_like_a_copy_of_the_rows() -> None:
    """``rows`` maps the proxy's positions into the whole matrix: the same numbers as
    passing the copied rows, for the sparse and the dense model."""
    rng = np.random.default_rng(0)
    ev = Evidence(dataset(make_texts(400)))
    positions = np.sort(rng.choice(400, size=300, replace=False))
    codes = pd.factorize(ev.data.frame["label"], sort=True)[0]
    y = codes[positions]
    splits = proxy.fold_splits(ev, positions, y, 3)
    for x in (ev.tfidf, rng.normal(size=(400, 8))):
        mapped, acc_mapped = proxy.view_probs(x, y, splits, 0, positions)
        copied, acc_copied = proxy.view_probs(x[positions], y, splits, 0)
        assert np.allclose(mapped, copied) and acc_mapped == acc_copied


def test_bounded_fit_gives_every_row_a_prediction_and_finds_flips(
        monkeypatch: pytest.MonkeyPatch) -> None:
    frame, flips = flipped(3000, 0.1)
    full = Evidence(dataset(frame))
    assert full.proxy is not None  # fitted now, on every training row
    monkeypatch.setattr(proxy, "SPARSE_FIT_ROWS", 400)
    monkeypatch.setattr(proxy, "DENSE_FIT_ROWS", 400)
    small = Evidence(dataset(frame))
    again = Evidence(dataset(frame))
    assert small.proxy is not None and again.proxy is not None
    # out-of-fold probabilities for every labelled row, rows summing to one
    assert np.array_equal(small.proxy.index, np.arange(3000))
    assert np.allclose(small.proxy.pred_probs.sum(axis=1), 1)
    assert np.array_equal(small.proxy.pred_probs, again.proxy.pred_probs)  # seeded
    # the models really learned from fewer rows: their probabilities differ from the full fit
    assert not np.allclose(small.proxy.pred_probs, full.proxy.pred_probs)
    recall = {}
    for name, ev in (("small", small), ("full", full)):
        issues = ev.label_issues
        assert issues is not None
        recall[name] = len(np.intersect1d(issues.flagged_positions, flips)) / len(flips)
    assert recall["full"] > 0.8
    assert recall["small"] >= recall["full"] - 0.05


def test_refinement_passes_run_over_all_training_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-started passes see every training row: with them the bounded fit moves
    towards the full fit's probabilities."""
    frame, _ = flipped(2000, 0.1, seed=1)
    full = Evidence(dataset(frame)).proxy
    monkeypatch.setattr(proxy, "SPARSE_FIT_ROWS", 200)
    monkeypatch.setattr(proxy, "REFINE_EPOCHS", 0)
    bare = Evidence(dataset(frame)).proxy
    monkeypatch.setattr(proxy, "REFINE_EPOCHS", 2)
    refined = Evidence(dataset(frame)).proxy
    assert full is not None and bare is not None and refined is not None
    far = np.abs(bare.views["tfidf"] - full.views["tfidf"]).mean()
    near = np.abs(refined.views["tfidf"] - full.views["tfidf"]).mean()
    assert near < far


def test_predictions_in_chunks_equal_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test rows are predicted ``PREDICT_ROWS`` at a time to bound memory: the probabilities
    and the in-sample accuracy are those of one call over all of them (to rounding: BLAS
    may block a 7-row product differently from a 400-row one, so the last bits can differ)."""
    rng = np.random.default_rng(1)
    ev = Evidence(dataset(make_texts(400)))
    positions = np.arange(400)
    y = pd.factorize(ev.data.frame["label"], sort=True)[0]
    splits = proxy.fold_splits(ev, positions, y, 3)
    for x in (ev.tfidf, rng.normal(size=(400, 8)).astype(np.float32)):
        whole = proxy.view_probs(x, y, splits, 0, positions)
        monkeypatch.setattr(proxy, "PREDICT_ROWS", 7)
        chunked = proxy.view_probs(x, y, splits, 0, positions)
        monkeypatch.setattr(proxy, "PREDICT_ROWS", 65_536)
        assert np.allclose(whole[0], chunked[0], rtol=0, atol=1e-6)
        assert np.array_equal(whole[0].argmax(axis=1), chunked[0].argmax(axis=1))
        assert abs(whole[1] - chunked[1]) < 1e-9
