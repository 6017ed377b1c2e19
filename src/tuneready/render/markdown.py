"""Markdown summary for CI (GitHub step summaries, merge-request comments).

Short by design: the verdict, a table of checks, the top findings with their rows. Every data
string goes through ``esc``: GitHub renders HTML inside Markdown, so ``<``, ``>`` and ``&``
become entities, and Markdown's own syntax characters are backslash-escaped so a label like
``*urgent*`` or a text with ``|`` cannot restyle the page or break the table; control,
zero-width and bidi characters are shown as ``⟨U+202E⟩`` tokens.
"""

from __future__ import annotations

import re

from tuneready.core.results import VERDICT_TITLE, Audit, Finding, Severity, Status
from tuneready.core.textsafe import visible
from tuneready.render.extras import (
    change_lines,
    complement_lines,
    price_notes,
    prompt_line,
    signal_items,
)

MAX_FINDINGS = 10
MAX_ROWS = 10
ICON = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.ERROR: "💥",
        Status.SKIPPED: "⏭️"}
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_MD = re.compile(r"([\\`*_\[\]|~])")   # lines never start with data: no # + - escaping


def esc(text: object) -> str:
    """Plain text safe inside Markdown (including table cells), on one line; invisible and
    bidi characters shown as ``⟨U+202E⟩`` (``tuneready.core.textsafe``)."""
    s = " ".join(visible(text).split())
    s = "".join(_HTML.get(ch, ch) for ch in s)
    return _MD.sub(r"\\\1", s)


def code(text: object) -> str:
    """Inline code span; a span cannot contain its own fence, so backticks are dropped."""
    s = " ".join(visible(text).split()).replace("`", "'").replace("|", "¦")
    return f"`{s}`" if s else ""


def render(audit: Audit, html_name: str | None = None) -> str:
    rec = audit.recommendation
    ds = audit.dataset
    ready = "ready" if rec.ready else "**not ready**"
    lines = [
        f"## tuneready: {esc(VERDICT_TITLE[rec.verdict])}",
        "",
        f"{esc(ds.get('path', ''))} ({esc(ds.get('format', ''))}, "
        f"{int(ds.get('rows') or 0):,} rows): {ready} for "
        f"{esc(VERDICT_TITLE[rec.required])}; confidence {esc(rec.confidence)}; "
        f"**{rec.effective_n:,}** effective examples.",
    ]
    if rec.data_verdict and rec.data_verdict != rec.verdict:
        lines.append(f"The data alone supports {esc(VERDICT_TITLE[rec.data_verdict])}; the "
                     "deployment context chose the path above.")
    lines += ["", "**Why**", ""]
    lines += [f"- {esc(r.message)} ({code(r.code)})" for r in rec.reasons[:5]]
    if rec.complements:
        lines += ["", "**Combine it with**", ""]
        lines += [f"- {esc(c)}" for c in complement_lines(audit)]
    changes = change_lines(audit)
    if changes:
        lines += ["", "**What would change it**", ""]
        lines += [f"- {esc(w)}" for w in changes[:5 + len(rec.crossovers)]]
    signals = signal_items(audit)
    if signals:
        lines += ["", "**Measured**: " + "; ".join(f"{esc(k)} {esc(v)}" for k, v in signals)]
    lines += _costs(audit)
    lines += ["", "| check | status | result | findings |", "|---|---|---|---:|"]
    for c in audit.checks:
        summary = c.error if c.status == Status.ERROR and c.error else c.summary
        lines.append(f"| {esc(c.name)} | {ICON[c.status]} {c.status.value} | {esc(summary)} "
                     f"| {len(c.findings)} |")
    top = _top_findings(audit)
    if top:
        lines += ["", "**Top findings**", "", "| severity | check | finding | rows |",
                  "|---|---|---|---|"]
        for name, f in top:
            lines.append(f"| {f.severity.value} | {esc(name)} | {esc(f.message)} "
                         f"({code(f.code)}) | {_rows(f)} |")
    policy = audit.policy
    lines += ["", f"<sub>dataset sha256 {code(ds.get('sha256', ''))} · policy "
                  f"{esc(policy.get('name', ''))} {code(str(policy.get('sha256', ''))[:12])}"
                  + (f" · full report: {esc(html_name)}" if html_name else "") + "</sub>", ""]
    return "\n".join(lines)


def _costs(audit: Audit) -> list[str]:
    costs = audit.context.get("costs") or []
    if not costs:
        return []
    out = ["", "| path | provider | prices as of | one-off | monthly |", "|---|---|---|---:|---:|"]
    for c in costs:
        who = f"{c.get('provider', '')} {c.get('model', '')}".strip()
        out.append(f"| {esc(c['path'])} | {esc(who)} | {esc(c.get('as_of', ''))} | "
                   f"${c['one_off']:,.2f} | ${c.get('total_monthly', c['monthly']):,.2f} |")
    out += [f"\n⚠️ {esc(n)}" for n in price_notes(audit)]
    if prompt_line(audit):
        out.append(f"\n{esc(prompt_line(audit))}")
    return out


def _top_findings(audit: Audit) -> list[tuple[str, Finding]]:
    order = {Severity.FAIL: 0, Severity.WARN: 1, Severity.INFO: 2}
    items = [(c.name, f) for c in audit.checks for f in c.findings
             if f.severity != Severity.INFO]
    return sorted(items, key=lambda cf: order[cf[1].severity])[:MAX_FINDINGS]


def _rows(f: Finding) -> str:
    if not f.rows:
        return ""
    shown = ", ".join(str(int(r)) for r in f.rows[:MAX_ROWS])
    n = max(f.n_rows, len(f.rows))
    return shown + (f" … ({n:,} in all)" if n > MAX_ROWS else "")
