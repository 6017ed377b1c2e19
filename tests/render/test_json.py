"""JSON report: round-trips to an Audit, NaN-free, stable apart from meta."""

from __future__ import annotations

import json

from tuneready.core.results import (
    Audit,
    CheckResult,
    Finding,
    Reason,
    Recommendation,
    Severity,
    SizeBasis,
    Status,
    Verdict,
)
from tuneready.render.json import canonical, load, render


def _audit() -> Audit:
    finding = Finding("size.below_lora_min", Severity.WARN, "few", 60, 100, rows=[1, 2],
                      n_rows=2, caps=Verdict.PROMPT_ENGINEERING, remedy="more")
    check = CheckResult("size", Status.WARN, "60 rows", {"raw_n": 60, "x": float("nan")},
                        [finding])
    rec = Recommendation(Verdict.PROMPT_ENGINEERING, False, Verdict.FULL_FINE_TUNE, "high",
                         [Reason("size", "size.below_lora_min", "few")], ["more"], 60)
    return Audit({"path": "d.csv", "rows": 60}, {"name": "default"}, [check], rec,
                 meta={"generated_at": "now"})


def test_round_trip_and_nan_becomes_null() -> None:
    text = render(_audit())
    data = json.loads(text)
    assert data["checks"][0]["metrics"]["x"] is None
    assert data["findings"][0]["check"] == "size"
    again = load(text)
    assert again.recommendation.verdict == Verdict.PROMPT_ENGINEERING
    assert again.checks[0].findings[0].caps == Verdict.PROMPT_ENGINEERING


def test_typed_fields_and_declarations_round_trip() -> None:
    audit = _audit()
    check = audit.checks[0]
    check.size_basis = SizeBasis(60, 55, 5, sample_fraction=0.25)
    check.weak_proxy = True
    check.what, check.why, check.excluded_as = "w", "y", "exact duplicates"
    check.chart_kinds = {"classes": "size_classes"}
    again = load(render(audit)).checks[0]
    assert again.size_basis == check.size_basis and again.weak_proxy is True
    assert (again.what, again.why, again.excluded_as, again.chart_kinds) == (
        "w", "y", "exact duplicates", {"classes": "size_classes"})


def test_canonical_ignores_meta() -> None:
    a, b = _audit(), _audit()
    b.meta["generated_at"] = "later"
    assert canonical(json.loads(render(a))) == canonical(json.loads(render(b)))
