"""The contract every check follows, and small helpers so checks stay short.

A check is a class with a ``name`` (== its module name == its policy table) and a ``run``
method returning a ``CheckResult``. It never prints, never renders and may raise: the runner
turns an exception into status ``error`` and the other checks still run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Protocol

from tuneready.config.policy import CheckPolicy
from tuneready.core.results import CheckResult, Finding, Severity, Status
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

#: How many example row ids a finding carries (the full list is in the table where useful).
MAX_EXAMPLE_ROWS = 20


class Check(Protocol):
    name: ClassVar[str]
    #: one line for `tuneready checks` and the report: what is measured
    what: ClassVar[str]
    #: one line: why it matters for fine-tuning
    why: ClassVar[str]

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult: ...


def status_of(findings: list[Finding]) -> Status:
    """The worst severity among findings decides the status."""
    severities = {f.severity for f in findings}
    if Severity.FAIL in severities:
        return Status.FAIL
    if Severity.WARN in severities:
        return Status.WARN
    return Status.PASS


def example_rows(row_ids: Iterable[Any]) -> list[int]:
    """A short, sorted, plain-int list of row ids for a finding."""
    ids = sorted(int(r) for r in row_ids)
    return ids[:MAX_EXAMPLE_ROWS]


def skipped(name: str, why: str, params: CheckPolicy | None = None) -> CheckResult:
    return CheckResult(name=name, status=Status.SKIPPED, summary=why, params=params or {})
