"""Terminal view of ``tuneready fix``: the verdict before -> after, what changed, where it is."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tuneready.core.results import VERDICT_TITLE, Audit

STYLE = {"full_fine_tune": "green", "lora": "green", "prompt_engineering": "yellow",
         "not_ready": "red"}


def render(before: Audit, after: Audit, summary: dict[str, Any], reaudit: dict[str, int],
           paths: dict[str, str], notes: list[str], console: Console) -> None:
    console.print(verdict_card(before, after, reaudit))
    console.print(summary_table(summary))
    for note in notes:
        console.print(Text(f"note: {note}", style="yellow"))
    for name, path in paths.items():
        console.print(Text(f"{name}: {path}", style="dim"))


def _side(audit: Audit) -> Text:
    rec = audit.recommendation
    text = Text(VERDICT_TITLE[rec.verdict], style=f"bold {STYLE.get(rec.verdict.value, '')}")
    text.append(f" ({'ready' if rec.ready else 'NOT ready'}, {rec.effective_n:,} effective "
                f"of {audit.dataset['rows']:,} rows)", style="default")
    return text


def verdict_card(before: Audit, after: Audit, reaudit: dict[str, int]) -> Panel:
    line = Text("before: ")
    line.append_text(_side(before))
    second = Text("after:  ")
    second.append_text(_side(after))
    left = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in reaudit.items())
    rec = after.recommendation
    return Panel(Group(line, second, Text(f"re-audit: {left}", style="dim")),
                 title=Text(f"tuneready fix: {before.dataset['path']} -> "
                            f"{after.dataset['path']}"),
                 border_style=STYLE.get(rec.verdict.value, "default"))


def summary_table(summary: dict[str, Any]) -> Table:
    table = Table(title="changes", show_header=True)
    table.add_column("")
    table.add_column("rows", justify="right")
    table.add_row("rows in", f"{summary['rows_in']:,}")
    for code, n in summary["dropped"].items():
        table.add_row(Text(f"  dropped: {code}"), f"{n:,}")
    for code, n in summary["relabelled"].items():
        table.add_row(Text(f"  relabelled: {code}"), f"{n:,}")
    for code, n in summary.get("redacted", {}).items():
        table.add_row(Text(f"  redacted: {code}"), f"{n:,}")
    table.add_row("dropped", f"{summary['dropped_total']:,}")
    table.add_row("relabelled", f"{summary['relabelled_total']:,}")
    if summary.get("redacted_total"):
        table.add_row("redacted (rows kept)", f"{summary['redacted_total']:,}")
    table.add_row("rows out", f"{summary['rows_out']:,}")
    return table
