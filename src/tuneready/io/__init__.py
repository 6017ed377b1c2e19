"""Loading: any supported input (files, shards, HF folders, a DataFrame) to a ``Dataset``.

``load_dataset`` resolves what was pointed at (``io/sources.py``), reads every shard, detects
the format, maps records to roles and collects every bad record as a line-numbered
``LoadProblem``. It raises ``InputError`` only when nothing can be audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tuneready.config.errors import InputError
from tuneready.io.dataset import (
    GROUP_PREFIX,
    ROLE_FIELDS,
    SOURCE_PREFIX,
    Dataset,
    LoadProblem,
)
from tuneready.io.formats import (
    FORMATS,
    LABEL_NAMES,
    TEXT_NAMES,
    detect_format,
    find_column,
    sensitive_columns,
)
from tuneready.io.limits import value_problem
from tuneready.io.mapping import MAPPERS, RecordError, Row
from tuneready.io.readers import RawFile
from tuneready.io.sample import population_counts, stratified_sample
from tuneready.io.sources import read_source, resolve
from tuneready.io.text import label_text

__all__ = ["Dataset", "LoadOptions", "load_dataset", "load_frame", "load_table"]


@dataclass
class LoadOptions:
    """Everything the user can say about how to read a file."""

    reader: str | None = None
    format: str | None = None
    text: str | None = None
    label: str | None = None
    groups: Sequence[str] = field(default_factory=tuple)
    encoding: str = "utf-8"
    auto_groups: bool = True
    #: free-form targets with at most this many distinct values are treated as labels
    target_label_max: int = 50
    #: audit a stratified sample of this many rows (exact counts still cover the whole file)
    sample: int | None = None
    seed: int = 0
    #: split of a DatasetDict folder (or of hub-style shards); ``None``: ``train``
    split: str | None = None


def load_dataset(path: str | Path | Sequence[str | Path],
                 options: LoadOptions | None = None) -> Dataset:
    """Load a file, a folder or glob of shards, or a Hugging Face folder (``io/sources``)."""
    opts = options or LoadOptions()
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    source = resolve(paths, opts.split)
    raw, blocks = read_source(source, opts.reader, opts.encoding)
    if raw.reader in ("parquet", "arrow") and _codec_name(opts.encoding) != "utf-8":
        raise InputError(f"--encoding {opts.encoding} applies to text files; "
                         f"{source.name} is {raw.reader} (always UTF-8)")
    data = _build(raw, source.name, opts)
    data.sources = blocks
    data.notes[:0] = source.notes
    return data


def _codec_name(encoding: str) -> str:
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def load_frame(frame: pd.DataFrame, options: LoadOptions | None = None,
               name: str = "dataframe") -> Dataset:
    """Map an in-memory DataFrame (notebooks, pipelines) like a file; row ids are 1-based."""
    import hashlib

    opts = options or LoadOptions()
    hashes = pd.util.hash_pandas_object(frame.astype(str)).to_numpy()
    digest = hashlib.sha256(hashes.tobytes())
    raw = RawFile(reader="dataframe", sha256=digest.hexdigest(), span=len(frame))
    for i, rec in enumerate(frame.to_dict(orient="records"), start=1):
        _add_checked(raw, i, {str(k): _unbox(v) for k, v in rec.items()})
    return _build(raw, name, opts)


def load_table(table: Any, options: LoadOptions | None = None, name: str = "arrow",
               reader: str = "arrow") -> Dataset:
    """Map an in-memory ``pyarrow.Table`` (e.g. a Hugging Face ``Dataset``'s rows)."""
    from tuneready.io.tables import table_records

    return _build(table_records(table, reader), name, options or LoadOptions())


def _add_checked(raw: RawFile, line: int, rec: dict[str, Any]) -> None:
    """A record from memory passes the same structural limits as one from a file."""
    problem = value_problem(rec)
    if problem:
        raw.problems.append(LoadProblem(line, "*", problem, "too_deep" if "nested" in problem
                                        else "oversized_record"))
    else:
        raw.records.append((line, rec))


def _unbox(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _build(raw: RawFile, name: str, opts: LoadOptions) -> Dataset:
    if not raw.records:
        first = raw.problems[0] if raw.problems else None
        detail = f"; first problem at line {first.line}: {first.message}" if first else ""
        raise InputError(f"no usable records ({len(raw.problems)} bad){detail}", path=name,
                         line=first.line if first else None)
    if opts.format and opts.format not in FORMATS:
        raise InputError(f"unknown format '{opts.format}'; choose one of {', '.join(FORMATS)}")
    keys = sorted({k for _, rec in raw.records for k in rec})
    fmt = opts.format or _detect(raw, name, opts)
    cols = _columns(fmt, keys, opts, name)
    rows, problems = _map_records(raw, fmt, cols, opts)
    if not rows:
        first = problems[0]
        raise InputError(f"no record could be mapped as {fmt}: {first.message}",
                         path=name, line=first.line, field=first.field)
    groups = _group_columns(keys, opts, cols, name)
    frame = _frame(rows, raw, groups, problems)
    add_source_columns(frame, [r[2] for r in rows], keys, [*cols.values(), *groups])
    notes: list[str] = []
    mapping: dict[str, Any] = {"input": cols.get("text", _INPUT_DESC.get(fmt, "")),
                               "target": _TARGET_DESC.get(fmt, ""),
                               "label": cols.get("label"), "groups": groups}
    if opts.auto_groups and not opts.groups and groups:
        notes.append("group columns found by name: " + ", ".join(groups))
    if frame["label"].isna().all() and fmt not in ("classification", "text"):
        closed = _labels_from_targets(frame, opts.target_label_max)
        if closed:
            mapping["label"] = f"target (closed set of {closed} answers)"
            notes.append(f"the targets form a closed set of {closed} answers: used as labels")
    population: dict[str, Any] = {}
    if opts.sample and len(frame) > opts.sample:
        population = population_counts(frame)
        frame = stratified_sample(frame, opts.sample, opts.seed)
        notes.append(f"audited a stratified sample of {len(frame):,} of {population['raw_n']:,} "
                     "rows; row, distinct and label counts are exact, other numbers estimates")
    return Dataset(path=name, format=fmt, reader=raw.reader, frame=frame, mapping=mapping,
                   problems=raw.problems + problems, sha256=raw.sha256,
                   records_read=len(raw.records) + len(raw.problems), notes=notes,
                   population=population)


_INPUT_DESC = {"prompt_completion": "prompt", "alpaca": "instruction + input",
               "sharegpt": "user/tool turns", "openai_chat": "user/tool turns",
               "preference": "prompt", "kto": "user/tool turns"}
_TARGET_DESC = {"prompt_completion": "completion", "alpaca": "output",
                "sharegpt": "last assistant turn", "openai_chat": "last trainable assistant turn",
                "preference": "chosen", "kto": "last assistant turn"}


def _detect(raw: RawFile, name: str, opts: LoadOptions) -> str:
    try:
        return detect_format(raw.records, opts.text, opts.label)
    except InputError as exc:
        raise InputError(exc.bare, path=name) from None


def _columns(fmt: str, keys: list[str], opts: LoadOptions, name: str) -> dict[str, str]:
    cols: dict[str, str] = {}
    for flag, value in (("--text", opts.text), ("--label", opts.label)):
        if value and value not in keys:
            raise InputError(f"column given by {flag} not found; fields are: {', '.join(keys)}",
                             path=name, field=value)
    if fmt in ("classification", "text"):
        text = opts.text or find_column(keys, TEXT_NAMES)
        if text is None:
            raise InputError(f"no text column; name one with --text (fields: {', '.join(keys)})",
                             path=name)
        cols["text"] = text
        label = opts.label or find_column([k for k in keys if k != text], LABEL_NAMES)
        if fmt == "classification" and label is None:
            raise InputError("no label column; name one with --label or use --format text",
                             path=name)
        if label and fmt == "classification":
            cols["label"] = label
    elif opts.label:
        cols["label"] = opts.label
    if opts.text and fmt not in ("classification", "text"):
        cols["text"] = opts.text
    return cols


def _map_records(raw: RawFile, fmt: str, cols: dict[str, str],
                 opts: LoadOptions) -> tuple[list[tuple[int, Row, dict[str, Any]]],
                                              list[LoadProblem]]:
    mapper = MAPPERS[fmt]
    rows, problems = [], []
    for line, rec in raw.records:
        try:
            row = mapper(rec, cols)
        except RecordError as exc:
            problems.append(LoadProblem(line, exc.field, str(exc), "unmappable_record"))
            continue
        if fmt not in ("classification", "text"):
            if "label" in cols:
                row.label = label_text(rec.get(cols["label"]))
            if "text" in cols:
                row.input = str(rec.get(cols["text"]) or "")
        rows.append((line, row, rec))
    return rows, problems


def _group_columns(keys: list[str], opts: LoadOptions, cols: dict[str, str],
                   name: str) -> list[str]:
    for g in opts.groups:
        if g not in keys:
            raise InputError(f"group column not found; fields are: {', '.join(keys)}",
                             path=name, field=g)
        role = next((r for r, c in cols.items() if c == g), None)
        if role:
            raise InputError(f"--group '{g}' is also the {role} column", path=name)
    if opts.groups:
        return list(dict.fromkeys(opts.groups))
    if not opts.auto_groups:
        return []
    return sensitive_columns(keys, exclude=list(cols.values()))


def _frame(rows: list[tuple[int, Row, dict[str, Any]]], raw: RawFile, groups: list[str],
           problems: list[LoadProblem]) -> pd.DataFrame:
    data: dict[str, Any] = {
        "row_id": [r[0] for r in rows],
        "input": [r[1].input for r in rows],
        "target": [r[1].target for r in rows],
        "label": [r[1].label for r in rows],
        "split": [label_text(r[2].get("split")) for r in rows],
        "roles": [r[1].roles for r in rows],
        "n_train_turns": [r[1].n_train_turns for r in rows],
    }
    if any(r[1].rejected is not None for r in rows):
        data["rejected"] = [r[1].rejected or "" for r in rows]
    for extra in ("system", "instruction"):  # prompt drift; absent when no row has one
        if any(getattr(r[1], extra) for r in rows):
            data[extra] = [getattr(r[1], extra) for r in rows]
    if any(r[1].n_tool_calls for r in rows):
        data["n_tool_calls"] = [r[1].n_tool_calls for r in rows]
    for g in groups:
        data[GROUP_PREFIX + g] = [label_text(r[2].get(g)) for r in rows]
    frame = pd.DataFrame(data)
    frame["row_id"] = frame["row_id"].astype("int64")
    frame["n_train_turns"] = frame["n_train_turns"].astype("int64")
    return frame


def add_source_columns(frame: pd.DataFrame, records: list[dict[str, Any]], keys: list[str],
                       used: list[str]) -> None:
    """Keep the record's other scalar fields as ``source:<name>`` columns (strings), so that a
    check can read columns no role uses (``privacy`` looks for names, birth dates, addresses
    in them). Fields a format maps onto roles and nested values are left out."""
    for key in keys:
        if key in used or key.lower() in ROLE_FIELDS:
            continue
        values = [rec.get(key) for rec in records]
        if any(isinstance(v, (dict, list)) for v in values):
            continue
        frame[SOURCE_PREFIX + key] = ["" if v is None or v != v else str(v) for v in values]


def _labels_from_targets(frame: pd.DataFrame, max_classes: int) -> int:
    """Use targets as labels when they are a small closed set of short answers."""
    targets = frame["target"].str.strip()
    counts = Counter(t for t in targets if t)
    n = int((targets.str.len() > 0).sum())
    k = len(counts)
    short = all(len(t.split()) <= 6 for t in counts)
    if n >= 20 and 2 <= k <= max_classes and k <= 0.2 * n and short:
        frame["label"] = targets.where(targets.str.len() > 0, None)
        return k
    return 0
