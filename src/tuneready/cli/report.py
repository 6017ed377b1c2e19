"""``tuneready report``: re-render a saved audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import HtmlOut, JunitOut, MdOut, _load_audit, _write_reports


def report(
    audit_json: Annotated[Path, typer.Argument(metavar="AUDIT.json",
                                               help="A saved audit.json.")],
    html: HtmlOut = None, md: MdOut = None, junit: JunitOut = None,
) -> None:
    """Re-render a saved audit (default: report.html next to the audit file)."""
    from tuneready.checks.privacy.protect import protect

    result = _load_audit(audit_json)
    result.checks = protect(result.checks, None)  # an audit saved before masking existed
    if html is None and md is None and junit is None:
        html = audit_json.with_name("report.html")
    for path in _write_reports(result, None, {"html": html, "md": md, "junit": junit},
                               step_summary=False):   # a re-render is not a new CI result
        typer.echo(f"wrote {path}")
