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
    """The day prices are judged stale on: the audit's ``[context] date`` when one was
    given, else the day it ran."""
    given = str((audit.context.get("inputs") or {}).get("date") or "")
    stamp = given or str(audit.meta.get("generated_at") or "")[:10]
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
    notes = [f"{_who(c)} {c['closes']}" for c in costs if c.get("closes")]
    notes += [f"{u['path']}: no open offer ({u['why']}); give your own price with --prices FILE"
              for u in audit.context.get("unpriced") or []]
    unconfirmed = sorted({_who(c) for c in costs if "confirmed" in c and not c["confirmed"]})
    if unconfirmed:
        notes.append("prices not read on the provider's page: " + ", ".join(unconfirmed)
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


def compute_title(audit: Audit) -> str:
    """What the training-compute table estimates, in one line."""
    c = audit.context.get("compute")
    if not c:
        return ""
    rental = c.get("gpu_hour")
    price = (f"at {rental['provider']}'s ${rental['price']:,.4g} per GPU-hour" if rental
             else "no open rental of this GPU in the price table: give a price with --prices")
    return (f"Training compute: {c['model']['name']} open model ({c['model']['id']}), "
            f"{c['epochs']} epochs x {c['training_tokens']:,} tokens, p95 sequence "
            f"{c['seq_p95']:,} tokens, {c['gpu']['name']} at {100 * c['utilisation']:.0f} % "
            f"utilisation, {price}")


def compute_rows(audit: Audit) -> list[tuple[str, str, str, str, str, str]]:
    """Per method: name, FLOPs, GPU-hours, memory (GB), GPUs needed, cost."""
    c = audit.context.get("compute")
    if not c:
        return []
    titles = {"full": "full fine-tune", "lora": "LoRA", "qlora": "QLoRA"}
    out = []
    for m in c["methods"]:
        cost = f"${m['cost']:,.2f}" if "cost" in m else "no price"
        out.append((titles.get(m["method"], m["method"]), f"{m['flops']:.2e}",
                    _hours(m["gpu_hours"]), f"{m['memory_gb']['total']:,.1f} GB",
                    f"{m['gpus']}x {c['gpu']['name']}", cost))
    return out


def _hours(h: float) -> str:
    if h < 1:
        return f"{h * 60:.2g} min"
    return f"{h:,.1f} h"


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
