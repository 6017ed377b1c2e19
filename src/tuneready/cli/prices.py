"""``tuneready prices``: the price table in force, dated per entry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import _die


def prices(file: Annotated[Path | None, typer.Option(help="A price table file (default: the "
                                                     "packaged table).")] = None) -> None:
    """Print the price table in force: every provider per path with its date and source."""
    from rich.console import Console

    from tuneready.config.errors import InputError
    from tuneready.render.prices import render_prices

    try:
        render_prices(Console(), str(file) if file else None)
    except InputError as exc:
        _die(exc.render())
