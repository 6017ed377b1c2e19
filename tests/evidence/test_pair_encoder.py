"""The optional pair model: offline, verified before it runs, and meaningful vectors."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from tuneready.evidence import pair_encoder

pytestmark = pytest.mark.skipif(not pair_encoder.available(),
                                reason="needs the optional extra tuneready[pairs]")


def _clear() -> None:
    pair_encoder._session.cache_clear()
    pair_encoder._tokenizer.cache_clear()


def test_loads_and_embeds_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    _clear()
    try:
        vectors = pair_encoder.embed(["refund my order", "where is my parcel"])
    finally:
        _clear()
    assert vectors.shape == (2, pair_encoder.DIMS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_changed_model_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pair_encoder, "MODEL_SHA256", "0" * 64)
    _clear()
    try:
        with pytest.raises(pair_encoder.PairModelError, match="not the measured model"):
            pair_encoder.embed(["hello"])
    finally:
        _clear()


def test_duplicates_empty_and_long_texts_in_any_batch_order() -> None:
    texts = ["same text", "", "same text", "word " * 5000] + [f"short {i}" for i in range(70)]
    vectors = pair_encoder.embed(texts)
    assert np.array_equal(vectors[0], vectors[2])
    assert np.isfinite(vectors).all()
    alone = pair_encoder.embed(["same text"])  # padding in a mixed batch changes nothing
    assert np.allclose(alone[0], vectors[0], atol=1e-4)
    assert pair_encoder.embed([]).shape == (0, pair_encoder.DIMS)


def test_an_answer_is_closer_to_its_question_than_to_another() -> None:
    # static word vectors share no content word between these question-answer pairs
    v = pair_encoder.embed(["Are you a robot?", "I'm software, yes.",
                            "What should I cook tonight?", "Try a mushroom risotto."])
    assert float(v[0] @ v[1]) > float(v[0] @ v[3])
    assert float(v[2] @ v[3]) > float(v[2] @ v[1])
