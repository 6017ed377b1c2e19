"""`tuneready prices`: the price table in force, one row per provider and path, with the date
each entry was read, whether it was confirmed, and its source, so stale or unconfirmed
prices are visible before anyone relies on a cost comparison."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tuneready.core.textsafe import visible
from tuneready.decide.cost import load_prices, offers
from tuneready.render.extras import STALE_DAYS

SHOWN = ("input", "cached_input", "output", "train", "tuned_input", "tuned_output",
         "hosting_month", "gpu_hour", "calls_per_gpu_month")


def render_prices(console: Console, path: str | None = None, today: date | None = None) -> None:
    table_data = load_prices(path)
    entries = offers(table_data, path or "packaged price table")
    day = today or date.today()
    table = Table(title=Text(visible(f"Price table {path or '(packaged)'}, version "
                                     f"{table_data.get('version')}, US$ per 1M tokens")),
                  title_justify="left", show_edge=False)
    for col in ("path", "provider", "model", "prices", "as of", "confirmed", "source"):
        table.add_column(col, overflow="fold")
    stale = 0
    for o in entries:
        age = _age(o.as_of, day)
        old = age is not None and age > STALE_DAYS
        stale += old
        prices = ", ".join(f"{k} {o.prices[k]:g}" for k in SHOWN if k in o.prices)
        table.add_row(o.path, visible(o.provider), visible(o.model), prices,
                      Text(o.as_of + (" (old)" if old else ""), style="yellow" if old else ""),
                      Text("yes" if o.confirmed else "no", style="" if o.confirmed else "yellow"),
                      visible(f"{o.source} — via {o.via}"))
    console.print(table)
    unconfirmed = sum(not o.confirmed for o in entries)
    if unconfirmed:
        console.print(Text(f"{unconfirmed} of {len(entries)} entries are not confirmed on the "
                           "provider's page: check them before relying on a cost comparison",
                           style="yellow"))
    if stale:
        console.print(Text(f"{stale} entries are more than 6 months old on {day.isoformat()}",
                           style="yellow"))


def _age(as_of: str, day: date) -> int | None:
    try:
        return (day - date.fromisoformat(as_of)).days
    except ValueError:
        return None
