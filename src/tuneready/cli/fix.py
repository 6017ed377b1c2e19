"""``tuneready fix``: audit, write the cleaned data, the change log and the re-audit.

Thin: parse, call ``tuneready.fix.run.run_fix``, render (``render/fix.py``), exit. Exit codes
as for ``audit``, read from the re-audit: 0 the cleaned data is ready for the policy's path,
1 it is not, 2 usage or input error (before anything is written).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import FailOn


def fix(
    path: Annotated[list[Path], typer.Argument(help="Dataset, as for audit: a file, a folder "
                                               "or quoted glob of shards, several shards.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write the cleaned data (a folder for shards). Default: "
        "<report folder>/<name>.cleaned.<ext>; never the input.")] = None,
    report_dir: Annotated[Path | None, typer.Option(
        "--report-dir", help="Report folder (default reports/<dataset name>/): the audit, "
        "after/ (the re-audit), diff.md, diff.json.")] = None,
    eval_path: Annotated[Path | None, typer.Option(
        "--eval", help="Eval set: drop training rows whose prompt is in it (exact or "
        "near).")] = None,
    review: Annotated[Path | None, typer.Option(
        "--review", help="A filled review.csv: rows a person answered get the reviewer's "
        "label.")] = None,
    drop_flagged: Annotated[bool, typer.Option(
        "--drop-flagged", help="Drop the unreviewed rows flagged as mislabelled.")] = False,
    relabel_flagged: Annotated[bool, typer.Option(
        "--relabel-flagged", help="Give unreviewed flagged rows the likely label, only where "
        "the proxy's probability of it is at least [fix] relabel_min_probability.")] = False,
    drop_bad_answers: Annotated[bool, typer.Option(
        "--drop-bad-answers", help="Drop the answers the audit removes: empty ones and those "
        "confirmed on this data by --review (candidates stay).")] = False,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Replace detected personal data and secrets with typed placeholders "
        "(<EMAIL>, <PHONE>, <SECRET>); the rows stay.")] = False,
    drop_private: Annotated[bool, typer.Option(
        "--drop-private", help="Drop the rows that hold detected personal data or "
        "secrets.")] = False,
    keep: Annotated[list[str] | None, typer.Option(
        "--keep", help="Do not act on this finding code or check (repeatable).")] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Act only on these finding codes or checks (repeatable).")] = None,
    pred_probs: Annotated[Path | None, typer.Option("--pred-probs", help="As for audit.")]
    = None,
    embeddings: Annotated[Path | None, typer.Option("--embeddings", help="As for audit.")]
    = None,
    fmt: Annotated[str | None, typer.Option("--format", help="As for audit.")] = None,
    reader: Annotated[str | None, typer.Option(help="As for audit.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file (the cleaned "
                                          "file is written in it).")] = "utf-8",
    text: Annotated[str | None, typer.Option(help="Column holding the input text.")] = None,
    label: Annotated[str | None, typer.Option(help="Column holding the label.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Group column (repeatable).")]
    = None,
    label_kind: Annotated[str | None, typer.Option(
        "--label-kind", help="annotation, outcome or auto.")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy TOML file or packaged name.")]
    = None,
    check: Annotated[list[str] | None, typer.Option(help="Run only these checks.")] = None,
    intersect: Annotated[list[str] | None, typer.Option(help="As for audit.")] = None,
    reference_path: Annotated[Path | None, typer.Option("--reference", help="As for audit.")]
    = None,
    fail_on: Annotated[FailOn, typer.Option(help="As for audit, applied to the "
                                            "re-audit.")] = FailOn.verdict,
    split: Annotated[str | None, typer.Option(help="As for audit.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
    = False,
) -> None:
    """Write a cleaned copy of the data, changes.csv, and a re-audit with its diff."""
    from tuneready.cli.audit import _load_arrays, _preflight
    from tuneready.cli.common import _die, exit_code
    from tuneready.config.errors import InputError
    from tuneready.engine.pipeline import AuditOptions
    from tuneready.fix.plan import FixOptions
    from tuneready.fix.run import relabel_threshold, run_fix
    from tuneready.io import LoadOptions

    _preflight(check, policy)
    if label_kind not in (None, "auto", "annotation", "outcome"):
        _die(f"--label-kind {label_kind}: choose auto, annotation or outcome")
    options = AuditOptions(
        load=LoadOptions(reader=reader, format=fmt, text=text, label=label,
                         groups=tuple(group or ()), encoding=encoding, split=split),
        policy=policy, checks=check, command=shlex.join(["tuneready", *sys.argv[1:]]),
        eval_path=eval_path, review_path=review, label_kind=label_kind, workers=True,
        intersect=list(intersect or ()), reference_path=reference_path)
    _load_arrays(options, pred_probs, embeddings)
    fix_options = FixOptions(drop_flagged=drop_flagged, relabel_flagged=relabel_flagged,
                             drop_bad_answers=drop_bad_answers, redact=redact,
                             drop_private=drop_private, keep=tuple(keep or ()),
                             only=tuple(only or ()),
                             relabel_min_probability=relabel_threshold(policy))
    try:
        result = run_fix(path, options, fix_options, out=out, folder=report_dir)
    except InputError as exc:
        _die(str(exc))
        raise  # unreachable
    except OSError as exc:
        _die(f"cannot write {exc.filename or out}: {exc.strerror}")
        raise  # unreachable
    paths = {"cleaned": str(result.cleaned), "changes": str(result.changes),
             "reports": f"{result.folder}/ (after/ is the re-audit; diff.md)"}
    if as_json:
        import json

        sys.stdout.write(json.dumps({"summary": result.summary, "reaudit": result.reaudit,
                                     "notes": result.notes, **paths}, indent=2) + "\n")
    else:
        from rich.console import Console

        from tuneready.render import fix as fix_render

        fix_render.render(result.before, result.after, result.summary, result.reaudit,
                          paths, result.notes, Console())
    raise typer.Exit(exit_code(result.after, fail_on))
