"""Decision v2: context chooses among supported paths; monotone in data quality."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tuneready.checks.size import SizeSettings, size_cap
from tuneready.config.policy import load_policy
from tuneready.core.results import (
    VERDICT_LEVEL,
    CheckResult,
    Finding,
    Severity,
    SizeBasis,
    Status,
    Verdict,
)
from tuneready.decide.decision import apply_context, decide

POLICY = load_policy()
SIZE = SizeSettings.from_policy(POLICY)


def _results(distinct: int, noisy: int) -> list[CheckResult]:
    """A dataset of ``distinct`` rows of which ``noisy`` are flagged mislabelled."""
    cap = size_cap(distinct, SIZE)
    size = CheckResult("size", Status.PASS, size_basis=SizeBasis(distinct, distinct, 0),
                       findings=[cap] if cap else [])
    rate = noisy / max(1, distinct)
    findings = []
    if rate >= 0.25:
        findings.append(Finding("label_noise.x", Severity.FAIL, "m", rate, 0.25,
                                caps=Verdict.NOT_READY))
    elif rate >= 0.15:
        findings.append(Finding("label_noise.y", Severity.FAIL, "m", rate, 0.15,
                                caps=Verdict.LORA))
    noise = CheckResult("label_noise", Status.PASS, findings=findings,
                        excluded_rows=list(range(1, noisy + 1)))
    return [size, noise]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 5000), st.integers(0, 3000), st.integers(0, 500))
def test_more_clean_data_never_moves_away_from_tuning(distinct, extra, noisy) -> None:
    noisy = min(noisy, distinct)
    before = decide(_results(distinct, noisy), POLICY).verdict
    after = decide(_results(distinct + extra, noisy), POLICY).verdict
    assert VERDICT_LEVEL[after] >= VERDICT_LEVEL[before]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5000), st.integers(0, 2500), st.integers(0, 2500))
def test_more_noise_never_moves_toward_full_fine_tune(distinct, noisy, more) -> None:
    noisy = min(noisy, distinct)
    worse = min(distinct, noisy + more)
    a = decide(_results(distinct, noisy), POLICY).verdict
    b = decide(_results(distinct, worse), POLICY).verdict
    assert VERDICT_LEVEL[b] <= VERDICT_LEVEL[a]


def _ctx(**inputs) -> dict:
    costs = [{"path": "prompt_engineering", "monthly": 50.0},
             {"path": "lora", "monthly": 1460.0}, {"path": "full_fine_tune", "monthly": 20.0}]
    base = {"calls_per_month": 100_000, "task": "unknown", "baseline_score": -1,
            "target_score": -1, "must_run_locally": False, "latency_ms": 0,
            "long_prompt_tokens": 2000}
    return {"inputs": {**base, **inputs}, "costs": costs,
            "measured": {"prompt_tokens_per_call": 600}}


def test_context_never_raises_the_data_verdict() -> None:
    verdict, _, _ = apply_context(Verdict.PROMPT_ENGINEERING, _ctx())
    assert verdict == Verdict.PROMPT_ENGINEERING


def test_cheapest_supported_path_wins() -> None:
    assert apply_context(Verdict.FULL_FINE_TUNE, _ctx())[0] == Verdict.FULL_FINE_TUNE
    verdict, reasons, changes = apply_context(Verdict.LORA, _ctx())
    assert verdict == Verdict.PROMPT_ENGINEERING and reasons[0].code == "context.cost"
    assert changes


def test_local_or_latency_rules_prompting_out() -> None:
    assert apply_context(Verdict.LORA, _ctx(must_run_locally=True))[0] == Verdict.LORA
    verdict, reasons, _ = apply_context(Verdict.LORA, _ctx(latency_ms=300))
    assert verdict == Verdict.LORA and reasons[1].code == "context.prompt_ruled_out"


def test_knowledge_task_and_good_baseline_prefer_prompting() -> None:
    assert apply_context(Verdict.FULL_FINE_TUNE, _ctx(task="knowledge"))[0] == \
        Verdict.PROMPT_ENGINEERING
    verdict, reasons, _ = apply_context(Verdict.FULL_FINE_TUNE,
                                        _ctx(baseline_score=0.93, target_score=0.9))
    assert verdict == Verdict.PROMPT_ENGINEERING
    assert reasons[0].code == "context.baseline_meets_target"


def test_readiness_is_judged_on_the_data_verdict() -> None:
    rec = decide(_results(3000, 0), POLICY, _ctx(task="knowledge"))
    assert rec.verdict == Verdict.PROMPT_ENGINEERING
    assert rec.data_verdict == Verdict.FULL_FINE_TUNE and rec.ready


def test_a_path_resting_on_a_closing_offer_counts_against_itself() -> None:
    """Issue 28: the cheapest path's offer closes within the year: the verdict names it with
    its date and says what the path costs without it."""
    ctx = _ctx()
    ctx["costs"][2].update(provider="openai", model="gpt-4o-mini",
                           closes="takes no new training jobs from 2027-01-06",
                           without_closing={"provider": "modal", "model": "8B open model",
                                            "total_monthly": 1424.38})
    verdict, reasons, _ = apply_context(Verdict.FULL_FINE_TUNE, ctx)
    assert verdict == Verdict.FULL_FINE_TUNE
    assert "full_fine_tune $20.00 (openai gpt-4o-mini; takes no new training jobs from " \
           "2027-01-06)" in reasons[0].message
    closing = next(r for r in reasons if r.code == "context.offer_closing")
    assert closing.message == (
        "full_fine_tune rests on openai gpt-4o-mini, which takes no new training jobs from "
        "2027-01-06: train before then; without it full_fine_tune costs $1,424.38 a month "
        "(modal 8B open model)")
    ctx["costs"][2]["without_closing"] = None
    reasons = apply_context(Verdict.FULL_FINE_TUNE, ctx)[1]
    assert "no other open offer prices full_fine_tune" in reasons[1].message
