"""The decision is a pure function of results and policy."""

from __future__ import annotations

from tuneready.checks.size import SizeSettings, size_cap
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Finding, Severity, SizeBasis, Status, Verdict
from tuneready.decide.decision import decide, effective_size

POLICY = load_policy()


def _size(raw: int, distinct: int, findings=()) -> CheckResult:
    """A size result with only its typed basis: the decision reads no metric."""
    return CheckResult("size", Status.PASS, size_basis=SizeBasis(raw, distinct, raw - distinct),
                       findings=list(findings), excluded_rows=list(range(distinct + 1, raw + 1)))


def test_no_findings_means_full_fine_tune() -> None:
    rec = decide([_size(1500, 1500)], POLICY)
    assert rec.verdict == Verdict.FULL_FINE_TUNE and rec.ready and rec.confidence == "high"


def test_lowest_cap_wins_and_reasons_point_at_findings() -> None:
    lora = Finding("size.below_full_finetune_min", Severity.WARN, "few", 400, 1000,
                   caps=Verdict.LORA, remedy="more data")
    bad = Finding("schema.too_many_invalid_rows", Severity.FAIL, "broken", caps=Verdict.NOT_READY,
                  remedy="repair")
    results = [_size(400, 400, [lora]), CheckResult("schema", Status.FAIL, findings=[bad])]
    rec = decide(results, POLICY)
    assert rec.verdict == Verdict.NOT_READY and not rec.ready
    assert [r.code for r in rec.reasons][:2] == ["schema.too_many_invalid_rows",
                                                 "size.below_full_finetune_min"]
    assert rec.would_change == ["repair"]


def test_effective_size_unions_exclusions_across_checks() -> None:
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=[1, 2, 3, 1100])
    n, breakdown = effective_size([_size(1100, 1050), noise])
    assert n == 1100 - 50 - 3
    assert breakdown == {"size": 50, "label_noise": 3}


def test_exclusions_can_push_below_the_full_threshold() -> None:
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=list(range(1, 101)))
    rec = decide([_size(1050, 1050), noise], POLICY)
    assert rec.verdict == Verdict.LORA
    assert rec.reasons[0].code == "decision.below_full_finetune_min"
    assert "label_noise" in rec.reasons[0].message


def test_errored_check_is_never_ready() -> None:
    err = CheckResult("bias", Status.ERROR, error="boom")
    rec = decide([_size(2000, 2000), err], POLICY)
    assert not rec.ready and rec.confidence == "low"
    assert rec.reasons[0].code == "decision.check_error"


def test_required_path_sets_readiness() -> None:
    lora = Finding("size.below_full_finetune_min", Severity.WARN, "few", 400, 1000,
                   caps=Verdict.LORA)
    policy = load_policy()
    policy.data["audit"]["required"] = "lora"
    assert decide([_size(400, 400, [lora])], policy).ready
    assert not decide([_size(400, 400, [lora])], POLICY).ready


def test_sampled_audit_scales_other_exclusions() -> None:
    size = CheckResult("size", Status.PASS, excluded_rows=[7],
                       size_basis=SizeBasis(10_000, 9_000, 1_000, sample_fraction=0.1))
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=list(range(100, 150)))
    n, breakdown = effective_size([size, noise])
    assert breakdown == {"size": 1000, "label_noise": 500}
    assert n == 9_000 - 500


def test_exclusions_counted_over_every_row_are_not_scaled() -> None:
    """A check that counted its exclusions over the whole file (``excluded_total``, the Dask
    engine's near duplicates) is taken as counted; the sample's rows still keep a later check
    from counting them again. Scaling 60 sampled near repeats by 1/0.02 would claim 3,000."""
    size = CheckResult("size", Status.PASS, excluded_rows=[1],
                       size_basis=SizeBasis(100_000, 9_000, 91_000, sample_fraction=0.02))
    dups = CheckResult("duplicates", Status.FAIL, excluded_rows=list(range(100, 160)),
                       excluded_total=700)
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=list(range(150, 170)))
    n, breakdown = effective_size([size, dups, noise])
    assert breakdown == {"size": 91_000, "duplicates": 700, "label_noise": 500}
    assert n == 9_000 - 700 - 500
    assert CheckResult.from_dict(dups.to_dict()).excluded_total == 700
    assert "excluded_total" not in noise.to_dict()  # unchanged JSON where it is not set


def test_effective_size_remedy_supersedes_the_distinct_one() -> None:
    lora = size_cap(999, SizeSettings.from_policy(POLICY))
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=[1, 2])
    rec = decide([_size(999, 999, [lora]), noise], POLICY)
    assert rec.verdict == Verdict.LORA
    assert rec.would_change == ["about 3 more effective examples for a full fine-tune"]


def test_metric_names_cannot_change_the_decision() -> None:
    """The typed fields decide; the metrics (for people and ``diff``) are never read."""
    noise = CheckResult("label_noise", Status.WARN, excluded_rows=list(range(1, 101)))
    typed = decide([_size(1050, 1050), noise], POLICY)
    renamed = _size(1050, 1050)
    renamed.metrics = {"rows_total": 1050, "unique_rows": 1050}     # any names at all
    assert decide([renamed, noise], POLICY).to_dict() == typed.to_dict()
    assert typed.verdict == Verdict.LORA and typed.effective_n == 950
    untyped = CheckResult("size", Status.PASS, metrics={"raw_n": 1050, "distinct_n": 1050,
                                                        "exact_duplicates": 0})
    assert effective_size([untyped, noise])[0] == 0      # old metric names alone: nothing


def test_weak_proxy_is_a_typed_flag() -> None:
    size = _size(2000, 2000)
    named = CheckResult("label_noise", Status.PASS, metrics={"proxy_weak": True})
    assert decide([size, named], POLICY).confidence == "high"
    flagged = CheckResult("label_noise", Status.PASS, weak_proxy=True)
    assert decide([size, flagged], POLICY).confidence == "low"
