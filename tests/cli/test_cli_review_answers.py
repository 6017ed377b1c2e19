"""The answers review round trip as a user does it: the audit writes review.csv with a stratum
per finding type, a person writes verdicts, and the next audit with --review measures each
type's precision on this data and acts on it; hostile and stale files fail or are unmatched."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tuneready.cli import app

runner = CliRunner()
CUT = "Recursion is when a function calls itself, and"


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    """100 good answers and 30 answers cut on a dangling word (all real defects)."""
    rows = [{"messages": [{"role": "user", "content": f"How do I reset password {i}?"},
                          {"role": "assistant", "content": f"Open settings, choose security, "
                                                           f"then reset it; step {i} ends it."}]}
            for i in range(100)]
    rows += [{"messages": [{"role": "user", "content": f"Explain topic number {i} to me"},
                           {"role": "assistant", "content": CUT}]} for i in range(30)]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def audit(path: Path, out: Path, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["audit", str(path), "--out", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads((out / "audit.json").read_text())


def answers(report: dict) -> dict:
    return next(c for c in report["checks"] if c["name"] == "answers")


def fill(sample: Path, verdict: str | dict[str, str], keep: int | None = None) -> Path:
    rows = list(csv.DictReader(sample.read_text("utf-8").splitlines()))
    for i, row in enumerate(rows):
        if keep is None or i < keep:
            row["verdict"] = verdict if isinstance(verdict, str) else verdict.get(
                row["stratum"], "")
    out = sample.with_name("reviewed.csv")
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


def test_round_trip_measures_and_acts(chat_file: Path, tmp_path: Path) -> None:
    _, before = audit(chat_file, tmp_path / "a")
    check = answers(before)
    assert check["excluded_rows"] == [] and check["metrics"]["flagged_n"] == 30
    # 30 of 130 unmeasured candidates could cross fail_rate: the gate cannot vouch for them
    assert any(f["code"] == "answers.unresolved" and f["blocks"] for f in check["findings"])
    sample = tmp_path / "a" / "review.csv"
    flagged = list(csv.DictReader((tmp_path / "a" / "flagged.csv").read_text().splitlines()))
    assert len(flagged) == 30 and all(r["removed"] == "no" for r in flagged)
    _, after = audit(chat_file, tmp_path / "b", "--review", str(fill(sample, "defect")))
    check = answers(after)
    assert len(check["excluded_rows"]) == 30
    kind = next(iter(check["metrics"]["precision_by_type"]))
    assert check["metrics"]["precision_by_type"][kind]["basis"] == "measured"
    assert after["recommendation"]["effective_n"] < before["recommendation"]["effective_n"]
    assert not any(f["code"] == "answers.unresolved" for f in check["findings"])
    flagged = list(csv.DictReader((tmp_path / "b" / "flagged.csv").read_text().splitlines()))
    assert all(r["removed"] == "yes" and "precision on your data" in r["precision"]
               for r in flagged)


def test_a_review_saying_ok_keeps_every_row(chat_file: Path, tmp_path: Path) -> None:
    audit(chat_file, tmp_path / "a")
    reviewed = fill(tmp_path / "a" / "review.csv", "ok")
    _, after = audit(chat_file, tmp_path / "b", "--review", str(reviewed))
    check = answers(after)
    assert check["excluded_rows"] == []
    assert not any(f["code"] == "answers.unresolved" for f in check["findings"])
    kind = next(iter(check["metrics"]["precision_by_type"]))
    assert check["metrics"]["precision_by_type"][kind]["value"] == 0.0


def test_partial_review_counts(chat_file: Path, tmp_path: Path) -> None:
    audit(chat_file, tmp_path / "a")
    reviewed = fill(tmp_path / "a" / "review.csv", "defect", keep=5)
    _, after = audit(chat_file, tmp_path / "b", "--review", str(reviewed))
    check = answers(after)
    assert len(check["excluded_rows"]) == 5  # too few verdicts to act on the type
    assert check["metrics"]["review_answered"] == 5


@pytest.mark.parametrize(("edit", "field"), [
    (lambda r: r.__setitem__("verdict", "maybe"), "verdict"),
    (lambda r: r.__setitem__("stratum", "answers.no_such_kind"), "stratum"),
])
def test_hostile_files_fail_closed(chat_file: Path, tmp_path: Path, edit, field: str) -> None:
    audit(chat_file, tmp_path / "a")
    path = fill(tmp_path / "a" / "review.csv", "defect")
    rows = list(csv.DictReader(path.read_text().splitlines()))
    edit(rows[3])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(app, ["audit", str(chat_file), "--out", str(tmp_path / "b"),
                                 "--review", str(path)])
    assert result.exit_code == 2
    assert f"{path}:5: field '{field}'" in result.output and "Traceback" not in result.output


def test_stale_verdicts_are_unmatched_and_another_sets_review_fails(
        chat_file: Path, tmp_path: Path) -> None:
    audit(chat_file, tmp_path / "a")
    reviewed = fill(tmp_path / "a" / "review.csv", "defect")
    lines = chat_file.read_text().splitlines()
    fixed = [json.loads(line) for line in lines]
    for row in fixed[100:110]:  # the owner completed ten of the cut answers
        row["messages"][1]["content"] = CUT + " so on until a base case stops it."
    changed = tmp_path / "chat_v2.jsonl"
    changed.write_text("".join(json.dumps(r) + "\n" for r in fixed), "utf-8")
    _, after = audit(changed, tmp_path / "b", "--review", str(reviewed))
    check = answers(after)
    assert check["metrics"]["review_unmatched"] == 10
    assert any(f["code"] == "answers.review_unmatched" for f in check["findings"])
    assert len(check["excluded_rows"]) == 20
    other = tmp_path / "other.jsonl"
    other.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": f"q {i} about something"},
        {"role": "assistant", "content": f"answer {i} to it in full."}]}) + "\n"
        for i in range(40)), "utf-8")
    result = runner.invoke(app, ["audit", str(other), "--out", str(tmp_path / "c"),
                                 "--review", str(reviewed)])
    assert result.exit_code == 2 and "another data set" in result.output
