"""Audits written by older versions, upgraded to the current schema before anything reads them.

``report`` and ``diff`` accept an ``audit.json`` from a previous release: a CI job compares
today's run against last month's saved audit. Each schema step is one function here, applied
in order to the plain dict (no tuneready imports: this is ``core``).

- **1.x -> 2.0** (free-form answers split out of ``label_noise``): a 1.x ``label_noise`` result
  for unlabelled data carried the free-form answer findings (``label_noise.target_*``, its
  ``rate_above_*`` on answers, the ``flagged_targets`` table, ``targets_n`` and ``*_n``
  metrics). They move to an ``answers`` check result (codes ``answers.<kind>``; the old
  pseudo-label "misfit" becomes ``answers.off_topic``; the table ``flagged_answers``), and
  ``label_noise`` is left skipped, as a 2.0 audit of the same data has it. Recommendation
  reasons and the effective-size breakdown follow the moved findings. The messages stay as
  written then (they describe what that version measured).
- **2.0 -> 2.1** (typed contracts, declarations saved): the decision's inputs become typed
  fields derived here from the old metrics (``size_basis`` from the size check's ``raw_n``,
  ``distinct_n``, ``exact_duplicates``, ``sample_fraction``; ``weak_proxy`` from any check's
  ``proxy_weak``). ``what``/``why``/``excluded_as``/``chart_kinds`` were not saved: a caller
  that passes ``describe`` (``tuneready.checks.described``: today's registry, outside
  ``core`` and ``render``) gets today's declaration for each check this version knows, which is
  what such an audit showed when it was re-rendered before 2.1; without it they stay empty and
  the report says the check is not described.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

CURRENT = "2.1"

#: a check's declaration as saved from 2.1 on (``what``, ``why``, ``excluded_as``,
#: ``chart_kinds``), or ``None`` for a check the describer does not know
Describe = Callable[[str], dict[str, Any] | None]


def upgrade(audit: dict[str, Any], describe: Describe | None = None) -> dict[str, Any]:
    """The audit dict in the current schema (a copy when anything changed)."""
    version = _version(str(audit.get("schema_version", "1.0")))
    if version >= _version(CURRENT):
        return audit
    audit = copy.deepcopy(audit)
    if version < (2, 0):
        audit = _answers_split(audit)
    audit = _typed_and_declared(audit, describe)
    audit["schema_version"] = CURRENT
    return audit


def _version(version: str) -> tuple[int, int]:
    """``"2.1"`` -> ``(2, 1)``; an unreadable version counts as the oldest."""
    parts = [*version.split("."), "0"][:2]
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        return 0, 0


def _typed_and_declared(audit: dict[str, Any], describe: Describe | None) -> dict[str, Any]:
    for check in audit.get("checks", []):
        metrics = check.get("metrics") or {}
        if check.get("name") == "size" and "distinct_n" in metrics:
            distinct = int(metrics["distinct_n"])
            check["size_basis"] = {
                "raw_n": int(metrics.get("raw_n", distinct)), "distinct_n": distinct,
                "exact_duplicates": int(metrics.get("exact_duplicates", 0)),
                "sample_fraction": float(metrics.get("sample_fraction", 1.0) or 1.0)}
        check["weak_proxy"] = bool(metrics.get("proxy_weak", False))
        declared = (describe(str(check.get("name", ""))) if describe else None) or {}
        check.update(what=str(declared.get("what") or ""), why=str(declared.get("why") or ""),
                     excluded_as=declared.get("excluded_as"),
                     chart_kinds=dict(declared.get("chart_kinds") or {}))
    return audit


#: 1.x free-form metric names -> 2.0 names in the answers result
_METRICS = {"targets_n": "answers_rows", "flagged_n": "excluded_n", "defect_rate": "defect_rate",
            "misfit_n": "off_topic_n", "empty_n": "empty_n", "refusal_n": "refusal_n",
            "echo_n": "echo_n", "truncated_n": "truncated_n",
            "contradiction_n": "contradiction_n"}


def _answers_split(audit: dict[str, Any]) -> dict[str, Any]:
    checks = audit.get("checks", [])
    for i, check in enumerate(checks):
        if check.get("name") == "label_noise" and _is_free_form(check):
            checks[i:i + 1] = [_skipped_label_noise(check), _answers_result(check)]
            _rename_references(audit)
            break
    return audit


def _is_free_form(check: dict[str, Any]) -> bool:
    return ("targets_n" in check.get("metrics", {})
            or any(str(f.get("code", "")).startswith("label_noise.target_")
                   for f in check.get("findings", [])))


def _code(code: str) -> str:
    if code == "label_noise.target_misfit":
        return "answers.off_topic"
    if code.startswith("label_noise.target_"):
        return "answers." + code[len("label_noise.target_"):]
    if code.startswith("label_noise."):
        return "answers." + code[len("label_noise."):]
    return code


def _answers_result(old: dict[str, Any]) -> dict[str, Any]:
    findings = [{**f, "code": _code(str(f.get("code", "")))} for f in old.get("findings", [])]
    metrics = {_METRICS.get(k, k): v for k, v in old.get("metrics", {}).items()}
    tables = {("flagged_answers" if k == "flagged_targets" else k): v
              for k, v in old.get("tables", {}).items()}
    return {**old, "name": "answers", "findings": findings, "metrics": metrics,
            "tables": tables}


def _skipped_label_noise(old: dict[str, Any]) -> dict[str, Any]:
    return {"name": "label_noise", "status": "skipped",
            "summary": "no labels: free-form answers are checked by the answers check",
            "metrics": {}, "findings": [], "params": old.get("params", {}),
            "excluded_rows": [], "tables": {}, "error": None}


def _rename_references(audit: dict[str, Any]) -> None:
    rec = audit.get("recommendation", {})
    for reason in rec.get("reasons", []):
        if reason.get("check") == "label_noise":
            reason["check"], reason["code"] = "answers", _code(str(reason.get("code", "")))
    breakdown = rec.get("effective_n_breakdown", {})
    if "label_noise" in breakdown:
        rec["effective_n_breakdown"] = {("answers" if k == "label_noise" else k): v
                                        for k, v in breakdown.items()}
    audit["findings"] = [{**f, "check": "answers", "code": _code(str(f.get("code", "")))}
                         if f.get("check") == "label_noise" else f
                         for f in audit.get("findings", [])]
