"""Markdown summary for CI (GitHub step summaries, merge-request comments).

Short by design: the verdict, a table of checks, the top ``MAX_FINDINGS`` findings with their
rows, in the one order of ``render/views.py`` (info findings only where fail and warn leave
room). Every data string goes through ``esc``: GitHub renders HTML inside Markdown, so ``<``,
``>`` and ``&`` become entities, and Markdown's own syntax characters are backslash-escaped so
a label like ``*urgent*`` or a text with ``|`` cannot restyle the page or break the table;
control, zero-width and bidi characters are shown as ``⟨U+202E⟩`` tokens.
"""

from __future__ import annotations

import re

from tuneready.core.results import VERDICT_TITLE, Audit, Finding, Status
from tuneready.core.textsafe import visible
from tuneready.render.extras import (
    change_lines,
    complement_lines,
    compute_rows,
    compute_title,
    price_notes,
    prompt_line,
    signal_items,
)
from tuneready.render.views import build

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
    view = build(audit)
    v = view.verdict
    ds = audit.dataset
    ready = "ready" if v.ready else "**not ready**"
    lines = [
        f"## tuneready: {esc(v.title)}",
        "",
        f"{esc(ds.get('path', ''))} ({esc(ds.get('format', ''))}, "
        f"{int(ds.get('rows') or 0):,} rows): {ready} for "
        f"{esc(VERDICT_TITLE[v.required])}; confidence {esc(v.confidence)}; "
        f"**{v.effective_n:,}** effective examples.",
    ]
    if v.data_verdict:
        lines.append(f"The data alone supports {esc(VERDICT_TITLE[v.data_verdict])}; the "
                     "deployment context chose the path above.")
    lines += ["", "**Why**", ""]
    lines += [f"- {esc(r.reason.message)} ({code(r.reason.code)})" for r in v.shown_reasons]
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
    for c in view.checks:
        lines.append(f"| {esc(c.name)} | {ICON[c.status]} {c.status.value} | {esc(c.summary)} "
                     f"| {len(c.findings)} |")
    top = view.top(MAX_FINDINGS)   # one order for every output (``render/views.py``)
    if top:
        lines += ["", "**Top findings**", "", "| severity | check | finding | rows |",
                  "|---|---|---|---|"]
        for row in top:
            f = row.finding
            lines.append(f"| {f.severity.value} | {esc(row.check)} | {esc(f.message)} "
                         f"({code(f.code)}) | {_rows(f)} |")
        if any(r.finding.n_rows > min(len(r.finding.rows), MAX_ROWS) for r in top):
            lines += ["", "Rows shown are examples: `flagged.csv` in the report folder lists "
                          "every row of every finding."]
    policy = audit.policy
    lines += ["", f"<sub>dataset sha256 {code(ds.get('sha256', ''))} · policy "
                  f"{esc(policy.get('name', ''))} {code(str(policy.get('sha256', ''))[:12])}"
                  + (f" · full report: {esc(html_name)}" if html_name else "") + "</sub>", ""]
    return "\n".join(lines)


def _costs(audit: Audit) -> list[str]:
    costs = audit.context.get("costs") or []
    out = []
    if costs:
        out = ["", "| path | offer | prices as of | one-off | a month |",
               "|---|---|---|---:|---:|"]
        for c in costs:
            who = f"{c.get('provider', '')} {c.get('model', '')}".strip()
            out.append(f"| {esc(c['path'])} | {esc(who)} | {esc(c.get('as_of', ''))} | "
                       f"${c['one_off']:,.2f} | ${c.get('total_monthly', c['monthly']):,.2f} |")
        out += [f"\n⚠️ {esc(n)}" for n in price_notes(audit)]
    out += _compute(audit)
    if prompt_line(audit):
        out.append(f"\n{esc(prompt_line(audit))}")
    return out


def _compute(audit: Audit) -> list[str]:
    rows = compute_rows(audit)
    if not rows:
        return []
    out = ["", esc(compute_title(audit)), "",
           "| method | FLOPs | GPU time | memory | GPUs | cost |", "|---|---:|---:|---:|---:|---:|"]
    out += ["| " + " | ".join(esc(cell) for cell in row) + " |" for row in rows]
    return out


def _rows(f: Finding) -> str:
    if not f.rows:
        return ""
    shown = ", ".join(str(int(r)) for r in f.rows[:MAX_ROWS])
    n = max(f.n_rows, len(f.rows))
    return shown + (f" … ({n:,} in all)" if n > MAX_ROWS else "")
