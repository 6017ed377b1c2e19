"""Shared pieces of the command line: the typer app, option types, the one-line error exit,
running an audit and writing its reports (each command lives in its own module)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# the CI gate's exit logic lives in the library (``tuneready.exit_code``); re-exported here
from tuneready.decide.gate import FailOn as FailOn
from tuneready.decide.gate import exit_code as exit_code

if TYPE_CHECKING:
    from tuneready.config.policy import Policy
    from tuneready.core.results import Audit

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit an LLM fine-tuning dataset: full fine-tune, LoRA, prompt "
                       "engineering, or not ready, with the evidence.")


class LabelKindOpt(StrEnum):
    auto = "auto"
    annotation = "annotation"
    outcome = "outcome"


HtmlOut = Annotated[Path | None, typer.Option("--html", help="Also write the HTML report "
                                              "to this file.")]
MdOut = Annotated[Path | None, typer.Option("--md", help="Also write the Markdown summary to "
                                            "this file (it is also appended to "
                                            "$GITHUB_STEP_SUMMARY when set).")]
JunitOut = Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML (one test "
                                               "case per check) to this file.")]


def _die(message: str) -> None:
    from tuneready.core.textsafe import visible

    typer.echo(f"tuneready: error: {visible(' '.join(message.splitlines()))}", err=True)
    raise typer.Exit(2)


def _policy(path: str | None) -> Policy:
    """Load a policy or exit 2 with its one-line error."""
    from tuneready.config.errors import InputError
    from tuneready.config.policy import load_policy

    try:
        return load_policy(path)
    except InputError as exc:
        _die(str(exc))
        raise  # unreachable: _die exits


def _run(path: Path | list[Path], options: object, quiet: bool) -> Audit:
    from rich.console import Console

    from tuneready.config.errors import InputError
    from tuneready.engine.pipeline import AuditOptions, run_audit

    assert isinstance(options, AuditOptions)
    console = Console(stderr=True)
    try:
        if quiet or not console.is_terminal:
            return run_audit(path, options)
        with console.status("auditing") as status:
            return run_audit(path, options,
                             progress=lambda step: status.update(f"auditing: {step}"))
    except InputError as exc:
        _die(str(exc))
        raise  # unreachable; keeps type checkers happy


def _write_reports(result: Audit, folder: Path | None,
                   extra: dict[str, Path | None] | None = None,
                   step_summary: bool = True) -> list[Path]:
    """audit.json, report.html, summary.md, junit.xml in the folder, plus any extra paths."""
    from tuneready.render.outputs import write_reports

    try:
        written = write_reports(result, folder, extra, step_summary=step_summary)
    except OSError as exc:
        _die(f"cannot write reports to {exc.filename or folder}: {exc.strerror}")
        raise  # unreachable; keeps type checkers happy
    for problem in written.problems:
        typer.echo(f"tuneready: warning: {problem}", err=True)
    return written.paths


def _print(result: Audit, folder: Path) -> None:
    from rich.console import Console

    from tuneready.render import terminal

    console = Console()
    terminal.render(result, console)
    console.print(f"reports: {folder}/ (open {folder / 'report.html'} in a browser)",
                  style="dim", markup=False)


def _load_audit(path: Path) -> Audit:
    """A saved audit; one older than schema 2.1 gets today's what/why and chart kinds for the
    checks this version knows (it did not save them; ``core/upgrade.py``)."""
    from tuneready.checks import described
    from tuneready.render import json as json_render

    try:
        return json_render.load(path.read_text(encoding="utf-8"), described)
    except OSError as exc:
        _die(f"{path}: cannot read ({exc.strerror})")
    except ValueError as exc:
        _die(f"{path}: not valid JSON ({exc})")
    except (KeyError, TypeError, AttributeError) as exc:
        _die(f"{path}: not a tuneready audit (missing or malformed {exc})")
    raise AssertionError("unreachable")
