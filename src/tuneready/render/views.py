"""The one view model every renderer reads: the verdict, its reasons, a row per check and the
findings in one order.

Built from a saved ``Audit`` alone (no check or evidence imports), so terminal, Markdown,
JUnit and HTML agree on what they show and in which order, and an old audit renders from
what it saved.

**The order of findings**, the one rule for every output: by severity (fail, then warn, then
info), then by the check's place in the audit (the order the checks ran), then in the order
the check listed them (a check lists its most telling finding first). A check's own findings
(the HTML section, the JUnit case) follow the same rule. **Top findings** are the first
``limit`` findings in that order: an info finding appears only when fewer than ``limit`` fail
and warn findings leave room for it; how much room there is is the renderer's (its medium's)
choice, the order is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuneready.core.results import (
    VERDICT_TITLE,
    Audit,
    CheckResult,
    Finding,
    Reason,
    Severity,
    Status,
    Verdict,
)

#: reasons shown under the verdict; the rest are counted ("and 2 more reasons")
MAX_REASONS = 5
SEVERITY_ORDER = {Severity.FAIL: 0, Severity.WARN: 1, Severity.INFO: 2}
#: shown for a check whose result carries no description (an audit saved before 2.1 read
#: without the registry, or a check written by another version)
NOT_DESCRIBED = ("not described in this audit (saved without descriptions, or by a version of "
                 "tuneready that had this check); the saved results are shown as they are")


@dataclass(frozen=True)
class FindingRow:
    """One finding with the check it belongs to."""

    check: str
    finding: Finding


@dataclass(frozen=True)
class ReasonRow:
    """A reason for the verdict, with the finding it points at when the audit has it (its rows,
    its anchor); ``in_audit``: the reason names a check of this audit (not ``decision`` or
    ``context``)."""

    reason: Reason
    finding: Finding | None
    in_audit: bool


@dataclass(frozen=True)
class CheckRow:
    """One check as every output lists it."""

    result: CheckResult
    #: the error for a check that could not run, else its summary
    summary: str
    #: the check's findings in the one order
    findings: list[Finding]
    what: str
    why: str

    @property
    def name(self) -> str:
        return self.result.name

    @property
    def status(self) -> Status:
        return self.result.status

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)


@dataclass(frozen=True)
class VerdictView:
    verdict: Verdict
    title: str
    ready: bool
    required: Verdict
    confidence: str
    effective_n: int
    #: what the data alone supports when the deployment context chose another path, else None
    data_verdict: Verdict | None
    #: every reason, in the decision's order
    reasons: list[ReasonRow]

    @property
    def shown_reasons(self) -> list[ReasonRow]:
        return self.reasons[:MAX_REASONS]

    @property
    def more_reasons(self) -> int:
        return max(0, len(self.reasons) - MAX_REASONS)


@dataclass(frozen=True)
class View:
    verdict: VerdictView
    checks: list[CheckRow]
    #: every finding of the audit, in the one order
    findings: list[FindingRow]

    def top(self, limit: int) -> list[FindingRow]:
        """The first ``limit`` findings: info only where fail and warn leave room."""
        return self.findings[:limit]


def order(findings: list[Finding]) -> list[Finding]:
    """One check's findings by severity, then in the order the check gave them."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, len(SEVERITY_ORDER)))


def build(audit: Audit) -> View:
    checks = [check_row(c) for c in audit.checks]
    position = {c.name: i for i, c in enumerate(checks)}
    items = [(SEVERITY_ORDER.get(f.severity, 3), position[c.name], j, FindingRow(c.name, f))
             for c in checks for j, f in enumerate(c.findings)]
    findings = [row for *_, row in sorted(items, key=lambda t: t[:3])]
    return View(verdict=verdict_view(audit), checks=checks, findings=findings)


def check_row(c: CheckResult) -> CheckRow:
    summary = c.error if c.status == Status.ERROR and c.error else c.summary
    return CheckRow(result=c, summary=summary, findings=order(c.findings),
                    what=c.what or NOT_DESCRIBED, why=c.why)


def verdict_view(audit: Audit) -> VerdictView:
    rec = audit.recommendation
    data = rec.data_verdict if rec.data_verdict and rec.data_verdict != rec.verdict else None
    return VerdictView(
        verdict=rec.verdict, title=VERDICT_TITLE[rec.verdict], ready=rec.ready,
        required=rec.required, confidence=rec.confidence, effective_n=rec.effective_n,
        data_verdict=data, reasons=[reason_row(audit, r) for r in rec.reasons])


def reason_row(audit: Audit, reason: Reason) -> ReasonRow:
    result = audit.check(reason.check)
    found = next((f for f in result.findings if f.code == reason.code), None) if result else None
    return ReasonRow(reason=reason, finding=found, in_audit=result is not None)
