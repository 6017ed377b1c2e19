"""Markdown summary: verdict, check table, top findings, GitHub step summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.fixtures import full_audit, ready_audit
from tuneready.render import markdown
from tuneready.render.outputs import write_reports


def test_summary_structure() -> None:
    md = markdown.render(full_audit(), html_name="report.html")
    lines = md.splitlines()
    assert lines[0] == "## tuneready: Not ready: fix the data first"
    assert "**not ready** for Full fine-tune" in md and "**1,292** effective examples" in md
    start = lines.index("| check | status | result | findings |") + 2
    checks = [c.name.replace("_", "\\_") for c in full_audit().checks]
    table = lines[start:start + len(checks)]
    assert lines[start + len(checks)] == ""
    assert [r.split("|")[1].strip() for r in table] == checks
    assert "| ❌ fail |" in table[2] and "| 💥 error |" in table[7] and "⏭️ skipped" in table[6]
    assert "full report: report.html" in md


def test_top_findings_fail_first_with_rows() -> None:
    md = markdown.render(full_audit())
    top = md[md.index("**Top findings**"):]
    severities = [ln.split("|")[1].strip() for ln in top.splitlines()[4:] if ln.startswith("|")]
    assert severities[:2] == ["fail", "fail"] and set(severities[2:]) == {"warn"}
    assert "2, 9, 16, 23 … (112 in all)" in top


def test_ready_audit_has_no_findings_section() -> None:
    md = markdown.render(ready_audit())
    assert "ready for Full fine-tune" in md and "Top findings" not in md


def test_escape_helpers() -> None:
    assert markdown.esc("a|b *c* <d> & [e](f)\nx") == "a\\|b \\*c\\* &lt;d&gt; &amp; \\[e\\](f) x"
    assert markdown.code("x`y|z") == "`x'y¦z`"


def test_step_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write_reports(ready_audit(), tmp_path / "out")
    write_reports(ready_audit(), None, {"md": tmp_path / "x.md"})
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert text.count("## tuneready: Full fine-tune") == 2


def test_no_step_summary_without_variable(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    written = write_reports(ready_audit(), tmp_path / "out")
    assert sorted(p.name for p in written.paths) == ["audit.json", "flagged.csv", "junit.xml",
                                                     "report.html", "summary.md"]
    assert (tmp_path / "out" / "report.html").stat().st_mode & 0o044  # readable by others
