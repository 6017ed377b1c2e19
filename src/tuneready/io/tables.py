"""Columnar inputs: Parquet, Arrow IPC (Hugging Face ``.arrow``), and in-memory Arrow tables.

Hugging Face ``datasets`` writes ``save_to_disk`` shards as Arrow IPC *stream* files; Feather
v2 / ``pyarrow.ipc.new_file`` writes the IPC *file* format. Both open with pyarrow alone (the
``datasets`` package is not needed), memory-mapped, and are read one record batch at a time,
so a large shard never becomes one list of Python dicts before its rows are checked.

A table's nesting is a property of its schema: a schema deeper than ``limits.MAX_DEPTH`` is
refused before any value is converted (pyarrow's conversion recurses). Values are still
checked one by one (a string longer than the size limit becomes a problem for its row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError
from tuneready.io import limits
from tuneready.io.dataset import LoadProblem, RawFile

BATCH_ROWS = 10_000


def read_table_file(path: Path, kind: str) -> RawFile:
    """A Parquet or Arrow file as records numbered from 1."""
    out = RawFile(reader=kind, sha256=file_sha256(path))
    try:
        schema, batches = _open(path, kind)
        check_schema(schema, str(path))
        out.columns = list(schema.names)
        add_batches(batches, out)
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        what = "Parquet" if kind == "parquet" else "Arrow IPC"
        raise InputError(f"not a readable {what} file ({type(exc).__name__})",
                         path=str(path)) from None
    if not out.records and not out.problems:
        raise InputError("the file has no rows", path=str(path))
    return out


def _open(path: Path, kind: str) -> tuple[Any, Iterable[Any]]:
    import pyarrow as pa

    if kind == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        return pf.schema_arrow, pf.iter_batches(batch_size=BATCH_ROWS)
    source = pa.memory_map(str(path), "r")
    try:
        stream = pa.ipc.open_stream(source)
        return stream.schema, stream
    except pa.ArrowInvalid:
        source.seek(0)
        file = pa.ipc.open_file(source)
        return file.schema, (file.get_batch(i) for i in range(file.num_record_batches))


def add_batches(batches: Iterable[Any], out: RawFile, start: int = 0) -> None:
    """Append every row of ``batches`` to ``out`` as ``(row number, record)``."""
    n = start
    for batch in batches:
        for rec in batch.to_pylist():
            n += 1
            problem = limits.value_problem(rec)
            if problem:
                out.problems.append(LoadProblem(n, "*", problem, "oversized_record"
                                                if "characters" in problem else "too_deep"))
            else:
                out.records.append((n, rec))
    out.span = n


def check_schema(schema: Any, where: str) -> None:
    """Refuse a schema nested deeper than the limit (measured without recursion)."""
    stack = [(schema.field(i).type, 1, name) for i, name in enumerate(schema.names)]
    while stack:
        kind, depth, column = stack.pop()
        if depth > limits.MAX_DEPTH:
            raise InputError(f"column nested more than {limits.MAX_DEPTH} levels deep",
                             path=where, field=column)
        stack.extend((kind.field(i).type, depth + 1, column) for i in range(kind.num_fields))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def table_records(table: Any, reader: str) -> RawFile:
    """An in-memory ``pyarrow.Table`` (a ``datasets.Dataset``) as records numbered from 1;
    its hash is of the Arrow IPC stream of the table (content, not object identity)."""
    import pyarrow as pa

    check_schema(table.schema, reader)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    out = RawFile(reader=reader, sha256=hashlib.sha256(sink.getvalue()).hexdigest(),
                  columns=list(table.schema.names))
    add_batches(_batches(table), out)
    return out


def _batches(table: Any) -> Iterator[Any]:
    yield from table.to_batches(max_chunksize=BATCH_ROWS)
