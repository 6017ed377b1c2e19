"""``tuneready checks``: list the checks and the thresholds in force."""

from __future__ import annotations

from typing import Annotated

import typer

from tuneready.cli.common import _policy


def list_checks(policy: Annotated[str | None, typer.Option(help="Policy file.")] = None) -> None:
    """List the checks, what each measures, and the thresholds in force."""
    from rich.console import Console

    from tuneready.checks import REGISTRY, get_check

    pol = _policy(policy)
    console = Console()
    for name in REGISTRY:
        chk = get_check(name)
        console.print(f"[bold]{name}[/bold]: {chk.what}")
        console.print(f"  why: {chk.why}", style="dim")
        for key, value in pol.for_check(name).items():
            console.print(f"  {key} = {value!r}", markup=False)
