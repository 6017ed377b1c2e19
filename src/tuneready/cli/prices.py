"""``tuneready prices``: the price table in force, dated per entry, with each offer's state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import _die


def prices(file: Annotated[Path | None, typer.Option("--file", "--prices", help="A price "
                                                     "table file (default: the packaged "
                                                     "table).")] = None,
           on_date: Annotated[str | None, typer.Option("--date", help="Show each offer's "
                                                       "state on this day (YYYY-MM-DD; "
                                                       "default today).")] = None,
           verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print each "
                                                 "entry's note: what was and was not "
                                                 "confirmed on its page.")] = False) -> None:
    """Print the price table in force: every offer per path with its read date, source and
    whether it is open, closing or closed."""
    from datetime import date

    from rich.console import Console

    from tuneready.config.errors import InputError
    from tuneready.render.prices import render_prices

    try:
        day = date.fromisoformat(on_date) if on_date else None
    except ValueError:
        _die(f"--date: '{on_date}' is not a date (YYYY-MM-DD)")
    try:
        render_prices(Console(), str(file) if file else None, day, verbose)
    except InputError as exc:
        _die(exc.render())
