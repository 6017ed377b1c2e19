"""``tuneready demo``: audit the bundled demo dataset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import JunitOut, MdOut, _print, _run, _write_reports


def demo(out: Annotated[Path, typer.Option(help="Report folder.")] = Path("reports/demo"),
         as_json: Annotated[bool, typer.Option("--json")] = False,
         html: Annotated[Path | None, typer.Option("--html", help="Also write the HTML "
                                                   "report here (default: the report folder's "
                                                   "name + .html, reports/demo.html).")] = None,
         md: MdOut = None, junit: JunitOut = None) -> None:
    """Audit the bundled demo dataset (1,500 support chats with planted defects)."""
    from tuneready.data.demo import packaged_path
    from tuneready.engine.pipeline import AuditOptions

    path = packaged_path()
    options = AuditOptions(command="tuneready demo")
    result = _run(path, options, quiet=as_json)
    _write_reports(result, out, {"html": html or out.with_name(f"{out.name}.html"), "md": md,
                                 "junit": junit})
    if as_json:
        from tuneready.render import json as json_render

        sys.stdout.write(json_render.render(result))
    else:
        _print(result, out)
