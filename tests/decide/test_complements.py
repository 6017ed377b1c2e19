"""Complements: retrieval, format tuning and a versioned prompt next to the primary path."""

from __future__ import annotations

from typing import Any

from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Finding, Severity, Status, Verdict
from tuneready.decide.answer_signals import ComplementsSettings
from tuneready.decide.complements import complements, measured_task

POLICY = ComplementsSettings.from_policy(load_policy())  # rag 0.3, format 0.5, tools 0.2, cv 0.25


def _share(k: int, n: int, lo: float, hi: float) -> dict[str, Any]:
    return {"share": k / n, "lo": lo, "hi": hi, "k": k, "n": n}


def _signals(knowledge_lo: float = 0.05, tools_lo: float = 0.0) -> dict[str, Any]:
    zero = _share(0, 200, 0.0, 0.02)
    return {"rows": 200, "knowledge": _share(int(200 * (knowledge_lo + 0.05)), 200, knowledge_lo,
                                             knowledge_lo + 0.1),
            "json": zero, "tool_calls": _share(int(200 * (tools_lo + 0.05)), 200, tools_lo,
                                               tools_lo + 0.1),
            "template": zero, "length_cv": 0.9}


def _codes(out: list[dict[str, Any]]) -> list[str]:
    return [c["code"] for c in out]


def test_rag_when_the_lower_bound_passes() -> None:
    out = complements(Verdict.LORA, _signals(0.58), POLICY, "unknown", [])
    assert _codes(out) == ["complement.rag", "complement.versioned_prompt"]
    assert out[0]["measured"]["knowledge"]["lo"] == 0.58
    assert "facts" in out[0]["message"] and "cannot be cited" in out[0]["message"]
    assert measured_task(_signals(0.58), POLICY) == "knowledge"
    assert _codes(complements(Verdict.LORA, _signals(0.25), POLICY, "unknown", [])) == []


def test_task_overrides_the_measured_type() -> None:
    assert _codes(complements(Verdict.LORA, _signals(0.58), POLICY, "behaviour", [])) == []
    forced = complements(Verdict.LORA, _signals(0.0), POLICY, "knowledge", [])
    assert _codes(forced)[0] == "complement.rag" and "--task" in forced[0]["message"]


def test_format_note_for_tool_calls() -> None:
    out = complements(Verdict.FULL_FINE_TUNE, _signals(0.05, tools_lo=0.45), POLICY,
                      "unknown", [])
    assert _codes(out) == ["complement.format_tuning"]
    assert "call a tool" in out[0]["message"]
    assert measured_task(_signals(0.05, tools_lo=0.45), POLICY) == "behaviour"


def test_versioned_prompt_when_prompting_or_drift() -> None:
    assert _codes(complements(Verdict.PROMPT_ENGINEERING, _signals(), POLICY, "unknown",
                              [])) == ["complement.versioned_prompt"]
    drift = CheckResult("prompts", Status.WARN, findings=[Finding(
        "prompts.system_drift", Severity.WARN, "3 system prompts differ")])
    out = complements(Verdict.FULL_FINE_TUNE, _signals(), POLICY, "unknown", [drift])
    assert _codes(out) == ["complement.versioned_prompt"]
    assert "prompts.system_drift" in out[0]["message"]
    assert complements(Verdict.NOT_READY, _signals(), POLICY, "unknown", [drift]) == []
