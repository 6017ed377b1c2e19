"""``tuneready explain``: what a check measures, why, and each threshold's rationale."""

from __future__ import annotations

from typing import Annotated

import typer

from tuneready.cli.common import _die, _policy


def explain(name: Annotated[str, typer.Argument(help="Check name (see `tuneready checks`), "
                                                "or 'context' / 'decision'.")],
            policy: Annotated[str | None, typer.Option(help="Policy file.")] = None) -> None:
    """Explain what a check measures, why it matters, and each threshold with its rationale."""
    from rich.console import Console
    from rich.markup import escape

    from tuneready.checks import REGISTRY, get_check
    from tuneready.config.policy import documented_keys

    known = [*REGISTRY, "context", "decision", "audit"]
    if name not in known:
        _die(f"unknown check '{name}'; choose one of {', '.join(known)}")
    values = _policy(policy).for_check(name)
    console = Console()
    if name in REGISTRY:
        chk = get_check(name)
        console.print(f"[bold]{name}[/bold]: {chk.what}")
        console.print(f"Why it matters: {chk.why}")
    console.print(f"\nThresholds in [{name}] (value in force, then rationale):", markup=False)
    for key, _default, comment in documented_keys(name):
        console.print(f"  [bold]{key}[/bold] = {escape(repr(values.get(key)))}")
        if comment:
            console.print(f"      {comment}", style="dim", markup=False)
