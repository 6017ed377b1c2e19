"""Command line: a thin typer shell (parse, call, render, exit).

Exit codes: 0 the data is ready for the policy's required path, 1 it is not, 2 usage or input
error. Heavy libraries are imported inside commands so ``tuneready --help`` stays instant.

One module per command; they are registered here in the order ``--help`` lists them.
"""

from __future__ import annotations

import os

from tuneready.cli import audit, checks, demo, diff, explain, fix, init, prices, report, review
from tuneready.cli.common import app

__all__ = ["app", "main"]

app.command()(audit.audit)
app.command()(review.review)
app.command()(fix.fix)
app.command("checks")(checks.list_checks)
app.command()(explain.explain)
app.command()(init.init)
app.command()(demo.demo)
app.command()(report.report)
app.command()(diff.diff)
app.command()(prices.prices)


def main() -> None:
    from tuneready.engine.libs import block_datalab_import

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    block_datalab_import()  # the command never uses cleanlab's Datalab
    app()

