"""Malformed structure: too deep or too large records are line-numbered problems, no crash."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tuneready.io import LoadOptions, limits, load_dataset, load_frame
from tuneready.io.readers import read_file

GOOD = '{"text": "fine", "label": "a"}\n'


def deep(n: int) -> str:
    return "[" * n + "]" * n


def test_depth_is_measured_without_recursion() -> None:
    assert limits.json_depth('{"a": [1, {"b": "[[[[ not counted"}]}') == 3
    assert limits.json_depth(deep(200_000)) == 200_000     # far beyond the recursion limit
    assert limits.json_too_deep(deep(100)) is None
    assert limits.json_too_deep(deep(101)) == 101
    assert limits.value_problem(_nested(5000)) is not None
    assert limits.value_problem({"a": [{"b": "c"}]}) is None


def _nested(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


def test_deep_jsonl_line_is_a_problem_with_its_line(write) -> None:
    body = GOOD + '{"text": "x", "label": "a", "d": ' + deep(5000) + "}\n" + GOOD
    raw = read_file(write("d.jsonl", body))
    assert [line for line, _ in raw.records] == [1, 3]
    assert [(p.line, p.code) for p in raw.problems] == [(2, "too_deep")]
    assert "5,001 levels" in raw.problems[0].message


def test_deep_element_of_a_json_array(write) -> None:
    body = "[\n" + GOOD.strip() + ",\n" + '{"d": ' + deep(3000) + "},\n" + GOOD.strip() + "\n]"
    raw = read_file(write("d.json", body))
    assert [line for line, _ in raw.records] == [2, 4]
    assert [(p.line, p.code) for p in raw.problems] == [(3, "too_deep")]


def test_deep_values_in_a_dataframe_are_problems() -> None:
    frame = pd.DataFrame({"text": ["a", "b", "c"], "label": ["x", "y", "x"],
                          "extra": [[1], _nested(500), [2]]})
    data = load_frame(frame)
    assert data.frame["row_id"].tolist() == [1, 3]
    assert [(p.line, p.code) for p in data.problems] == [(2, "too_deep")]


def test_oversized_records_in_jsonl_csv_and_json(write, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 200)
    big = "y" * 500
    raw = read_file(write("d.jsonl", GOOD + json.dumps({"text": big, "label": "a"}) + "\n"
                          + GOOD))
    assert [(p.line, p.code) for p in raw.problems] == [(2, "oversized_record")]
    assert [line for line, _ in raw.records] == [1, 3]
    raw = read_file(write("d.csv", f"text,label\nok,a\n{big},b\nfine,c\n"))
    assert [(p.line, p.code) for p in raw.problems] == [(3, "oversized_record")]
    assert [r["text"] for _, r in raw.records] == ["ok", "fine"]
    raw = read_file(write("d.json", f'[{GOOD.strip()},\n{{"text": "{big}"}},\n{GOOD.strip()}]'))
    assert [(p.line, p.code) for p in raw.problems] == [(2, "oversized_record")]


def test_a_file_of_only_deep_records_is_one_clear_error(write) -> None:
    from tuneready.config.errors import InputError

    path = write("d.jsonl", '{"a": ' + deep(1000) + "}\n")
    with pytest.raises(InputError, match=r"no usable records.*line 1"):
        load_dataset(path, LoadOptions())


def test_lone_surrogates_are_problems_not_crashes(write) -> None:
    raw = read_file(write("d.jsonl", GOOD + '{"text": "bad \\ud800 half", "label": "a"}\n'
                          + '{"text": "emoji \\ud83d\\ude00 pair", "label": "b"}\n'))
    assert [(p.line, p.code) for p in raw.problems] == [(2, "invalid_unicode")]
    assert raw.records[-1][1]["text"] == "emoji 😀 pair"
