"""What every renderer shows of the complements, crossovers, prices and prompt file.

Plain strings from a saved audit (no check or evidence imports), so terminal, Markdown,
JUnit and HTML say the same thing; an audit saved before these fields renders as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tuneready.core.results import Audit

#: a price entry older than this (in days, about 6 months) is flagged as stale
STALE_DAYS = 183
SIGNALS = (("knowledge", "knowledge share (fact-seeking prompts whose answers bring new facts)"),
           ("fact_seeking", "fact-seeking prompts"),
           ("novel_answers", "answers with facts absent from their prompt"),
           ("json", "valid JSON answers"), ("tool_calls", "rows with a tool call"),
           ("template", "templated answers"))


def complement_lines(audit: Audit) -> list[str]:
    return [f"{c['title']}: {c['message']} [{c['code']}]"
            for c in audit.recommendation.complements]


def change_lines(audit: Audit) -> list[str]:
    """The remedies, then the crossovers (more data first, then call volumes)."""
    rec = audit.recommendation
    return [*rec.would_change, *(c["message"] for c in rec.crossovers)]


def signal_items(audit: Audit) -> list[tuple[str, str]]:
    """The measured shares with their intervals, as (label, text)."""
    s = audit.recommendation.answer_signals
    if not s or not s.get("rows"):
        return []
    out = []
    for key, label in SIGNALS:
        v = s.get(key)
        if isinstance(v, dict) and v.get("share") is not None:
            out.append((label, f"{100 * v['share']:.1f} % ({100 * v['lo']:.1f}-"
                               f"{100 * v['hi']:.1f} %; {v['k']:,} of {v['n']:,})"))
    if s.get("length_cv") is not None:
        out.append(("answer length spread (std / mean)", f"{s['length_cv']:.2f}"))
    out.append(("task type", f"{s.get('task')} (measured: {s.get('measured_task')})"))
    return out


def audit_day(audit: Audit) -> date | None:
    stamp = str(audit.meta.get("generated_at") or "")[:10]
    try:
        return date.fromisoformat(stamp)
    except ValueError:
        return None


def price_notes(audit: Audit) -> list[str]:
    """Warnings about the price entries the cost table used: unconfirmed, or older than
    ``STALE_DAYS`` on the day of the audit."""
    costs = audit.context.get("costs") or []
    if not costs:
        return []
    day = audit_day(audit)
    notes = []
    unconfirmed = sorted({_who(c) for c in costs if "confirmed" in c and not c["confirmed"]})
    if unconfirmed:
        notes.append("prices not confirmed on the provider's page: " + ", ".join(unconfirmed)
                     + " (`tuneready prices` lists sources)")
    if day is not None:
        old = sorted({f"{_who(c)} ({c['as_of']})" for c in costs
                      if _age(c.get("as_of"), day) > STALE_DAYS})
        if old:
            notes.append("prices older than 6 months on the day of this audit: "
                         + ", ".join(old))
    return notes


def _who(c: dict[str, Any]) -> str:
    return f"{c.get('provider') or 'unnamed'} {c.get('model') or ''}".strip()


def _age(as_of: Any, day: date) -> int:
    try:
        return (day - date.fromisoformat(str(as_of))).days
    except ValueError:
        return 0


def prompt_line(audit: Audit) -> str:
    p = audit.context.get("prompt")
    if not p:
        return ""
    return (f"prompt file {p['path']}: {p['tokens']:,} tokens ({p.get('encoding', '')}), "
            f"sha256 {str(p['sha256'])[:12]}")


def junit_properties(audit: Audit) -> list[tuple[str, str]]:
    rec = audit.recommendation
    out = [("complements", ",".join(c["code"] for c in rec.complements))]
    for c in rec.complements:
        share = (c.get("measured") or {}).get("knowledge")
        if isinstance(share, dict) and share.get("share") is not None:
            out.append((f"{c['code']}.share", f"{share['share']} [{share['lo']}, {share['hi']}]"))
    s = rec.answer_signals
    for key, _ in SIGNALS:
        v = s.get(key) if s else None
        if isinstance(v, dict) and v.get("share") is not None:
            out.append((f"signal.{key}", f"{v['share']} [{v['lo']}, {v['hi']}]"))
    out += [(f"crossover.{i + 1}", c["message"]) for i, c in enumerate(rec.crossovers)]
    if audit.context.get("prompt"):
        out.append(("prompt_sha256", str(audit.context["prompt"]["sha256"])))
    return out
