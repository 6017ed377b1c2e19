"""``tuneready review``: what is left to review and what the answers so far measure, for
answer findings and for labels; writes nothing; input errors exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app

runner = CliRunner()
CUT = "Recursion is when a function calls itself, and"


def chat(tmp_path: Path) -> Path:
    rows = [{"messages": [{"role": "user", "content": f"How do I reset password {i}?"},
                          {"role": "assistant", "content": f"Open settings, choose security, "
                                                           f"then reset it; step {i} ends it."}]}
            for i in range(100)]
    rows += [{"messages": [{"role": "user", "content": f"Explain topic number {i} to me"},
                           {"role": "assistant", "content": CUT}]} for i in range(30)]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def fill(sample: Path, column: str, value: str | None, keep: int) -> Path:
    rows = list(csv.DictReader(sample.read_text("utf-8").splitlines()))
    for row in rows[:keep]:
        row[column] = value if value is not None else row["given_label"]
    out = sample.with_name("filled.csv")
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


def test_answers_progress_and_precision(tmp_path: Path) -> None:
    path = chat(tmp_path)
    assert runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r")]).exit_code \
        in (0, 1)
    sample = tmp_path / "r" / "review.csv"
    before = runner.invoke(app, ["review", str(path), "--review", str(sample)])
    assert before.exit_code == 0, before.output
    assert "0 of 30 rows answered, 30 to go" in before.output
    assert "not reviewed yet" in before.output
    filled = fill(sample, "verdict", "defect", 12)
    after = runner.invoke(app, ["review", str(path), "--review", str(filled)])
    assert after.exit_code == 0, after.output
    assert "12 of 30 rows answered, 18 to go" in after.output
    assert "precision on your data 1.00" in after.output and "12 reviewed" in after.output
    assert "acts on its unreviewed rows too: 30 rows removed" in after.output
    five = fill(sample, "verdict", "defect", 5)
    partial = runner.invoke(app, ["review", str(path), "--review", str(five)])
    assert "5 rows removed (those confirmed); its other rows wait" in partial.output
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == sorted(
        ["audit.json", "flagged.csv", "junit.xml", "report.html", "review.csv", "summary.md",
         "filled.csv"])  # review writes nothing


def test_labels_progress_and_estimate(tmp_path: Path) -> None:
    frame = make_texts(300)
    path = tmp_path / "labels.csv"
    frame.to_csv(path, index=False)
    runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r")])
    sample = tmp_path / "r" / "review.csv"
    total = len(list(csv.DictReader(sample.read_text().splitlines())))
    result = runner.invoke(app, ["review", str(path), "--review",
                                 str(fill(sample, "correct_label", None, total))])
    assert result.exit_code == 0, result.output
    assert f"{total} of {total} rows answered, 0 to go" in result.output
    assert "label-noise rate measured by the review: 0.0%" in result.output


def test_errors_exit_2(tmp_path: Path) -> None:
    path = chat(tmp_path)
    missing = runner.invoke(app, ["review", str(path), "--review", str(tmp_path / "no.csv")])
    assert missing.exit_code == 2 and "no review file" in missing.output
    bad = tmp_path / "bad.csv"
    bad.write_text("row_id,stratum,verdict\n1,answers.refusal,perhaps\n", "utf-8")
    result = runner.invoke(app, ["review", str(path), "--review", str(bad)])
    assert result.exit_code == 2 and f"{bad}:2: field 'verdict'" in result.output
