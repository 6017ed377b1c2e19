"""``tuneready init``: write a starter policy file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import _die


def init(
    name: Annotated[str, typer.Argument(help="Policy name.")] = "policy",
    base: Annotated[str, typer.Option(help="Start from a packaged policy.")] = "default",
    folder: Annotated[Path, typer.Option(help="Where to write it.")] = Path("checks"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter policy (every threshold, commented) into checks/NAME.toml."""
    from tuneready.config.policy import packaged_names, packaged_text
    from tuneready.io.write import atomic_write

    if base not in packaged_names():
        _die(f"unknown base policy '{base}'; choose one of {', '.join(packaged_names())}")
    target = folder / f"{name}.toml"
    if target.exists() and not force:
        _die(f"{target} exists; pass --force to overwrite")
    atomic_write(target, packaged_text(base))
    typer.echo(f"wrote {target}; use it with: tuneready audit DATA --policy {target}")
