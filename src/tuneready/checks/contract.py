"""The contract every check follows, and small helpers so checks stay short.

A check is a class with a ``name`` (== its module name == its policy table) and a ``run``
method returning a ``CheckResult``. It never prints, never renders and may raise: the runner
turns an exception into status ``error`` and the other checks still run.

Everything else specific to a check is declared once, in its own module, as a ``CheckSpec``
named ``SPEC``: the registry, the scheduler (lanes), the decision, the renderers and ``diff``
read it from there. ``tests/checks/test_registry.py`` fails when a check lacks any part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity, Status
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

#: How many example row ids a finding carries (the full list is in the table where useful).
MAX_EXAMPLE_ROWS = 20


@dataclass(frozen=True)
class CheckSpec:
    """What a check declares about itself, in one place (its module's ``SPEC``).

    ``needs``: the ``Evidence`` stages (attribute names) the check reads; the lanes are
    derived from it (``tuneready.engine.lanes``), so a check that starts reading a model stage
    must say so here or its test fails. ``excluded_as``: how its excluded rows read in a
    sentence ("101 exact duplicates"), ``None`` when it excludes none. ``charts``: which of its
    tables are drawn, table name -> chart kind (``tuneready.render.charts.KINDS``).
    ``settings``: the frozen dataclass of its policy table's keys and types.
    ``diff_metrics``: the metrics ``tuneready diff`` follows between two audits (a metric
    ``m`` with ``m_lo``/``m_hi`` beside it is shown with its interval).
    """

    name: str
    cls: str
    what: str
    why: str
    needs: frozenset[str]
    #: the typed view of its policy table (``config.typed.Table``; the check builds it with
    #: ``settings.of(policy)``): its fields are exactly the table's keys in ``default.toml``
    settings: type[Table]
    excluded_as: str | None = None
    charts: Mapping[str, str] = field(default_factory=dict)
    diff_metrics: tuple[str, ...] = ()

    @property
    def policy_table(self) -> str:
        """The check's table in the policy (``default.toml``) is named after it."""
        return self.name


class Declared:
    """Base of a check class: ``name``, ``what`` and ``why`` come from its ``spec`` (the
    module's ``SPEC``), so they are written once."""

    spec: ClassVar[CheckSpec]
    name: ClassVar[str]
    what: ClassVar[str]
    why: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = cls.__dict__.get("spec")
        if spec is not None:
            cls.name, cls.what, cls.why = spec.name, spec.what, spec.why


class Check(Protocol):
    spec: ClassVar[CheckSpec]
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
