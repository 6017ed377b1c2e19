"""Which vectors score off-topic answers: the pair model when allowed, installed and within
the row cap; otherwise the static vectors, and the report says why."""

from __future__ import annotations

import dataclasses

import pytest

from tests.checks.answers.helpers import policy
from tests.checks.answers.test_report import chat_frame
from tests.conftest import dataset, evidence_for
from tuneready.checks import get_check
from tuneready.checks.answers.detect import Detections, detect_all
from tuneready.config.errors import InputError
from tuneready.config.policy import load_policy
from tuneready.engine.runner import run_one
from tuneready.evidence import pair_encoder

needs_extra = pytest.mark.skipif(not pair_encoder.available(),
                                 reason="needs the optional extra tuneready[pairs]")


def _detect(**settings: object) -> Detections:
    data = dataset(chat_frame(), target_label_max=0)
    return detect_all(data, evidence_for(data), dataclasses.replace(policy(), **settings))


def _off_topic(found: Detections) -> list[tuple[int, str]]:
    return [(f.position, f.type) for f in found.flags if f.kind == "off_topic"]


@needs_extra
def test_the_pair_model_scores_and_names_itself() -> None:
    found = _detect(pair_model="auto")
    assert found.metrics["off_topic_encoder"] == pair_encoder.describe()
    assert "off_topic_pair_model_skipped" not in found.metrics
    assert _off_topic(found) == [(3, "off_topic.pair_model")]


def test_never_uses_the_static_vectors() -> None:
    found = _detect(pair_model="never")
    assert found.metrics["off_topic_encoder"] == "static"
    assert "off_topic_pair_model_skipped" not in found.metrics  # chosen, not a fallback
    assert _off_topic(found) == [(3, "off_topic.static_vectors")]


def test_above_the_row_cap_it_falls_back_and_says_so() -> None:
    found = _detect(pair_model="auto", pair_model_max_rows=50)
    assert found.metrics["off_topic_encoder"] == "static"
    reason = found.metrics["off_topic_pair_model_skipped"]
    assert ("200 rows to score > answers.pair_model_max_rows 50" in reason
            or "not installed" in reason)
    assert _off_topic(found) == [(3, "off_topic.static_vectors")]


def test_a_missing_extra_falls_back_and_the_report_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pair_encoder, "available", lambda: False)
    data = dataset(chat_frame(), target_label_max=0)
    result = run_one(get_check("answers"), data, evidence_for(data), load_policy())
    note = next(f for f in result.findings if f.code == "answers.off_topic_static_vectors")
    assert "pip install 'tuneready[pairs]'" in note.message
    assert result.metrics["off_topic_encoder"] == "static"


@needs_extra
def test_a_changed_model_file_falls_back_in_auto_and_fails_in_always(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pair_encoder, "MODEL_SHA256", "0" * 64)
    pair_encoder._session.cache_clear()
    try:
        found = _detect(pair_model="auto")
        assert found.metrics["off_topic_encoder"] == "static"
        assert "unusable" in found.metrics["off_topic_pair_model_skipped"]
        assert _off_topic(found) == [(3, "off_topic.static_vectors")]
        with pytest.raises(pair_encoder.PairModelError):
            _detect(pair_model="always")
    finally:
        pair_encoder._session.cache_clear()


def test_always_without_the_extra_fails_at_load(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: object) -> None:
    from pathlib import Path

    monkeypatch.setattr(pair_encoder, "available", lambda: False)
    path = Path(str(tmp_path)) / "policy.toml"
    path.write_text("[answers]\n\npair_model = \"always\"\n", "utf-8")
    with pytest.raises(InputError, match=r"pair_model: 'always' needs the pair model") as err:
        load_policy(path)
    assert str(path) in str(err.value) and "3" in str(err.value)


def test_an_unknown_choice_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "policy.toml"
    path.write_text("[answers]\npair_model = \"sometimes\"\n", "utf-8")
    with pytest.raises(InputError, match="pair_model"):
        load_policy(path)
