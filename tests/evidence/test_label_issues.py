"""evidence.label_issues (and evidence.conflicts): conflicts, ranking, the planted-flip probe,
Evidence.label_issues."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.evidence.conflicts import certainly_wrong, conflicting_duplicates
from tuneready.evidence.label_issues import (
    estimate_count,
    flag_lowest,
    plant_flips,
)
from tuneready.evidence.stats import wilson


def test_conflicts_keep_a_strict_majority_and_flag_ties() -> None:
    hashes = np.array([1, 1, 1, 2, 2, 3, 3, 4])
    labels = pd.Series(["a", "a", "b", "a", "b", "c", "c", None])
    positions, groups = conflicting_duplicates(hashes, labels)
    assert groups == 2
    assert positions.tolist() == [2, 3, 4]  # minority of group 1, both rows of the 1-1 tie


def test_certainly_wrong_counts_the_rows_beyond_each_groups_top_label() -> None:
    hashes = np.array([1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 5])
    labels = pd.Series(["a", "a", "b", "a", "b", "c", "c", None, "a", "a", "b", "b"])
    # group 1: 2 a + 1 b -> 1; group 2: a 1-1 tie -> 1; group 3 agrees; group 5: 2-2 -> 2
    assert certainly_wrong(hashes, labels) == 4
    assert certainly_wrong(np.array([5, 5]), pd.Series([None, "a"])) == 0


def test_conflicts_ignore_unlabelled_rows() -> None:
    positions, groups = conflicting_duplicates(np.array([5, 5]), pd.Series([None, "a"]))
    assert groups == 0 and len(positions) == 0


def confident_probs(y: np.ndarray, k: int, flipped: np.ndarray, strength: float = 0.9
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities that know the true class ``y``; labels with ``flipped`` rows changed."""
    probs = np.full((len(y), k), (1 - strength) / (k - 1))
    probs[np.arange(len(y)), y] = strength
    noisy = y.copy()
    noisy[flipped] = (y[flipped] + 1) % k
    return probs, noisy


def test_count_and_ranking_find_flips_given_a_strong_model() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=2000)
    flipped = rng.choice(2000, size=200, replace=False)
    probs, noisy = confident_probs(y, 3, flipped)
    count = estimate_count(noisy, probs)
    assert abs(count - 200) <= 20
    quality = probs[np.arange(2000), noisy]
    mask = flag_lowest(noisy, probs, quality, count)
    assert mask.sum() == count
    assert set(np.flatnonzero(mask)) <= set(flipped.tolist())


def test_flag_lowest_never_flags_agreeing_rows() -> None:
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    y = np.array([0, 0, 0])
    mask = flag_lowest(y, probs, probs[np.arange(3), y], count=3)
    assert mask.tolist() == [False, False, True]


def test_probe_recall_high_for_strong_model_low_for_a_coin() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=1000)
    strong, _ = confident_probs(y, 2, np.zeros(0, dtype=int), strength=0.95)
    probe = plant_flips(y, strong, estimate_count(y, strong), seed=0)
    assert probe is not None and probe.recall > 0.9 and 0.8 < probe.response < 1.2
    coin = np.clip(0.5 + rng.normal(0, 0.05, size=(1000, 1)), 0, 1)
    coin = np.hstack([coin, 1 - coin])
    weak = plant_flips(y, coin, estimate_count(y, coin), seed=0)
    assert weak is not None and weak.recall < 0.6


def test_second_probe_plants_among_the_less_confident_rows() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=2000)
    # half the rows the model is sure of, half it barely leans the right way
    sure = np.where(np.arange(2000) < 1000, 0.97, 0.55)
    probs = np.zeros((2000, 2))
    probs[np.arange(2000), y] = sure
    probs[np.arange(2000), 1 - y] = 1 - sure
    probe = plant_flips(y, probs, estimate_count(y, probs), seed=0)
    assert probe is not None and probe.hard_planted == probe.planted == 100
    hard = probe.hard_recall
    assert hard is not None and hard < probe.recall  # flips where it is unsure hide better
    assert probe.recall_lo() <= float(wilson(probe.hard_found, probe.hard_planted)[0])


def test_probe_skipped_on_tiny_data() -> None:
    y = np.array([0, 1] * 5)
    probs = np.tile([0.5, 0.5], (10, 1))
    assert plant_flips(y, probs, 0, seed=0) is None


def test_wilson_interval_contains_the_rate() -> None:
    lo, hi = wilson(10, 100)
    assert 0.05 < lo < 0.1 < hi < 0.18
    assert tuple(map(float, wilson(0, 0))) == (0.0, 1.0)
    assert float(wilson(0, 50)[0]) == pytest.approx(0.0, abs=1e-12)


def test_evidence_label_issues_fields() -> None:
    data = dataset(make_texts(120))
    issues = evidence_for(data).label_issues
    assert issues is not None
    n = len(issues.positions)
    assert n == 120
    for arr in (issues.given, issues.likely, issues.quality, issues.is_issue, issues.certain):
        assert len(arr) == n
    assert issues.is_issue.dtype == bool
    assert ((issues.quality >= 0) & (issues.quality <= 1)).all()
    assert issues.given.max() < len(issues.classes) and issues.likely.max() < len(issues.classes)


def test_rows_both_views_reject_are_ranked_candidates_never_confirmed() -> None:
    frame = make_texts(400)
    rng = np.random.default_rng(4)
    classes = sorted(frame["label"].unique())
    for i in rng.choice(400, size=40, replace=False):
        frame.at[i, "label"] = classes[(classes.index(frame.at[i, "label"]) + 1) % 3]
    issues = evidence_for(dataset(frame)).label_issues
    assert issues is not None
    rejected = issues.rejected_positions
    assert len(rejected) > 0 and len(rejected) == issues.bounds.rejected_n
    assert set(rejected.tolist()) <= set(issues.flagged_positions.tolist())
    assert list(issues.rejected_strength) == sorted(issues.rejected_strength)
    # they count in neither the lower bound nor the rows treated as certainly wrong
    assert len(issues.confirmed_positions) == 0 and issues.bounds.lower == 0.0
    # and they are the first rows to review
    first = issues.worst_first()[:len(rejected)]
    assert first.tolist() == rejected.tolist()


def test_evidence_label_issues_none_without_labels() -> None:
    frame = make_texts(30).drop(columns=["label"])
    data = dataset(frame, format="text")
    assert evidence_for(data).label_issues is None


def test_scale_smoke_linear_pieces_handle_100k_rows() -> None:
    """Not timed: the per-row machinery runs on 100k rows without n x n structures."""
    rng = np.random.default_rng(2)
    n = 100_000
    y = rng.integers(0, 4, size=n)
    flipped = rng.choice(n, size=5000, replace=False)
    probs, noisy = confident_probs(y, 4, flipped, strength=0.8)
    count = estimate_count(noisy, probs)
    mask = flag_lowest(noisy, probs, probs[np.arange(n), noisy], count)
    assert mask[flipped].mean() > 0.9
    probe = plant_flips(noisy, probs, count, seed=0)
    assert probe is not None and probe.planted == 2000
    hashes = rng.integers(0, 60_000, size=n)
    labels = pd.Series(rng.choice(["a", "b"], size=n))
    positions, groups = conflicting_duplicates(hashes, labels)
    assert groups > 0 and len(positions) < n


def test_user_pred_probs_replace_the_proxy() -> None:
    from tuneready.evidence.store import Evidence

    data = dataset(make_texts(60))
    classes = sorted(data.frame["label"].unique())
    probs = np.tile([0.98, 0.01, 0.01], (60, 1))  # says "finance" for every row
    evidence = Evidence(data, pred_probs=probs)
    proxy = evidence.proxy
    assert proxy is not None and proxy.source == "user --pred-probs" and proxy.folds == 0
    issues = evidence.label_issues
    assert issues is not None
    flagged = set(data.frame["label"].to_numpy()[issues.positions[issues.is_issue]])
    assert classes[0] not in flagged and flagged  # rows already labelled finance stay


def test_duplicate_inputs_share_a_fold() -> None:
    from tuneready.evidence.proxy import _group_folds

    hashes = np.array([1, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10] * 2)
    y = np.array([0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1] * 2)
    splits = _group_folds(hashes, y, 2, seed=0)
    assert splits is not None
    for _, test in splits:
        in_test = set(hashes[test].tolist())
        assert all(h in in_test for h in hashes[test])
        train = set(hashes[np.setdiff1d(np.arange(len(y)), test)].tolist())
        assert not in_test & train  # no input on both sides


def test_user_embeddings_feed_the_proxy() -> None:
    from tuneready.evidence.store import Evidence

    frame = make_texts(150)
    data = dataset(frame)
    classes = sorted(frame["label"].unique())
    rng = np.random.default_rng(0)
    emb = np.eye(3)[[classes.index(v) for v in frame["label"]]] * 3 + rng.normal(0, 1, (150, 3))
    data.frame.loc[[5, 17, 40], "label"] = data.frame.loc[[5, 17, 40], "label"].map(
        {"finance": "sports", "sports": "weather", "weather": "finance"})
    evidence = Evidence(data, embeddings=emb)
    proxy = evidence.proxy
    assert proxy is not None and "user-embedding" in proxy.source
    assert set(proxy.views) == {"tfidf", "embeddings"}
    # the embeddings encode the original labels: their view rejects every flipped row
    rejected = proxy.views["embeddings"].argmax(axis=1) != proxy.labels
    assert {5, 17, 40} <= set(proxy.index[rejected].tolist())


def test_large_sets_use_fewer_folds_and_report_fold_training_accuracy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tuneready.evidence.proxy as proxy_module
    from tuneready.evidence.store import Evidence

    data = dataset(make_texts(300))
    small = Evidence(data).proxy
    monkeypatch.setattr(proxy_module, "LARGE_ROWS", 300)
    large = Evidence(data).proxy
    assert small is not None and large is not None
    assert (small.folds, large.folds) == (5, 3)
    assert large.source.startswith("3-fold")
    # separable texts: the fold models fit their own rows at least as well as unseen ones
    assert large.in_sample_accuracy is not None
    assert large.in_sample_accuracy >= large.oof_accuracy - 0.02
