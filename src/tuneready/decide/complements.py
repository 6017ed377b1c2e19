"""Complements next to the primary path: what practitioners combine with it.

The primary verdict stays what data caps and cost decide (``tuneready.decide.decision``). Serious
projects rarely use one paradigm, so the recommendation adds complements, each with the
measurements behind it (``tuneready.decide.answer_signals``) and a code:

- ``complement.rag``: the answers carry knowledge their prompts do not (the knowledge share's
  95 % lower bound reaches ``rag_share_min``), or ``--task knowledge`` says so. Tuning
  teaches behaviour and format; facts seen once or twice in training are recalled
  unreliably and cannot be cited or updated, so retrieval should hold them.
- ``complement.format_tuning``: the answers share a stable structure (valid JSON, tool calls,
  a template, consistent length), which tuning teaches well even when knowledge is retrieved.
- ``complement.versioned_prompt``: whenever prompting is the primary path or part of it
  (retrieval needs a prompt), or the data's own prompts drift.

``--task`` overrides the measured task type: ``knowledge`` adds retrieval whatever the
share, ``behaviour`` leaves it out (the share is still reported).
"""

from __future__ import annotations

from typing import Any

from tuneready.core.results import CheckResult, Verdict
from tuneready.decide.answer_signals import ComplementsSettings

#: the measured task type when --task does not say
TASK_KNOWLEDGE, TASK_BEHAVIOUR, TASK_UNKNOWN = "knowledge", "behaviour", "unknown"


def measured_task(signals: dict[str, Any], cfg: ComplementsSettings) -> str:
    if not signals.get("rows"):
        return TASK_UNKNOWN
    if signals.get("knowledge") and signals["knowledge"]["lo"] >= cfg.rag_share_min:
        return TASK_KNOWLEDGE
    return TASK_BEHAVIOUR if _format_reasons(signals, cfg) else TASK_UNKNOWN


def complements(verdict: Verdict, signals: dict[str, Any], cfg: ComplementsSettings,
                given_task: str, checks: list[CheckResult]) -> list[dict[str, Any]]:
    """The complements of this recommendation, in a fixed order (RAG, format, prompt)."""
    out: list[dict[str, Any]] = []
    rag = _rag(signals, cfg, given_task)
    if rag:
        out.append(rag)
    fmt = _format(signals, cfg)
    if fmt and verdict != Verdict.NOT_READY:
        out.append(fmt)
    prompt = _prompt(verdict, bool(rag), checks)
    if prompt and verdict != Verdict.NOT_READY:
        out.append(prompt)
    return out


def _share_text(s: dict[str, Any]) -> str:
    return f"{100 * s['share']:.0f} % ({100 * s['lo']:.0f}-{100 * s['hi']:.0f} %, {s['k']:,} of " \
           f"{s['n']:,} rows)"


def _rag(signals: dict[str, Any], cfg: ComplementsSettings, given: str
         ) -> dict[str, Any] | None:
    threshold = cfg.rag_share_min
    k = signals.get("knowledge") if signals.get("rows") else None
    measured = bool(k and k["lo"] >= threshold)
    if given == TASK_BEHAVIOUR or not (measured or given == TASK_KNOWLEDGE):
        return None
    if measured and k:
        why = (f"{_share_text(k)} of answers bring facts their prompts do not hold (numbers, "
               f"names, rare words, to fact-seeking prompts); the lower bound passes "
               f"{100 * threshold:.0f} %")
    else:
        why = "--task knowledge says the task is knowledge lookup"
    return {"code": "complement.rag", "title": "+ retrieval (RAG)",
            "message": why + ". Keep the facts in a retrieval index: tuning teaches behaviour "
                             "and format, and facts seen once or twice in training are "
                             "recalled unreliably and cannot be cited or updated",
            "measured": {"knowledge": k, "threshold": threshold, "task": given}}


def _format_reasons(signals: dict[str, Any], cfg: ComplementsSettings) -> list[str]:
    if not signals.get("rows"):
        return []
    share_min, tool_min = cfg.format_share_min, cfg.tool_call_share_min
    out = []
    if signals["json"]["lo"] >= share_min:
        out.append(f"{_share_text(signals['json'])} of answers are valid JSON")
    if signals["tool_calls"]["lo"] >= tool_min:
        out.append(f"{_share_text(signals['tool_calls'])} of rows call a tool")
    if signals.get("template") and signals["template"]["lo"] >= share_min:
        out.append(f"{_share_text(signals['template'])} of answers open like many others "
                   "(a template)")
    cv = signals.get("length_cv")
    if cv is not None and signals["rows"] >= 50 and cv <= cfg.length_cv_max:
        out.append(f"answer lengths are consistent (spread {cv:.2f} of the mean)")
    return out


def _format(signals: dict[str, Any], cfg: ComplementsSettings) -> dict[str, Any] | None:
    reasons = _format_reasons(signals, cfg)
    if not reasons:
        return None
    return {"code": "complement.format_tuning", "title": "tuning for format and behaviour",
            "message": "; ".join(reasons) + ". A stable structure is what tuning teaches "
                                            "well, even when knowledge is retrieved",
            "measured": {k: signals[k] for k in ("json", "tool_calls", "template")}
            | {"length_cv": signals.get("length_cv")}}


def _prompt(verdict: Verdict, rag: bool, checks: list[CheckResult]) -> dict[str, Any] | None:
    drift = [f for c in checks if c.name == "prompts" for f in c.findings
             if f.code.endswith("_drift")]
    if verdict != Verdict.PROMPT_ENGINEERING and not rag and not drift:
        return None
    why = []
    if verdict == Verdict.PROMPT_ENGINEERING:
        why.append("prompting is the primary path")
    elif rag:
        why.append("retrieval needs a prompt around the retrieved passages")
    if drift:
        why.append(f"the data's own prompts drift ({', '.join(f.code for f in drift)})")
    return {"code": "complement.versioned_prompt", "title": "+ a versioned prompt",
            "message": "; ".join(why) + ": keep the prompt in a file under version control "
                                        "and pass it with --prompt, so each audit records "
                                        "its sha256 and `tuneready diff` shows a change",
            "measured": {"drift_findings": len(drift)}}
