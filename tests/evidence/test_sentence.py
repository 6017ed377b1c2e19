"""The shipped sentence vectors: offline, exact to wordllama's own pooling, and cheap."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from tuneready.evidence import sentence


def test_loads_and_embeds_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    sentence._model.cache_clear()
    try:
        vectors = sentence.embed(["refund my order", "where is my parcel"])
    finally:
        sentence._model.cache_clear()
    assert vectors is not None and vectors.shape == (2, sentence.DIMS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_vectors_as_wordllama_pooling() -> None:
    texts = ["I would like a refund, please.", "The package never arrived", "ok"]
    ours = sentence.embed(texts)
    model = sentence._model()
    theirs = model.embed(texts, norm=True)
    assert ours is not None and np.allclose(ours, theirs, atol=1e-5)


def test_duplicates_empty_and_long_texts() -> None:
    vectors = sentence.embed(["same text", "", "same text", "word " * 50_000])
    assert vectors is not None
    assert np.array_equal(vectors[0], vectors[2])
    assert not vectors[1].any()  # no tokens: a zero vector, not NaN
    assert np.isfinite(vectors).all()
    assert sentence.embed([]) is not None and sentence.embed([]).shape == (0, sentence.DIMS)


def test_meaning_is_closer_than_unrelated_text() -> None:
    v = sentence.embed(["I want my money back", "please refund my payment",
                        "the weather is sunny today"])
    assert v is not None
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
