"""schema: required fields, allowed labels, lengths, tokens, chat structure, malformed lines."""

from __future__ import annotations

import itertools

import pandas as pd

from tests.conftest import dataset, evidence_for
from tuneready.checks.schema import SchemaCheck, _structure_issue
from tuneready.config.policy import load_policy
from tuneready.core.results import Status, Verdict
from tuneready.io import load_dataset


def _run(data, **overrides):
    policy = {**load_policy().for_check("schema"), **overrides}
    return SchemaCheck().run(data, evidence_for(data), policy)


def _codes(result) -> dict[str, list[int]]:
    return {f.code: f.rows for f in result.findings}


def test_clean_data_passes() -> None:
    data = dataset(pd.DataFrame({"text": [f"text number {i}" for i in range(50)],
                                 "label": ["a", "b"] * 25}))
    result = _run(data)
    assert result.status == Status.PASS
    assert result.metrics["total_tokens"] > 50 and result.metrics["invalid_rows"] == 0


def test_empty_inputs_and_missing_labels_are_flagged_by_row() -> None:
    data = dataset(pd.DataFrame({"text": ["ok", "", "   ", "fine"] + ["x y"] * 96,
                                 "label": ["a", "b", "a", None] + ["a", "b"] * 48}))
    result = _run(data)
    codes = _codes(result)
    assert codes["schema.empty_input"] == [2, 3]
    assert codes["schema.empty_label"] == [4]
    assert result.excluded_rows == [2, 3, 4]
    assert result.status == Status.WARN  # 3 % invalid is under the 5 % fail share


def test_too_many_invalid_rows_fail_and_cap_not_ready() -> None:
    data = dataset(pd.DataFrame({"text": ["", "ok"] * 20, "label": ["a", "b"] * 20}))
    result = _run(data)
    fail = next(f for f in result.findings if f.code == "schema.too_many_invalid_rows")
    assert result.status == Status.FAIL and fail.caps == Verdict.NOT_READY


def test_allowed_labels_and_length_bounds() -> None:
    data = dataset(pd.DataFrame({"text": ["short", "x" * 300, "fine text"] * 10,
                                 "label": ["ham", "spam", "eggs"] * 10}))
    result = _run(data, allowed_labels=["ham", "spam"], max_input_chars=100)
    codes = _codes(result)
    assert codes["schema.label_not_allowed"][:2] == [3, 6]
    assert codes["schema.input_too_long"][:2] == [2, 5]


def test_context_limit_uses_real_token_counts() -> None:
    data = dataset(pd.DataFrame({"text": ["word " * 50, "tiny"] * 10, "label": ["a", "b"] * 10}))
    result = _run(data, context_limit=20)
    over = next(f for f in result.findings if f.code == "schema.over_context_limit")
    assert over.n_rows == 10 and result.metrics["over_context_limit"] == 10
    assert 2 not in result.excluded_rows  # truncated rows warn but still count


def test_chat_structure_rules() -> None:
    assert _structure_issue("system|user|assistant", "openai_chat") is None
    assert _structure_issue("user|assistant|tool|assistant", "sharegpt") is None
    assert _structure_issue("user|user", "openai_chat") == "no assistant turn to learn from"
    assert _structure_issue("user|user|assistant", "openai_chat") == "two user turns in a row"
    assert "unknown role" in (_structure_issue("user|robot|assistant", "openai_chat") or "")
    assert "start" in (_structure_issue("assistant|user|assistant", "openai_chat") or "")
    assert "system" in (_structure_issue("user|assistant|system", "openai_chat") or "")
    assert _structure_issue("user|user", "classification") is None


def test_malformed_records_and_placeholders_from_a_file(write) -> None:
    lines = ['{"instruction": "hi", "output": "I am {{name}}"}', "{oops",
             '{"instruction": "q", "output": "a"}']
    data = load_dataset(write("d.jsonl", "\n".join(lines) + "\n"))
    codes = _codes(_run(data))
    assert codes["schema.invalid_json"] == [2]
    assert codes["schema.unfilled_placeholder"] == [1]


def test_numbers_where_text_belongs() -> None:
    data = dataset(pd.DataFrame({"text": [1, 2, 3, "real words"] * 5, "label": ["a"] * 20}))
    assert len(_codes(_run(data))["schema.numeric_input"]) == 15


def test_token_histogram_covers_every_row() -> None:
    data = dataset(pd.DataFrame({"text": ["word " * k for k in range(1, 101)],
                                 "label": ["a", "b"] * 50}))
    hist = _run(data).tables["token_histogram"]
    assert len(hist) == 20 and sum(b["count"] for b in hist) == 100
    assert hist[0]["lo"] == 0 and all(a["hi"] == b["lo"] for a, b in itertools.pairwise(hist))
