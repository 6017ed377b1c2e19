"""Evidence scale policies: character n-grams up to a row cap, SVD fitted on a sample."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import dataset, make_texts
from tuneready.evidence import store as ev_module
from tuneready.evidence.store import Evidence, single_threaded_math


def test_small_sets_get_word_and_char_ngrams() -> None:
    ev = Evidence(dataset(make_texts(300)))
    assert ev.tfidf_blocks == ["word 1-2", "char 3-5"]


def test_char_ngrams_dropped_above_the_row_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ev_module, "CHAR_NGRAM_MAX_ROWS", 200)
    small, large = Evidence(dataset(make_texts(300))), Evidence(dataset(make_texts(300)))
    assert large.tfidf_blocks == ["word 1-2"]
    # word-only has fewer columns and far fewer non-zeros than word + char
    monkeypatch.setattr(ev_module, "CHAR_NGRAM_MAX_ROWS", 10_000)
    assert small.tfidf.nnz > 2 * large.tfidf.nnz
    # rows stay unit length, and other texts land in the same (word-only) space
    norms = np.sqrt(np.asarray(large.tfidf.multiply(large.tfidf).sum(axis=1)).ravel())
    assert np.allclose(norms, 1, atol=1e-5)
    assert large.tfidf_of(["team goal match"]).shape[1] == large.tfidf.shape[1]


def test_char_ngrams_rescue_sets_without_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    monkeypatch.setattr(ev_module, "CHAR_NGRAM_MAX_ROWS", 10)
    frame = pd.DataFrame({"text": ["!!?", "?!!", "!?!", "??!"] * 10, "label": ["a", "b"] * 20})
    ev = Evidence(dataset(frame))
    assert ev.tfidf_blocks == ["char 3-5"]
    assert ev.tfidf.nnz > 0


def test_svd_fitted_on_a_sample_is_seeded_and_unit_length(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ev_module, "SVD_FIT_ROWS", 150)
    data = dataset(make_texts(600))
    first, again = Evidence(data).embedding, Evidence(data).embedding
    assert first.shape[0] == 600
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-4)
    # rows outside the fitted sample are still placed by topic: same-label rows are closer
    labels = data.frame["label"].to_numpy()
    sims = first @ first.T
    same = sims[labels[:, None] == labels[None, :]].mean()
    other = sims[labels[:, None] != labels[None, :]].mean()
    assert same > other + 0.2


def test_audit_math_runs_single_threaded() -> None:
    from threadpoolctl import threadpool_info

    with single_threaded_math():
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
