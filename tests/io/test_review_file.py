"""review.csv: written formula-safe, read back strictly where it matters, matched across
versions of a data set by row id and input hash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from tuneready.config.errors import InputError
from tuneready.io import review_file
from tuneready.io.review_file import Answer, input_hash, match, read, render


def frame(texts: list[str], labels: list[str], first_id: int = 1) -> pd.DataFrame:
    return pd.DataFrame({"row_id": range(first_id, first_id + len(texts)), "input": texts,
                         "label": labels})


def write(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header or list(review_file.COLUMNS))
    w.writerows(rows)
    path = tmp_path / "reviewed.csv"
    path.write_text(buf.getvalue(), "utf-8")
    return path


def test_render_is_formula_safe_and_round_trips_the_ids() -> None:
    rows = [{"row_id": 3, "input": "=HYPERLINK(\"http://x\")", "given_label": "+spam",
             "likely_label": "ham", "correct_label": "", "input_hash": input_hash("a")}]
    text = render(rows)
    parsed = list(csv.reader(text.splitlines()))
    assert parsed[0] == list(review_file.COLUMNS)
    assert parsed[1][1].startswith("'=") and parsed[1][2] == "'+spam"
    assert parsed[1][0] == "3"


def test_unanswered_rows_are_skipped_and_extra_columns_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, [["1", "t", "a", "a", "", "h", "label_noise.flagged", "9", "note"],
                            ["2", "t", "a", "b", "b", "h", "label_noise.unflagged", "90", ""]],
                 [*review_file.COLUMNS, "notes"])
    answers = read(path)
    assert [(a.line, a.row_id, a.label) for a in answers] == [(3, "2", "b")]


@pytest.mark.parametrize("header,rows,where", [
    (["row_id", "input"], [["1", "x"]], ":1: field 'correct_label'"),
    (None, [["", "t", "a", "a", "b", ""]], ":2: field 'row_id'"),
])
def test_malformed_files_name_line_and_field(tmp_path: Path, header: list[str] | None,
                                             rows: list[list[str]], where: str) -> None:
    with pytest.raises(InputError) as err:
        read(write(tmp_path, rows, header))
    assert where in str(err.value)


def test_missing_empty_and_binary_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such review file"):
        read(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("", "utf-8")
    with pytest.raises(InputError, match="empty"):
        read(tmp_path / "empty.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(InputError):
        read(tmp_path / "bin.csv")


def test_unknown_label_and_unknown_row_are_one_line_errors() -> None:
    data = frame(["a b", "c d"], ["x", "y"])
    with pytest.raises(InputError) as err:
        match([Answer(4, "1", "", "z")], data, ["x", "y"], "r.csv")
    assert str(err.value).startswith("r.csv:4: field 'correct_label': unknown label 'z'")
    with pytest.raises(InputError) as err:
        match([Answer(5, "99", "", "x")], data, ["x", "y"], "r.csv")
    assert "r.csv:5: field 'row_id'" in str(err.value)
    with pytest.raises(InputError, match="none of the 1 answers"):
        match([Answer(6, "99", input_hash("gone"), "x")], data, ["x", "y"], "r.csv")


def test_formula_escaped_label_is_taken_back() -> None:
    data = frame(["a", "b"], ["=x", "y"])
    m = match([Answer(2, "2", "", "'=x")], data, ["=x", "y"], "r.csv")
    assert m.labels == ["=x"]


def test_a_review_counts_for_the_next_version_of_the_data() -> None:
    old = frame(["first text", "second text", "third text"], ["x", "y", "x"])
    answers = [Answer(2, str(r), input_hash(t), "y")
               for r, t in zip(old["row_id"], old["input"], strict=True)]
    # the next version: one row dropped, one inserted, one edited; ids shifted
    new = frame(["inserted", "second  TEXT", "first text", "third text, edited"],
                ["x", "y", "x", "x"], first_id=10)
    m = match(answers, new, ["x", "y"], "r.csv")
    assert m.positions.tolist() == [1, 2]  # moved rows found by their (normalized) input
    assert m.unmatched == 1  # the edited row: its answer no longer applies
    with pytest.raises(InputError):  # without hashes a shifted id is unknown
        match([Answer(2, "1", "", "y")], new, ["x", "y"], "r.csv")


def test_last_answer_for_a_row_wins() -> None:
    data = frame(["a", "b"], ["x", "y"])
    m = match([Answer(2, "1", "", "y"), Answer(3, "1", "", "x")], data, ["x", "y"], "r")
    assert m.positions.tolist() == [0] and m.labels == ["x"]


def test_label_rows_with_a_stratum_stay_label_rows() -> None:
    """Label rows name their stratum (``label_noise.flagged``/``unflagged``): they are still
    written under the label columns, and only ``answers.*`` rows under the verdict ones."""
    label = {"row_id": 3, "input": "x", "given_label": "a", "likely_label": "b",
             "correct_label": "", "input_hash": "h", "stratum": "label_noise.flagged",
             "stratum_size": 12, "type": "label_noise.rejected"}
    parsed = list(csv.reader(render([label]).splitlines()))
    assert parsed[0] == list(review_file.COLUMNS) and "type" not in parsed[0]
    assert parsed[1] == ["3", "x", "a", "b", "", "h", "label_noise.flagged", "12"]
    answer = {"row_id": 4, "stratum": "answers.refusal", "stratum_size": 2, "verdict": ""}
    both = next(csv.reader(render([label, answer]).splitlines()))
    assert tuple(both) == review_file.COLUMNS + tuple(
        c for c in review_file.ANSWER_COLUMNS if c not in review_file.COLUMNS)


def test_old_files_without_strata_are_read(tmp_path: Path) -> None:
    old = ["row_id", "input", "given_label", "likely_label", "correct_label", "input_hash"]
    path = write(tmp_path, [["1", "t", "a", "a", "b", "h"], ["2", "t", "a", "a", "", "h"]], old)
    assert [(a.row_id, a.label) for a in read(path)] == [("1", "b")]
    new = write(tmp_path, [["1", "t", "a", "a", "b", "h", "label_noise.unflagged", "90"]])
    assert [(a.row_id, a.label) for a in read(new)] == [("1", "b")]


def test_a_cell_holding_a_line_separator_stays_one_cell(tmp_path: Path) -> None:
    """U+2028, U+0085 and a form feed are left unquoted by the writer; reading the records
    with the csv module (not ``str.splitlines``) keeps the row whole."""
    text = render([{"row_id": 5, "input": "one\u2028two\x85three\x0cfour",
                    "given_label": "a", "likely_label": "b", "correct_label": "b",
                    "input_hash": "h", "stratum": "label_noise.flagged", "stratum_size": 3},
                   {"row_id": 6, "input": "plain", "given_label": "a", "likely_label": "a",
                    "correct_label": "a", "input_hash": "h2",
                    "stratum": "label_noise.unflagged", "stratum_size": 30}])
    path = tmp_path / "review.csv"
    path.write_text(text, "utf-8")
    assert [(a.line, a.row_id, a.label) for a in read(path)] == [(2, "5", "b"), (3, "6", "a")]
