"""``tuneready diff``: how readiness changed between two audits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import _load_audit


def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD.json", help="Audit of the old version.")],
    new: Annotated[Path, typer.Argument(metavar="NEW.json", help="Audit of the new version.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as "
                                          "JSON.")] = False,
    md: Annotated[Path | None, typer.Option("--md", help="Also write the comparison as "
                                            "Markdown to this file.")] = None,
    fail_on_regression: Annotated[bool, typer.Option(help="Exit 1 when the verdict went "
                                                     "down or the data stopped being "
                                                     "ready.")] = False,
) -> None:
    """Show how readiness changed between two audits: verdict, checks, effective n, noise."""
    import json

    from tuneready.decide.diff import compare, regressed
    from tuneready.io.write import atomic_write
    from tuneready.render import diff as diff_render

    comparison = compare(_load_audit(old), _load_audit(new))
    text = diff_render.render(comparison)
    if md is not None:
        atomic_write(md, text)
    if as_json:
        sys.stdout.write(json.dumps(comparison, indent=2) + "\n")
    elif sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    raise typer.Exit(1 if fail_on_regression and regressed(comparison) else 0)
