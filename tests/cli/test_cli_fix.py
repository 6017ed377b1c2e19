"""``tuneready fix`` on the command line: the summary, the files, one-line exit-2 errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app

runner = CliRunner()
CHECKS = ["--check", "schema", "--check", "size", "--check", "duplicates"]


def _csv(tmp_path: Path, n: int = 120) -> Path:
    frame = make_texts(n)
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)  # five exact repeats
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    return path


def test_fix_prints_the_summary_and_writes_the_files(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    rep = tmp_path / "rep"
    result = runner.invoke(app, ["fix", str(path), "--report-dir", str(rep), *CHECKS])
    assert result.exit_code in (0, 1), result.output
    assert "rows in" in result.output and "rows out" in result.output
    assert "before:" in result.output and "after:" in result.output
    assert (rep / "d.cleaned.csv").is_file() and (rep / "changes.csv").is_file()
    assert (rep / "after" / "audit.json").is_file() and (rep / "diff.md").is_file()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    as_json = runner.invoke(app, ["fix", str(path), "--report-dir", str(rep), "--json",
                                  *CHECKS])
    summary = json.loads(as_json.stdout)
    assert summary["summary"]["rows_in"] == 125
    assert summary["summary"]["dropped"].get("size.exact_duplicates", 0) >= 5
    assert summary["reaudit"]["exact_duplicates"] == 0


def _one_line_exit_2(result, match: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("tuneready: error:"), result.output
    assert match in lines[0], lines[0]


@pytest.mark.parametrize("extra,match", [
    (["--keep", "duplicates.nope"], "unknown finding code"),
    (["--only", "nope"], "unknown finding code"),
    (["--drop-flagged", "--relabel-flagged"], "exclude each other"),
])
def test_bad_options_are_one_line_exit_2(tmp_path: Path, extra: list[str], match: str) -> None:
    path = _csv(tmp_path)
    _one_line_exit_2(runner.invoke(app, ["fix", str(path), *extra]), match)


def test_out_onto_the_input_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    _one_line_exit_2(runner.invoke(app, ["fix", str(path), "--out", str(path)]),
                     "overwrite the input")


def test_unwritable_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    _one_line_exit_2(runner.invoke(app, ["fix", str(path), "--out",
                                         str(path / "below" / "x.csv")]), "cannot write")


def test_review_with_unknown_row_id_is_one_line_exit_2(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    review = tmp_path / "reviewed.csv"
    review.write_text("row_id,correct_label\n2,a\n77777,a\n")
    _one_line_exit_2(runner.invoke(app, ["fix", str(path), "--review", str(review),
                                         "--report-dir", str(tmp_path / "r")]),
                     "unknown row id 77777")
