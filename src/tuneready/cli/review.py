"""``tuneready review``: how far a review has got and what it measures so far."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import LabelKindOpt, _die, _policy


def review(
    path: Annotated[list[Path], typer.Argument(help="The dataset the review sample came "
                                               "from (as given to tuneready audit).")],
    review_file: Annotated[Path | None, typer.Option(
        "--review", help="The review file being filled (default: review.csv in the report "
        "folder tuneready audit wrote, reports/<dataset name>/).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="As for tuneready audit.")]
    = None,
    reader: Annotated[str | None, typer.Option(help="As for tuneready audit.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "utf-8",
    text: Annotated[str | None, typer.Option(help="Column holding the input text.")] = None,
    label: Annotated[str | None, typer.Option(help="Column holding the label.")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy TOML file, or a packaged "
                                               "name.")] = None,
    label_kind: Annotated[LabelKindOpt | None, typer.Option(
        "--label-kind", help="As for tuneready audit.")] = None,
    split: Annotated[str | None, typer.Option(help="As for tuneready audit.")] = None,
) -> None:
    """Print what is left to review and the estimates the answers so far give (label-noise
    rate, each answer type's precision); writes nothing. Exit 0, or 2 on an input error."""
    from tuneready.cli.audit import _slug
    from tuneready.cli.common import _run
    from tuneready.config.errors import InputError
    from tuneready.engine.pipeline import AuditOptions
    from tuneready.io import LoadOptions
    from tuneready.io.review_file import progress
    from tuneready.render.review_status import lines

    _policy(policy)
    target = review_file or Path("reports") / _slug(path, split) / "review.csv"
    if not target.exists():
        _die(f"{target}: no review file (tuneready audit writes review.csv into its report "
             "folder; give another with --review)")
    options = AuditOptions(
        load=LoadOptions(reader=reader, format=fmt, text=text, label=label,
                         encoding=encoding, split=split),
        policy=policy, checks=["label_noise", "answers"], review_path=target,
        label_kind=label_kind.value if label_kind is not None else None)
    try:
        counts = progress(target)
    except InputError as exc:
        _die(str(exc))
    audit = _run(path, options, quiet=False)
    for line in lines(audit, counts, str(target)):
        typer.echo(line)
