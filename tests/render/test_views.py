"""The shared view model: one order of findings, the same top findings in every output."""

from __future__ import annotations

import io

from rich.console import Console

from tests.render.fixtures import full_audit
from tuneready.core.results import Audit, CheckResult, Finding, Severity, Status
from tuneready.render import markdown, terminal, views


def _f(code: str, severity: Severity) -> Finding:
    return Finding(code, severity, f"message of {code}")


def _audit(*checks: CheckResult) -> Audit:
    audit = full_audit()
    audit.checks = list(checks)
    audit.recommendation.reasons = []
    return audit


def test_order_is_severity_then_check_then_the_checks_own_order() -> None:
    first = CheckResult("a", Status.WARN, findings=[_f("a.info", Severity.INFO),
                                                     _f("a.warn2", Severity.WARN),
                                                     _f("a.warn1", Severity.WARN)])
    second = CheckResult("b", Status.FAIL, findings=[_f("b.warn", Severity.WARN),
                                                      _f("b.fail", Severity.FAIL)])
    view = views.build(_audit(first, second))
    assert [r.finding.code for r in view.findings] == [
        "b.fail", "a.warn2", "a.warn1", "b.warn", "a.info"]
    assert [f.code for f in view.checks[0].findings] == ["a.warn2", "a.warn1", "a.info"]


def test_info_only_where_space_allows() -> None:
    warns = [_f(f"a.w{i}", Severity.WARN) for i in range(3)]
    check = CheckResult("a", Status.WARN, findings=[_f("a.note", Severity.INFO), *warns])
    view = views.build(_audit(check))
    assert [r.finding.code for r in view.top(3)] == ["a.w0", "a.w1", "a.w2"]
    assert [r.finding.code for r in view.top(4)][-1] == "a.note"


def test_markdown_and_terminal_show_the_same_top_findings() -> None:
    checks = [CheckResult("a", Status.WARN, findings=[_f("a.note", Severity.INFO),
                                                       _f("a.warn", Severity.WARN)])]
    audit = _audit(*checks)
    md = markdown.render(audit).split("**Top findings**", 1)[1]
    assert md.index("a.warn") < md.index("a.note")        # info kept: there is room
    out = io.StringIO()
    terminal.render(audit, Console(file=out, width=200))
    text = out.getvalue().split("Top findings", 1)[1]
    assert text.index("a.warn") < text.index("a.note")


def test_reasons_point_at_their_findings() -> None:
    view = views.build(full_audit())
    rows = {r.reason.code: r for r in view.verdict.reasons}
    bias = rows["bias.group_error_gap"]
    assert bias.in_audit and bias.finding is not None and bias.finding.rows == [4, 8]
    broken = rows["decision.check_error"]
    assert broken.in_audit and broken.finding is None      # the check, not a finding


def test_a_check_without_a_saved_description_says_so() -> None:
    row = views.check_row(CheckResult("gone", Status.PASS))
    assert row.what == views.NOT_DESCRIBED and row.why == ""
    error = views.check_row(CheckResult("x", Status.ERROR, summary="failed", error="boom"))
    assert error.summary == "boom"
