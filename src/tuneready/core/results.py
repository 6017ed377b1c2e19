"""Plain data types shared by loading, checks, decision and rendering.

Everything here is a frozen-ish dataclass with no behaviour beyond conversion to plain JSON
types, so that renderers can work from a saved ``audit.json`` exactly as from a live run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from tuneready.core.precision import FlaggedRow


class Status(StrEnum):
    """Outcome of one check. Ordered by how much it should worry the user."""

    PASS = "pass"
    SKIPPED = "skipped"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


STATUS_RANK = {Status.PASS: 0, Status.SKIPPED: 0, Status.WARN: 1, Status.FAIL: 2, Status.ERROR: 2}


class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"


class Verdict(StrEnum):
    """The recommendation ladder, from most to least demanding of the data."""

    FULL_FINE_TUNE = "full_fine_tune"
    LORA = "lora"
    PROMPT_ENGINEERING = "prompt_engineering"
    NOT_READY = "not_ready"


#: Higher means the data supports a more demanding training path.
VERDICT_LEVEL = {
    Verdict.NOT_READY: 0,
    Verdict.PROMPT_ENGINEERING: 1,
    Verdict.LORA: 2,
    Verdict.FULL_FINE_TUNE: 3,
}

VERDICT_TITLE = {
    Verdict.FULL_FINE_TUNE: "Full fine-tune",
    Verdict.LORA: "LoRA / adapter tuning",
    Verdict.PROMPT_ENGINEERING: "Prompt engineering (few-shot, RAG)",
    Verdict.NOT_READY: "Not ready: fix the data first",
}


def exclusion_phrase(check: str, n: int, words: str | None) -> str:
    """How a check's excluded rows read in a sentence ("101 exact duplicates (size)"); the
    words are the check's ``SPEC.excluded_as`` (``None``: a check that declares none)."""
    return f"{n:,} {words or 'rows flagged'} ({check})"


@dataclass
class Finding:
    """One actionable observation, with the rows behind it.

    ``caps`` is the most demanding verdict the data still supports given this finding
    (``None``: the finding does not limit the verdict). The decision takes the minimum.
    ``blocks``: the audit cannot vouch for the data until this is resolved (a number whose
    uncertainty straddles a capping level): readiness fails closed, the verdict is not
    lowered.
    """

    code: str
    severity: Severity
    message: str
    observed: float | int | str | None = None
    threshold: float | int | str | None = None
    rows: list[int] = field(default_factory=list)
    n_rows: int = 0
    caps: Verdict | None = None
    remedy: str | None = None
    blocks: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["caps"] = self.caps.value if self.caps else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        d = dict(d)
        d["severity"] = Severity(d["severity"])
        d["caps"] = Verdict(d["caps"]) if d.get("caps") else None
        d.pop("check", None)
        return cls(**d)


@dataclass(frozen=True)
class SizeBasis:
    """The counts effective size starts from, set by the ``size`` check: the decision and the
    report read these fields, never metric names (renaming a metric cannot move the verdict).

    ``raw_n``: rows in the file; ``distinct_n``: rows left after exact duplicates;
    ``exact_duplicates``: ``raw_n - distinct_n``; ``sample_fraction``: the share of the file's
    rows the audit read (1.0 without ``--sample``), by which other checks' exclusions are scaled.
    """

    raw_n: int
    distinct_n: int
    exact_duplicates: int
    sample_fraction: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> SizeBasis | None:
        if not d:
            return None
        return cls(raw_n=int(d["raw_n"]), distinct_n=int(d["distinct_n"]),
                   exact_duplicates=int(d["exact_duplicates"]),
                   sample_fraction=float(d.get("sample_fraction", 1.0)))


@dataclass
class LearningCurve:
    """The proxy's learning curve, set by the ``domain`` check: the "how many more examples"
    crossover reads these fields, never metric names.

    ``rows``: the labelled rows the curve was fitted on; ``plateau_identified``: whether the
    fit pins its plateau down (not at the accuracy bound, not far beyond the data);
    ``needed_rows``: the rows at which it comes within ``plateau_within`` of the plateau
    (only when identified).
    """

    rows: int
    plateau_identified: bool
    needed_rows: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> LearningCurve | None:
        if not d:
            return None
        needed = d.get("needed_rows")
        return cls(rows=int(d["rows"]), plateau_identified=bool(d["plateau_identified"]),
                   needed_rows=None if needed is None else int(needed))


@dataclass
class CheckResult:
    """What one check measured. ``excluded_rows`` leave the effective size.

    Typed contracts the decision reads (never ``metrics``, which are for people and ``diff``):
    ``size_basis`` (the ``size`` check's counts), ``learning_curve`` (the ``domain`` check's
    proxy learning curve), ``weak_proxy`` (set by a check whose
    numbers rest on a proxy model too weak to tell: the confidence is then low), and
    ``excluded_total``: how many rows the check excludes over every row of the file when that
    was counted exactly (the Dask engine counts near duplicates over all rows); the decision
    then uses it instead of scaling the sample's ``excluded_rows`` up by the sample fraction,
    which overcounts near repeats (10M rows: 3.0M scaled from the sample against 243k exact).

    What the check declared about itself when the audit ran (its ``CheckSpec``), saved so an old
    audit re-renders with the words it was made with: ``what``/``why`` (empty: not saved, an
    audit of schema < 2.1 read without the registry, or a check this version lacks),
    ``excluded_as`` (how its excluded rows read in a sentence) and ``chart_kinds`` (table name ->
    chart kind).
    """

    name: str
    status: Status
    summary: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    excluded_rows: list[int] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    size_basis: SizeBasis | None = None
    weak_proxy: bool = False
    excluded_total: int | None = None
    learning_curve: LearningCurve | None = None
    what: str = ""
    why: str = ""
    excluded_as: str | None = None
    chart_kinds: dict[str, str] = field(default_factory=dict)
    #: every (finding, row) of this check, for ``flagged.csv`` (``core.precision.FlaggedRow``);
    #: not part of ``audit.json``, which keeps example rows only (a million flags would bloat it)
    flagged: list[FlaggedRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "summary": self.summary,
            "what": self.what,
            "why": self.why,
            "metrics": self.metrics,
            "findings": [f.to_dict() for f in self.findings],
            "params": self.params,
            "excluded_rows": self.excluded_rows,
            "excluded_as": self.excluded_as,
            "size_basis": self.size_basis.to_dict() if self.size_basis else None,
            "weak_proxy": self.weak_proxy,
            **({} if self.excluded_total is None else {"excluded_total": self.excluded_total}),
            **({} if self.learning_curve is None
               else {"learning_curve": self.learning_curve.to_dict()}),
            "tables": self.tables,
            "chart_kinds": self.chart_kinds,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CheckResult:
        return cls(
            name=d["name"],
            status=Status(d["status"]),
            summary=d.get("summary", ""),
            metrics=d.get("metrics", {}),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            params=d.get("params", {}),
            excluded_rows=d.get("excluded_rows", []),
            tables=d.get("tables", {}),
            error=d.get("error"),
            size_basis=SizeBasis.from_dict(d.get("size_basis")),
            weak_proxy=bool(d.get("weak_proxy", False)),
            excluded_total=d.get("excluded_total"),
            learning_curve=LearningCurve.from_dict(d.get("learning_curve")),
            what=str(d.get("what") or ""),
            why=str(d.get("why") or ""),
            excluded_as=d.get("excluded_as"),
            chart_kinds=dict(d.get("chart_kinds") or {}),
        )


@dataclass
class Reason:
    """Why the verdict is what it is; points at a finding by check and code."""

    check: str
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Recommendation:
    verdict: Verdict
    ready: bool
    required: Verdict
    confidence: str
    reasons: list[Reason] = field(default_factory=list)
    would_change: list[str] = field(default_factory=list)
    effective_n: int = 0
    effective_n_breakdown: dict[str, int] = field(default_factory=dict)
    #: what the data alone supports (readiness is judged on it); ``verdict`` adds context
    data_verdict: Verdict | None = None
    #: what to combine with the primary path (``tuneready.decide.complements``), each with a code,
    #: a message and the measurements behind it
    complements: list[dict[str, Any]] = field(default_factory=list)
    #: where the decision moves: call volumes and more data (``tuneready.decide.crossover``)
    crossovers: list[dict[str, Any]] = field(default_factory=list)
    #: the measured shares behind the complements and the measured task type
    answer_signals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "data_verdict": (self.data_verdict or self.verdict).value,
            "title": VERDICT_TITLE[self.verdict],
            "ready": self.ready,
            "required": self.required.value,
            "confidence": self.confidence,
            "reasons": [r.to_dict() for r in self.reasons],
            "would_change": self.would_change,
            "effective_n": self.effective_n,
            "effective_n_breakdown": self.effective_n_breakdown,
            "complements": self.complements,
            "crossovers": self.crossovers,
            "answer_signals": self.answer_signals,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Recommendation:
        return cls(
            verdict=Verdict(d["verdict"]),
            ready=d["ready"],
            required=Verdict(d["required"]),
            confidence=d["confidence"],
            reasons=[Reason(**r) for r in d.get("reasons", [])],
            would_change=d.get("would_change", []),
            effective_n=d.get("effective_n", 0),
            effective_n_breakdown=d.get("effective_n_breakdown", {}),
            data_verdict=Verdict(d.get("data_verdict") or d["verdict"]),
            complements=d.get("complements", []),
            crossovers=d.get("crossovers", []),
            answer_signals=d.get("answer_signals", {}),
        )


def locate(sources: list[dict[str, Any]], row_id: int) -> tuple[str, int] | None:
    """``(shard, line in that shard)`` of a row id of a sharded data set (``dataset.sources``:
    a shard's rows are numbered after the lines of the shards before it)."""
    for src in sources:
        if int(src.get("first_row", 0)) <= row_id <= int(src.get("last_row", -1)):
            return str(src.get("path", "")), row_id - int(src["first_row"]) + 1
    return None


#: 2.0: free-form answer findings moved from ``label_noise`` to the ``answers`` check;
#: 2.1: each check result saves its ``what``/``why``/``excluded_as``/``chart_kinds`` and the
#: typed ``size_basis``/``weak_proxy`` (``core/upgrade.py`` reads 1.x and 2.0 audits)
SCHEMA_VERSION = "2.1"

#: How an ``Audit`` draws itself in a notebook. ``core`` imports nothing of tuneready (the
#: renderers depend on it, not the reverse), so the package wires the HTML renderer in here
#: (``tuneready/__init__.py``); unset, Jupyter falls back to the plain ``repr``.
_html_repr: Callable[[Audit], str] | None = None


def set_html_repr(draw: Callable[[Audit], str]) -> None:
    """Install the notebook renderer ``Audit._repr_html_`` calls."""
    global _html_repr
    _html_repr = draw


@dataclass
class Audit:
    """Everything a renderer needs. ``meta`` holds what legitimately differs between reruns."""

    dataset: dict[str, Any]
    policy: dict[str, Any]
    checks: list[CheckResult]
    recommendation: Recommendation
    meta: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def _repr_html_(self) -> str | None:
        """Jupyter shows the verdict card and the checks grid (escaped, no script)."""
        return _html_repr(self) if _html_repr is not None else None

    def findings(self) -> list[dict[str, Any]]:
        """Flat list CI can read: one entry per finding, tagged with its check."""
        return [{"check": c.name, **f.to_dict()} for c in self.checks for f in c.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "dataset": self.dataset,
            "policy": self.policy,
            "recommendation": self.recommendation.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "findings": self.findings(),
            "context": self.context,
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any],
                  describe: Callable[[str], dict[str, Any] | None] | None = None) -> Audit:
        """An audit dict of this or an older schema (upgraded first, ``core/upgrade.py``).

        ``describe``: what a check declares today (``tuneready.checks.described``), used only
        for an audit older than 2.1, which did not save it; without it such an audit's checks
        render without their what/why lines and charts."""
        from tuneready.core.upgrade import upgrade

        d = upgrade(d, describe)
        return cls(
            dataset=d["dataset"],
            policy=d["policy"],
            checks=[CheckResult.from_dict(c) for c in d["checks"]],
            recommendation=Recommendation.from_dict(d["recommendation"]),
            meta=d.get("meta", {}),
            context=d.get("context", {}),
            schema_version=d.get("schema_version", SCHEMA_VERSION),
        )
