"""schema: required fields, allowed labels, lengths, tokens, chat structure, malformed lines."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

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


def _lines(result) -> dict[str, list[tuple[int, str, str, bool]]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[int, str, str, bool]]] = {}
    for f in result.flagged:
        out.setdefault(f.finding, []).append((f.row_id, f.reason, f.evidence, f.removed))
    return out


def test_every_failing_row_is_flagged_with_the_number_that_failed_it() -> None:
    data = dataset(pd.DataFrame({"text": ["short", "x" * 300, "", "fine text"] * 5,
                                 "label": ["ham", "spam", "ham", "eggs"] * 5}))
    result = _run(data, allowed_labels=["ham", "spam"], max_input_chars=100)
    lines = _lines(result)
    assert lines["schema.input_too_long"][0] == (
        2, "input over the character limit", "300 characters, limit 100", True)
    assert lines["schema.empty_input"][0] == (3, "empty input", "", True)
    assert lines["schema.label_not_allowed"][0] == (4, "label not in the allowed set", "", True)
    for f in result.findings:
        if f.n_rows:
            assert len(lines[f.code]) == f.n_rows, f.code
    invalid = lines["schema.too_many_invalid_rows"]
    assert {r[0] for r in invalid} == set(result.excluded_rows)
    over = _run(data, context_limit=3)
    (first, *_) = _lines(over)["schema.over_context_limit"]
    assert first[0] == 2 and first[2].endswith("tokens, limit 3") and not first[3]


def load_dataset_text(text: str):  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.jsonl"
        path.write_text(text, "utf-8")
        return load_dataset(path)


def test_malformed_records_are_flagged_at_their_line() -> None:
    lines = ['{"instruction": "hi", "output": "I am {{name}} and {{age}}"}', "{oops",
             '{"instruction": "q", "output": "a"}']
    data = load_dataset_text("\n".join(lines) + "\n")
    result = _run(data)
    flagged = _lines(result)
    assert flagged["schema.invalid_json"] == [(2, "record not usable (invalid json)",
                                               "whole record", False)]
    assert flagged["schema.unfilled_placeholder"] == [
        (1, "unfilled template placeholder", "2 placeholders", False)]
    assert next(f for f in result.flagged if f.row_id == 2).input_hash == ""


def test_rows_that_share_a_line_keep_their_own_evidence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A JSON array on one line: every record has row id 1, yet each line of flagged.csv
    carries its own row's numbers and input hash."""
    from tuneready.io.review_file import input_hash

    path = tmp_path / "one_line.json"
    texts = ["word " * 40, "tiny", "word " * 80]
    path.write_text(json.dumps([{"text": t, "label": "a"} for t in texts]), "utf-8")
    data = load_dataset(path)
    assert data.frame["row_id"].tolist() == [1, 1, 1]
    result = _run(data, context_limit=20)
    over = [f for f in result.flagged if f.finding == "schema.over_context_limit"]
    tokens = sorted(int(f.evidence.split(" ")[0]) for f in over)
    assert len(over) == 2 and tokens[0] < tokens[1]
    assert sorted(f.input_hash for f in over) == sorted(input_hash(texts[i]) for i in (0, 2))
