"""Terminal view (rich): verdict first, one line per check, then the findings worth a look.

Data never reaches rich as markup: every data string becomes a ``Text`` through ``_t``, which
also shows control, zero-width and bidi characters as ``⟨U+202E⟩`` (a raw escape sequence or
carriage return in a label could otherwise rewrite the terminal, and ``[red]`` in a message
would be read as a style).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tuneready.core.results import VERDICT_TITLE, Audit, Severity, Status, Verdict
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
from tuneready.render.views import View, build

STATUS_STYLE = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "red",
                Status.ERROR: "red reverse", Status.SKIPPED: "dim"}
VERDICT_STYLE = {Verdict.FULL_FINE_TUNE: "green", Verdict.LORA: "cyan",
                 Verdict.PROMPT_ENGINEERING: "yellow", Verdict.NOT_READY: "red"}
SEVERITY_STYLE = {Severity.FAIL: "red", Severity.WARN: "yellow", Severity.INFO: "dim"}


def _t(value: object, style: str = "") -> Text:
    return Text(visible(value), style=style)


def render(audit: Audit, console: Console, max_findings: int = 8) -> None:
    view = build(audit)
    console.print(_verdict_panel(audit, view))
    console.print(_check_table(view))
    findings = _top_findings(view, max_findings)
    if findings.row_count:
        console.print(findings)
    if audit.context.get("costs"):
        console.print(_cost_table(audit))
        for note in price_notes(audit):
            console.print(_t(f"warning: {note}", "yellow"))
    if compute_rows(audit):
        console.print(_compute_table(audit))
    if prompt_line(audit):
        console.print(_t(prompt_line(audit), "dim"))


def _verdict_panel(audit: Audit, view: View) -> Panel:
    rec, v = audit.recommendation, view.verdict
    head = Text(v.title, style=f"bold {VERDICT_STYLE[v.verdict]}")
    status = "ready" if v.ready else "NOT ready"
    head.append(f"   ({status} for {v.required.value}; confidence {v.confidence}; "
                f"{v.effective_n:,} effective examples)", style="default")
    lines: list[Text | str] = [head]
    if v.data_verdict:
        lines.append(Text(f"the data alone supports {VERDICT_TITLE[v.data_verdict]}; the "
                          "deployment context chose the path above", style="dim"))
    lines.append("")
    lines += [_t(f"- {r.reason.message}  [{r.reason.code}]") for r in v.shown_reasons]
    if rec.complements:
        lines += ["", Text("Combine it with:", style="bold")]
        lines += [_t(f"- {c}") for c in complement_lines(audit)]
    changes = change_lines(audit)
    if changes:
        lines += ["", Text("What would change it:", style="bold")]
        lines += [_t(f"- {w}") for w in changes[:4 + len(rec.crossovers)]]
    signals = signal_items(audit)
    if signals:
        lines += ["", Text("Measured: " + "; ".join(f"{k} {s}" for k, s in signals[:3]),
                           style="dim")]
    ds = audit.dataset
    title = _t(f"tuneready: {ds['path']} ({ds['format']}, {ds['rows']:,} rows)")
    return Panel(Group(*lines), title=title, border_style=VERDICT_STYLE[v.verdict])


def _check_table(view: View) -> Table:
    table = Table(title="Checks", title_justify="left", show_edge=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("summary", overflow="fold")
    for c in view.checks:
        table.add_row(_t(c.name), Text(c.status.value, style=STATUS_STYLE[c.status]),
                      _t(c.summary))
    return table


def _top_findings(view: View, limit: int) -> Table:
    """The view's top findings (``render/views.py``: one order for every output)."""
    table = Table(title="Top findings", title_justify="left", show_edge=False)
    table.add_column("severity")
    table.add_column("code")
    table.add_column("finding", overflow="fold")
    table.add_column("rows", overflow="fold")
    for row in view.top(limit):
        f = row.finding
        rows = ", ".join(map(str, f.rows[:6])) + (" ..." if f.n_rows > 6 else "")
        table.add_row(Text(f.severity.value, style=SEVERITY_STYLE[f.severity]), _t(f.code),
                      _t(f.message), _t(rows))
    return table


def _cost_table(audit: Audit) -> Table:
    prices = audit.context.get("prices", {})
    table = Table(title=_t(f"Cost per path (cheapest open offer of each; table of "
                           f"{prices.get('as_of')})"), title_justify="left", show_edge=False)
    table.add_column("path")
    table.add_column("offer", overflow="fold")
    for col in ("one-off", "a month", "break-even"):
        table.add_column(col, justify="right")
    for c in audit.context["costs"]:
        months = c.get("break_even_month")
        who = f"{c.get('provider', '')} {c.get('model', '')}".strip() or str(prices.get('model'))
        if c.get("closes"):
            who += " (closing: see below)"
        table.add_row(_t(c["path"]), _t(who), f"${c['one_off']:,.2f}",
                      f"${c.get('total_monthly', c['monthly']):,.2f}",
                      "never" if months is None else f"{months:.1f} months")
    return table


def _compute_table(audit: Audit) -> Table:
    """Training compute of the open model from the data's tokens (``decide/compute.py``)."""
    table = Table(title=_t(compute_title(audit)), title_justify="left", show_edge=False)
    for col in ("method", "FLOPs", "GPU time", "memory", "GPUs", "cost"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for row in compute_rows(audit):
        table.add_row(*(_t(cell) for cell in row))
    return table
