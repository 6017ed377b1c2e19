"""``tuneready audit``: audit a dataset, write reports, exit with the CI gate's code."""

from __future__ import annotations

import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tuneready.cli.common import (
    FailOn,
    HtmlOut,
    JunitOut,
    LabelKindOpt,
    MdOut,
    _die,
    _policy,
    _print,
    _run,
    _write_reports,
    exit_code,
)


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def _cluster(engine: Engine, workers: int | None, scheduler: str | None) -> object:
    """The ``engine.cluster.Cluster`` to run on, or ``None``; a usage error (exit 2, before
    any work) for cluster options without ``--engine dask``, both at once, or no Dask."""
    if engine is Engine.local:
        if workers is not None or scheduler is not None:
            _die("--workers and --scheduler need --engine dask")
        return None
    if workers is not None and scheduler is not None:
        _die("give --workers (a local cluster) or --scheduler (an existing one), not both")
    from tuneready.config.errors import InputError
    from tuneready.engine.cluster import Cluster, require_dask

    try:
        require_dask()
    except InputError as exc:
        _die(str(exc))
    return Cluster(workers=workers or 2, scheduler=scheduler)


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
    prompt: Annotated[Path | None, typer.Option("--prompt", help="Context: the prompt file "
                                                "the prompting path would use (exact tokens; "
                                                "sha256 recorded).")] = None,
    prices: Annotated[Path | None, typer.Option("--prices", help="Context: your own price "
                                                "table (TOML, the format of `tuneready "
                                                "prices`' table; README: Cost of each "
                                                "path).")] = None,
    model_size: Annotated[str | None, typer.Option("--model-size", help="Context: the open "
                                                   "model whose training compute is "
                                                   "estimated (1B, 8B, 70B).")] = None,
    on_date: Annotated[str | None, typer.Option("--date", help="Context: judge which offers "
                                                "are open on this day (YYYY-MM-DD; default "
                                                "today).")] = None,
    sample: Annotated[int | None, typer.Option(min=100, help="Audit a stratified sample of N "
                                               "rows; row, distinct and label counts stay "
                                               "exact over the whole file.")] = None,
    split: Annotated[str | None, typer.Option(help="Split of a Hugging Face DatasetDict "
                                              "folder or of hub-style shards (default "
                                              "train).")] = None,
    no_excerpts: Annotated[bool, typer.Option(
        "--no-excerpts", help="Leave training text out of every report (identifiers and "
        "secrets are masked in reports either way).")] = False,
    engine: Annotated[Engine, typer.Option(help="Where the exact passes run: 'local' (this "
                                           "process) or 'dask' (a Dask cluster; pip install "
                                           "'tuneready[dask]'), the checks then on a "
                                           "--sample (default 200000).")] = Engine.local,
    workers: Annotated[int | None, typer.Option(min=1, help="--engine dask: start a local "
                                                "cluster of N worker processes (default "
                                                "2).")] = None,
    scheduler: Annotated[str | None, typer.Option(help="--engine dask: connect to an "
                                                  "existing scheduler, e.g. "
                                                  "tcp://host:8786.")] = None,
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
        intersect=list(intersect or ()), workers=True, no_excerpts=no_excerpts)
    options.cluster = _cluster(engine, workers, scheduler)
    if eval_path is not None:
        options.eval_path = eval_path
    _load_arrays(options, pred_probs, embeddings)
    options.context = {"calls_per_month": calls_per_month, "latency_ms": latency_ms,
                       "must_run_locally": local, "task": task, "model": model,
                       "baseline_score": baseline_score, "target_score": target_score,
                       "prompt": str(prompt) if prompt is not None else None,
                       "prices": str(prices) if prices is not None else None,
                       "model_size": model_size, "date": on_date}
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
    raise typer.Exit(exit_code(result, fail_on))


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
