"""The review round trip as a user does it: audit writes review.csv, a person fills some or all
of it, the next audit with --review measures the noise rate from the answers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app

runner = CliRunner()


@pytest.fixture
def noisy(tmp_path: Path) -> tuple[Path, pd.DataFrame, set[int]]:
    """600 separable rows with 12 % of labels flipped; the original labels; flipped row ids."""
    frame = make_texts(600)
    truth = frame["label"].copy()
    rng = np.random.default_rng(5)
    flipped = rng.choice(600, size=72, replace=False)
    classes = sorted(frame["label"].unique())
    for i in flipped:
        frame.at[i, "label"] = classes[(classes.index(frame.at[i, "label"]) + 1) % 3]
    path = tmp_path / "noisy.csv"
    frame.to_csv(path, index=False)
    frame["truth"] = truth
    return path, frame, {int(i) + 2 for i in flipped}  # CSV row ids: header is line 1


def audit(path: Path, out: Path, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["audit", str(path), "--out", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads((out / "audit.json").read_text())


def noise(report: dict) -> dict:
    return next(c for c in report["checks"] if c["name"] == "label_noise")["metrics"]


def answer(sample: Path, frame: pd.DataFrame, keep: int | None = None) -> Path:
    """The review file with correct_label filled from the truth (first ``keep`` rows)."""
    rows = list(csv.DictReader(sample.read_text("utf-8").splitlines()))
    for i, row in enumerate(rows):
        if keep is None or i < keep:
            row["correct_label"] = frame["truth"].iat[int(row["row_id"]) - 2]
    out = sample.with_name("reviewed.csv")
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


def test_review_replaces_the_proxy_estimate(tmp_path: Path, noisy) -> None:
    path, frame, flipped = noisy
    _, first = audit(path, tmp_path / "a")
    sample = tmp_path / "a" / "review.csv"
    m = noise(first)
    assert sample.exists() and m["review_rows"] == len(sample.read_text().splitlines()) - 1
    assert m["review_rows"] <= 200 and m["range_basis"] == "proxy"
    reviewed = answer(sample, frame)
    _, second = audit(path, tmp_path / "b", "--review", str(reviewed))
    r = noise(second)
    assert r["range_basis"] == "review" and r["review_usable"] is True
    truth = len(flipped) / 600
    assert r["noise_rate_lo"] <= truth <= r["noise_rate_hi"]
    assert abs(r["noise_rate"] - truth) <= 0.04
    assert r["estimate_resolved"] is True and r["proxy_weak"] is False
    assert r["review_flag_precision_lo"] <= r["review_flag_precision"] \
        <= r["review_flag_precision_hi"]
    check = next(c for c in second["checks"] if c["name"] == "label_noise")
    relabelled = {row["row_id"] for row in check["tables"]["flagged"]
                  if row["source"] == "reviewed"}
    assert relabelled and relabelled <= flipped  # the reviewer's changes are real flips
    assert relabelled <= set(check["excluded_rows"])


def test_partial_review_is_reported_not_used(tmp_path: Path, noisy) -> None:
    path, frame, _ = noisy
    audit(path, tmp_path / "a")
    reviewed = answer(tmp_path / "a" / "review.csv", frame, keep=5)
    _, report = audit(path, tmp_path / "b", "--review", str(reviewed))
    m = noise(report)
    assert m["range_basis"] == "proxy" and m["review_usable"] is False
    codes = {f["code"] for f in report["findings"]}
    assert "label_noise.review_incomplete" in codes


@pytest.mark.parametrize("content,expected", [
    ("row_id,input\n1,x\n", "field 'correct_label'"),
    ("row_id,correct_label\n2,not_a_label\n", ":2: field 'correct_label': unknown label"),
    ("row_id,correct_label\n99999,sports\n", ":2: field 'row_id': unknown row id"),
    ("row_id,correct_label\n=1+1,sports\n", "field 'row_id'"),
])
def test_bad_review_files_are_one_line_errors(tmp_path: Path, noisy, content: str,
                                              expected: str) -> None:
    path, _, _ = noisy
    bad = tmp_path / "bad.csv"
    bad.write_text(content, "utf-8")
    result = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r"),
                                 "--review", str(bad)])
    assert result.exit_code == 2
    assert expected in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()  # refused before any work


def test_review_needs_labels(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"text": f"words {i} here"}) + "\n" for i in range(30)))
    review = tmp_path / "r.csv"
    review.write_text("row_id,correct_label\n1,x\n", "utf-8")
    result = runner.invoke(app, ["audit", str(path), "--review", str(review)])
    assert result.exit_code == 2 and "answers labels" in result.output


def test_label_kind_option_is_validated(tmp_path: Path, noisy) -> None:
    path, _, _ = noisy
    result = runner.invoke(app, ["audit", str(path), "--label-kind", "opinion"])
    assert result.exit_code == 2


def test_answer_findings_for_review_are_written_to_review_csv(tmp_path: Path) -> None:
    from tests.checks.answers.helpers import good
    from tuneready.io.review_file import ANSWER_COLUMNS

    pairs = [good(i) for i in range(60)]
    pairs += [(f"Write poem number {i} about the sea", "I'm sorry, but I can't help with that.")
              for i in range(5)]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": q}, {"role": "assistant", "content": a}]}) + "\n"
        for q, a in pairs), "utf-8")
    _, report = audit(path, tmp_path / "out")
    rows = list(csv.DictReader((tmp_path / "out" / "review.csv").read_text("utf-8")
                               .splitlines()))
    assert rows and tuple(rows[0]) == ANSWER_COLUMNS
    assert {r["stratum"] for r in rows} == {"answers.refusal"} and len(rows) == 5
    answers = next(c for c in report["checks"] if c["name"] == "answers")
    assert answers["metrics"]["review_rows"] == 5
