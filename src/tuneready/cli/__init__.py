"""Command line: a thin typer shell (parse, call, render, exit).

Exit codes: 0 the data is ready for the policy's required path, 1 it is not, 2 usage or input
error. Heavy libraries are imported inside commands so ``tuneready --help`` stays instant.
"""

from __future__ import annotations

import os
import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tuneready.config.policy import Policy
    from tuneready.core.results import Audit

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit an LLM fine-tuning dataset: full fine-tune, LoRA, prompt "
                       "engineering, or not ready, with the evidence.")


class FailOn(StrEnum):
    verdict = "verdict"
    fail = "fail"
    warn = "warn"


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


def _exit_code(audit: Audit, fail_on: FailOn) -> int:
    from tuneready.core.results import Status

    if not audit.recommendation.ready:
        return 1
    worst = {c.status for c in audit.checks}
    if fail_on == FailOn.fail and worst & {Status.FAIL, Status.ERROR}:
        return 1
    if fail_on == FailOn.warn and worst & {Status.FAIL, Status.ERROR, Status.WARN}:
        return 1
    return 0


@app.command()
def audit(
    path: Annotated[list[Path], typer.Argument(
        help="Dataset: a csv, tsv, jsonl or json file (optionally .gz/.bz2/.xz/.zst), "
        "parquet or arrow; a folder or quoted glob of shards; several shard files; or a "
        "Hugging Face save_to_disk folder.")],
    eval_path: Annotated[Path | None, typer.Option("--eval", help="Eval set to check for "
                                                   "leakage against the training data.")] = None,
    pred_probs: Annotated[Path | None, typer.Option(
        "--pred-probs", help="Out-of-fold class probabilities from your own model (.npy or "
        ".csv, rows x classes in sorted label order, rows in loaded file order).")] = None,
    embeddings: Annotated[Path | None, typer.Option(
        "--embeddings", help="Your own row embeddings (.npy or .csv, rows x dims) to replace "
        "the built-in TF-IDF features of the proxy model.")] = None,
    reference_path: Annotated[Path | None, typer.Option(
        "--reference", help="Sample of real production inputs: domain coverage.")] = None,
    review: Annotated[Path | None, typer.Option(
        "--review", help="A filled copy of review.csv (correct_label column): the answers "
        "measure the label-noise rate in place of the proxy's estimate.")] = None,
    label_kind: Annotated[LabelKindOpt | None, typer.Option(
        "--label-kind", help="annotation (a person judged each input), outcome (what "
        "happened later: repeated inputs may differ) or auto (detect; the policy's "
        "default).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the fine-tuning format: "
                                            "classification, text, prompt_completion, alpaca, "
                                            "sharegpt, openai_chat, preference, kto.")] = None,
    reader: Annotated[str | None, typer.Option(help="Force the file reader: csv, tsv, jsonl, "
                                               "json, parquet, label-lines.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "utf-8",
    text: Annotated[str | None, typer.Option(help="Column holding the input text.")] = None,
    label: Annotated[str | None, typer.Option(help="Column holding the label.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Sensitive/group column "
                                                    "(repeatable).")] = None,
    intersect: Annotated[list[str] | None, typer.Option(help="Bias: also compare the "
                                                        "intersection of two group columns, "
                                                        "e.g. gender*race (repeatable).")]
    = None,
    policy: Annotated[str | None, typer.Option(help="Policy TOML file, or a packaged name "
                                               "(default, strict).")] = None,
    out: Annotated[Path | None, typer.Option(help="Report folder (default "
                                             "reports/<dataset name>/).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON audit to stdout "
                                          "instead of the terminal view.")] = False,
    html: HtmlOut = None,
    md: MdOut = None,
    junit: JunitOut = None,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when: the verdict is below the "
                                            "policy's required path (verdict), or also any "
                                            "check fails (fail) or warns (warn).")]
    = FailOn.verdict,
    check: Annotated[list[str] | None, typer.Option(help="Run only these checks "
                                                    "(repeatable).")] = None,
    calls_per_month: Annotated[int | None, typer.Option(help="Context: expected calls a "
                                                        "month (enables the cost table).")] = None,
    latency_ms: Annotated[int | None, typer.Option(help="Context: p95 latency budget.")] = None,
    local: Annotated[bool | None, typer.Option("--local/--hosted", help="Context: the model "
                                               "must run on own hardware.")] = None,
    task: Annotated[str | None, typer.Option(help="Context: behaviour, knowledge or "
                                             "unknown.")] = None,
    baseline_score: Annotated[float | None, typer.Option(help="Context: score of the "
                                                         "prompted base model.")] = None,
    target_score: Annotated[float | None, typer.Option(help="Context: score the team "
                                                       "needs.")] = None,
    model: Annotated[str | None, typer.Option(help="Context: model in the price "
                                              "table.")] = None,
    sample: Annotated[int | None, typer.Option(min=100, help="Audit a stratified sample of N "
                                               "rows; row, distinct and label counts stay "
                                               "exact over the whole file.")] = None,
    split: Annotated[str | None, typer.Option(help="Split of a Hugging Face DatasetDict "
                                              "folder or of hub-style shards (default "
                                              "train).")] = None,
) -> None:
    """Audit a dataset and write reports; exit 0 ready, 1 not ready, 2 input error."""
    from tuneready.engine.pipeline import AuditOptions
    from tuneready.io import LoadOptions

    _preflight(check, policy)
    options = AuditOptions(
        load=LoadOptions(reader=reader, format=fmt, text=text, label=label,
                         groups=tuple(group or ()), encoding=encoding, sample=sample,
                         split=split),
        policy=policy, checks=check, command=shlex.join(["tuneready", *sys.argv[1:]]),
        intersect=list(intersect or ()), workers=True)
    if eval_path is not None:
        options.eval_path = eval_path
    _load_arrays(options, pred_probs, embeddings)
    options.context = {"calls_per_month": calls_per_month, "latency_ms": latency_ms,
                       "must_run_locally": local, "task": task, "model": model,
                       "baseline_score": baseline_score, "target_score": target_score}
    if reference_path is not None:
        options.reference_path = reference_path
    options.review_path = review
    options.label_kind = label_kind.value if label_kind is not None else None
    folder = out or Path("reports") / _slug(path, split)
    result = _run(path, options, quiet=as_json)
    _write_reports(result, folder, {"html": html, "md": md, "junit": junit})
    if as_json:
        from tuneready.render import json as json_render

        sys.stdout.write(json_render.render(result))
    else:
        _print(result, folder)
    raise typer.Exit(_exit_code(result, fail_on))


def _preflight(checks: list[str] | None, policy: str | None) -> None:
    """Check names and the policy, validated before anything is read (exit 2)."""
    from tuneready.checks import check_names
    from tuneready.config.errors import InputError

    try:
        check_names(checks)
    except InputError as exc:
        _die(str(exc))
    _policy(policy)


def _slug(paths: list[Path], split: str | None) -> str:
    """The default report folder's name for the input (``train.jsonl.gz`` -> ``train``)."""
    from tuneready.config.errors import InputError
    from tuneready.io.sources import resolve

    try:
        return resolve(paths, split).slug
    except InputError as exc:
        _die(str(exc))
        raise  # unreachable: _die exits


def _load_arrays(options: object, pred_probs: Path | None, embeddings: Path | None) -> None:
    """Read ``--pred-probs``/``--embeddings``; a bad file is a usage error (exit 2)."""
    from tuneready.config.errors import InputError
    from tuneready.engine.pipeline import AuditOptions
    from tuneready.io.arrays import load_array

    assert isinstance(options, AuditOptions)
    try:
        if pred_probs is not None:
            options.pred_probs = load_array(pred_probs, "--pred-probs")
        if embeddings is not None:
            options.embeddings = load_array(embeddings, "--embeddings")
    except InputError as exc:
        _die(str(exc))


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


@app.command("checks")
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


@app.command()
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
            console.print(f"      {comment}", style="dim")


@app.command()
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


@app.command()
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


@app.command()
def report(
    audit_json: Annotated[Path, typer.Argument(metavar="AUDIT.json",
                                               help="A saved audit.json.")],
    html: HtmlOut = None, md: MdOut = None, junit: JunitOut = None,
) -> None:
    """Re-render a saved audit (default: report.html next to the audit file)."""
    result = _load_audit(audit_json)
    if html is None and md is None and junit is None:
        html = audit_json.with_name("report.html")
    for path in _write_reports(result, None, {"html": html, "md": md, "junit": junit},
                               step_summary=False):   # a re-render is not a new CI result
        typer.echo(f"wrote {path}")


@app.command()
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

    from tuneready.io.write import atomic_write
    from tuneready.render import diff as diff_render

    comparison = diff_render.compare(_load_audit(old), _load_audit(new))
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
    raise typer.Exit(1 if fail_on_regression and diff_render.regressed(comparison) else 0)


def _load_audit(path: Path) -> Audit:
    from tuneready.render import json as json_render

    try:
        return json_render.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _die(f"{path}: cannot read ({exc.strerror})")
    except ValueError as exc:
        _die(f"{path}: not valid JSON ({exc})")
    except (KeyError, TypeError, AttributeError) as exc:
        _die(f"{path}: not a tuneready audit (missing or malformed {exc})")
    raise AssertionError("unreachable")


def main() -> None:
    from tuneready.engine.libs import block_datalab_import

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    block_datalab_import()  # the command never uses cleanlab's Datalab
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
