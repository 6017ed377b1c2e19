"""No report leaks: planted identifiers and secrets appear in no output file of an audit, only
their masks; ``--no-excerpts`` leaves the training text out of every report."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.checks.privacy.fixtures import PLANTED
from tests.conftest import make_texts
from tuneready.checks.privacy.mask import mask_value
from tuneready.cli import app

runner = CliRunner()


def _data(tmp_path: Path) -> Path:
    frame = make_texts(160)
    planted = [text for text, _ in PLANTED.values()]
    for i, text in enumerate(planted * 3):  # in review rows and as exact duplicates
        frame.iloc[5 * i, 0] = f"{frame.iloc[5 * i, 0]} {text}"
        frame.iloc[5 * i + 1, 0] = text
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    return path


def _outputs(folder: Path, stdout: str) -> dict[str, str]:
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    return {**files, "stdout": stdout}


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_no_planted_value_appears_in_any_report_only_its_mask(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_data(tmp_path)), "--out", str(tmp_path / "r")])
    assert result.exit_code in (0, 1), result.output
    outputs = _outputs(tmp_path / "r", result.output)
    assert {"audit.json", "summary.md", "junit.xml", "report.html", "review.csv",
            "flagged.csv"} <= set(outputs)
    for kind in PLANTED:  # every row of every kind is listed, by kind and field, no value
        assert f"privacy.{kind}" in outputs["flagged.csv"], kind
    for name, text in outputs.items():
        flat = text.replace("&#64;", "@").replace("\\n", "\n").lower()
        for kind, (_, value) in PLANTED.items():
            assert value.lower() not in flat, f"{kind} value in {name}"
            digits = _digits(value)  # also written with other separators
            assert len(digits) < 8 or digits not in _digits(flat), f"{kind} digits in {name}"
    joined = "\n".join(outputs.values())
    before_privacy = outputs["audit.json"].split('"name": "privacy"')[0]
    for kind in ("email", "phone", "card"):  # masked excerpts, not only the privacy table
        assert mask_value(kind, PLANTED[kind][1]) in before_privacy, kind
    assert "privacy.secret" in joined


def test_no_excerpts_leaves_training_text_out_of_reports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_data(tmp_path)), "--out", str(tmp_path / "r"),
                                 "--no-excerpts"])
    assert result.exit_code in (0, 1), result.output
    for name, text in _outputs(tmp_path / "r", result.output).items():
        for sentence, _ in PLANTED.values():
            words = sentence.split()[:3]
            assert " ".join(words) not in text, (name, words)
