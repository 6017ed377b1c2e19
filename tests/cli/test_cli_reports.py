"""CLI report files: audit/demo write all formats; report re-renders; diff compares."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.conftest import make_texts
from tests.render.fixtures import full_audit, ready_audit
from tuneready.cli import app
from tuneready.render.json import render as render_json

runner = CliRunner()


def _save(tmp_path: Path, name: str, audit) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(render_json(audit), encoding="utf-8")
    return path


def test_audit_writes_every_report_and_junit_fails_exactly_failing_checks(
        tmp_path: Path) -> None:
    frame = pd.concat([make_texts(120), pd.DataFrame({"text": ["rare one", "rare two"],
                                                      "label": ["rare", "rare"]})])
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    extra = tmp_path / "elsewhere"
    result = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "r"),
                                 "--check", "schema", "--check", "size",  # fast ones
                                 "--html", str(extra / "r.html"), "--md", str(extra / "s.md"),
                                 "--junit", str(extra / "j.xml")], env={
                                     "GITHUB_STEP_SUMMARY": str(tmp_path / "gh.md")})
    assert result.exit_code == 1, result.output
    folder = tmp_path / "r"
    assert sorted(p.name for p in folder.iterdir()) == ["audit.json", "flagged.csv", "junit.xml",
                                                        "report.html", "summary.md"]
    assert (extra / "r.html").read_text() == (folder / "report.html").read_text()
    assert (extra / "s.md").read_text() == (tmp_path / "gh.md").read_text()
    audit = json.loads((folder / "audit.json").read_text())
    failing = {c["name"] for c in audit["checks"] if c["status"] == "fail"}
    assert "size" in failing                              # a class of 2 examples
    root = ET.parse(extra / "j.xml").getroot()
    assert {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None} \
        == failing
    assert [c.get("name") for c in root.iter("testcase")] == [c["name"] for c in
                                                               audit["checks"]]


def test_report_rerenders_a_saved_audit(tmp_path: Path) -> None:
    saved = _save(tmp_path, "audit.json", full_audit())
    result = runner.invoke(app, ["report", str(saved)])
    assert result.exit_code == 0, result.output
    assert "Not ready: fix the data first" in (tmp_path / "report.html").read_text()
    result = runner.invoke(app, ["report", str(saved), "--html", str(tmp_path / "x.html"),
                                 "--junit", str(tmp_path / "x.xml")])
    assert result.exit_code == 0 and (tmp_path / "x.xml").exists()
    assert f"wrote {tmp_path / 'x.html'}" in result.output


def _as_schema_2_0(audit) -> dict:  # type: ignore[no-untyped-def]
    """The audit as a 2.0 release wrote it: no declarations, no typed fields in the results."""
    d = json.loads(render_json(audit))
    d["schema_version"] = "2.0"
    for check in d["checks"]:
        for key in ("what", "why", "excluded_as", "chart_kinds", "size_basis", "weak_proxy"):
            check.pop(key)
    return d


def test_report_and_diff_read_a_schema_2_0_audit(tmp_path: Path) -> None:
    """A 2.0 audit renders as it did before 2.1: today's what/why and charts for the checks
    this version knows (``tuneready.checks.described``), and it diffs against a 2.1 one."""
    old = tmp_path / "old.json"
    old.write_text(json.dumps(_as_schema_2_0(full_audit())), encoding="utf-8")
    assert runner.invoke(app, ["report", str(old), "--html", str(tmp_path / "old.html")]
                         ).exit_code == 0
    now = _save(tmp_path, "now.json", full_audit())
    assert runner.invoke(app, ["report", str(now), "--html", str(tmp_path / "now.html")]
                         ).exit_code == 0
    old_page = (tmp_path / "old.html").read_text()
    assert old_page == (tmp_path / "now.html").read_text()   # upgraded: the same page
    result = runner.invoke(app, ["diff", str(old), str(now), "--json"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.output)
    assert comparison["effective_n"]["old"] == comparison["effective_n"]["new"] == 1292


def test_report_input_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    for path, words in ((tmp_path / "missing.json", "cannot read"), (bad, "not valid JSON"),
                        (other, "not a tuneready audit")):
        result = runner.invoke(app, ["report", str(path)])
        assert result.exit_code == 2, result.output
        assert words in result.output and "Traceback" not in result.output


def test_diff_shows_change_and_gates_regressions(tmp_path: Path) -> None:
    old = _save(tmp_path, "old.json", ready_audit())
    new = _save(tmp_path, "new.json", full_audit())
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "| verdict | Full fine-tune | Not ready: fix the data first | ⬇️ down |" \
        in result.output
    assert runner.invoke(app, ["diff", str(old), str(new),
                               "--fail-on-regression"]).exit_code == 1
    assert runner.invoke(app, ["diff", str(new), str(old),
                               "--fail-on-regression"]).exit_code == 0
    as_json = runner.invoke(app, ["diff", str(old), str(new), "--json", "--md",
                                  str(tmp_path / "d.md")])
    assert json.loads(as_json.output)["effective_n"]["change"] == 1292 - 1505
    assert (tmp_path / "d.md").read_text().startswith("## tuneready diff")


def test_demo_leaves_a_top_level_html(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``tuneready demo`` (audit stubbed: wiring only) writes reports/demo/ and demo.html."""
    import tuneready.cli.demo as demo_command

    monkeypatch.setattr(demo_command, "_run", lambda path, options, quiet: ready_audit())
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = tmp_path / "reports" / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "demo.html").read_text() == (out / "report.html").read_text()
    assert (out / "junit.xml").exists() and (out / "summary.md").exists()
