"""Write the cleaned data set in the input's own format, encoding and compression.

A record that is kept is written back as it was read wherever the format allows it:

- JSONL, CSV/TSV and label lines: the physical lines each kept record occupies are copied
  byte for byte (so quoting, key order, unknown fields, line ends and encoding stay as they
  were; a CSV record with quoted newlines spans several lines and keeps them all). Only an
  edited record (relabelled, or any other ``Edit``) is re-serialised (JSON with its key
  order; CSV with the file's delimiter and line end; ``LABEL text`` with its spacing).
- JSON arrays: each kept element's source text, between the array's own brackets and
  separators; an edited element is re-serialised with its key order.

An ``Edit`` is a function from a record (a dict, as the reader gave it: a JSON object, a CSV
row by column name, ``{"label", "text"}`` for a label line, a table row) to the record to
write. ``relabel`` and ``replace_fields`` build the two the plan needs; a new action that
rewrites text (redaction) passes its own.
- Parquet and Arrow: the table filtered with pyarrow, same schema (and Parquet codec).

A compressed input is written with the same compression. Shards give one cleaned file per
shard, under the shard's own name, in a folder. Every file is written to a temporary name
beside its target and renamed into place, so a cleaned file is whole or absent.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import json
import lzma
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tuneready.io.streams import Opened

Record = dict[str, Any]
Edit = Callable[[Record], Record]


@dataclass
class ShardJob:
    """One input file, what to keep from it (lines or record numbers local to the file)."""

    path: Path
    reader: str
    keep: set[int]
    edits: dict[int, Edit]
    target: Path
    #: first line of every record and bad record in the file (CSV: where each one ends)
    starts: tuple[int, ...] = ()


def relabel(field: str, new: str) -> Edit:
    """Set the label field, in the type the old label had."""
    def edit(record: Record) -> Record:
        return {**record, field: _typed(new, record.get(field))}
    return edit


def replace_fields(values: dict[str, Any]) -> Edit:
    """Replace top-level fields (their order stays)."""
    def edit(record: Record) -> Record:
        return {**record, **{k: v for k, v in values.items() if k in record}}
    return edit


def write_shard(job: ShardJob, encoding: str) -> None:
    """The cleaned copy of one input file, written atomically to ``job.target``.

    Line formats are streamed (memory holds one record, as when reading); a JSON array is
    one document and is read whole, as the reader does."""
    if job.reader in ("parquet", "arrow"):
        _write_table(job)
        return
    with Opened(job.path) as opened, atomic_binary(job.target) as fh, \
            _compressor(opened.compression, fh) as sink:
        utf16 = opened.stream.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff")
        if utf16 or job.reader == "json":
            data = opened.stream.read()
            if utf16:  # the reader audits UTF-16 as UTF-8; write it back as it came
                data, encoding = data.decode("utf-16").encode("utf-8"), "utf-8"
            if job.reader == "json":
                out = _json_array(data, job, encoding)
            else:
                buffer = io.BytesIO()
                _copy_spans(_split(io.BytesIO(data)), job, encoding, buffer.write)
                out = buffer.getvalue()
            sink.write(out.decode("utf-8").encode("utf-16") if utf16 else out)
        else:
            _copy_spans(_split(opened.stream), job, encoding, sink.write)


@contextlib.contextmanager
def atomic_binary(target: Path) -> Iterator[IO[bytes]]:
    """A binary file at a temporary name beside ``target``, renamed into place on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _compressor(kind: str | None, fh: IO[bytes]) -> Iterator[IO[bytes]]:
    if kind is None:
        yield fh
        return
    sink: Any
    if kind == "gzip":
        sink = gzip.GzipFile(fileobj=fh, mode="wb", mtime=0)
    elif kind == "bzip2":
        sink = bz2.BZ2File(fh, mode="wb")
    elif kind == "xz":
        sink = lzma.LZMAFile(fh, mode="wb")  # noqa: SIM115
    else:
        import zstandard

        sink = zstandard.ZstdCompressor().stream_writer(fh, closefd=False)
    try:
        yield sink
    finally:
        sink.close()


def _codec(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "utf-8" if name in ("utf-8", "utf-8-sig") else encoding


# --- line-based formats -----------------------------------------------------------------

def _split(stream: IO[bytes]) -> Iterator[bytes]:
    """Physical lines with their ends, as the reader counts them (a lone ``\\r`` ends one)."""
    for line in iter(stream.readline, b""):
        if b"\r" in line.rstrip(b"\r\n") or line.endswith(b"\r"):
            yield from line.splitlines(keepends=True)
        else:
            yield line


class _Out:
    """Writes pieces, keeping a UTF-8 BOM first and a line end between records."""

    def __init__(self, write: Callable[[bytes], Any]) -> None:
        self.write, self.bom, self.started, self.open_line = write, False, False, False

    def emit(self, piece: bytes) -> None:
        if not self.started:
            if self.bom and not piece.startswith(codecs.BOM_UTF8):
                piece = codecs.BOM_UTF8 + piece
            self.started = True
        elif self.open_line:  # the input's last record had no final newline
            self.write(b"\n")
        self.write(piece)
        self.open_line = not piece.endswith((b"\n", b"\r"))


def _copy_spans(lines: Iterator[bytes], job: ShardJob, encoding: str,
                write: Callable[[bytes], Any]) -> None:
    """Copy the lines of kept records; a CSV record runs to the line before the next
    record (kept or not) starts; an edited record is collected and rewritten."""
    header = 1 if job.reader in ("csv", "tsv") else 0
    per_line = job.reader in ("jsonl", "label-lines")
    starts = sorted(set(job.starts) | job.keep | set(job.edits))
    wanted = job.keep | set(job.edits)
    out = _Out(write)
    names: list[str] = []
    idx, current = 0, 0
    pending: list[bytes] = []
    for n, line in enumerate(lines, start=1):
        if n == 1:
            out.bom = line.startswith(codecs.BOM_UTF8)
        if n <= header:
            out.emit(line)
            names = _header(line, job.reader, encoding)
            continue
        while idx < len(starts) and starts[idx] <= n:
            if pending:
                out.emit(_rewrite(b"".join(pending), job.reader, job.edits[current],
                                  encoding, names))
                pending = []
            current, idx = starts[idx], idx + 1
        if current not in wanted or (per_line and current != n):
            continue
        if current in job.edits:
            pending.append(line)
        else:
            out.emit(line)
    if pending:
        out.emit(_rewrite(b"".join(pending), job.reader, job.edits[current], encoding, names))


def _header(line: bytes, reader: str, encoding: str) -> list[str]:
    text = line.decode(_codec(encoding) if not line.startswith(codecs.BOM_UTF8)
                       else "utf-8-sig")
    row = next(csv.reader([text], delimiter="," if reader == "csv" else "\t"), [])
    return [h.strip() or f"column_{i}" for i, h in enumerate(row)]


_LABEL_LINE = re.compile(r"^(\s*)(\S+)(\s+)(.*?)(\r?\n|\r)?$", re.DOTALL)


def _rewrite(raw: bytes, reader: str, edit: Edit, encoding: str, header: list[str]) -> bytes:
    """One edited record in the file's own syntax, encoding and line end."""
    codec = _codec(encoding)
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig" if bom else codec)
    ending = text[len(text.rstrip("\r\n")):]
    if reader == "jsonl":
        text = json.dumps(edit(json.loads(text)), ensure_ascii=False) + ending
    elif reader == "label-lines":
        m = _LABEL_LINE.match(text)
        assert m is not None
        rec = edit({"label": m.group(2), "text": m.group(4)})
        text = f"{m.group(1)}{rec['label']}{m.group(3)}{rec['text']}{m.group(5) or ''}"
    else:
        delimiter = "," if reader == "csv" else "\t"
        row = next(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter=delimiter))
        rec = edit(dict(zip(header, row, strict=True)))
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=ending or "\n").writerow(
            [rec[h] for h in header])
        text = buf.getvalue()
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(codec)


def _typed(new: str, old: Any) -> Any:
    """The new label in the type the old one had (``1`` stays a number, ``true`` a bool)."""
    if isinstance(old, bool):
        return new.lower() in ("true", "1")
    if isinstance(old, int):
        with contextlib.suppress(ValueError):
            return int(new)
    if isinstance(old, float):
        with contextlib.suppress(ValueError):
            return float(new)
    return new


# --- JSON arrays ------------------------------------------------------------------------

def _json_array(data: bytes, job: ShardJob, encoding: str) -> bytes:
    """The array's own opening, separators and closing around the kept elements' text."""
    from tuneready.io.jsonarray import elements

    codec = _codec(encoding)
    bom = data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig" if bom else codec).replace("\r\n", "\n")
    opening = text[:len(text) - len(text.lstrip())] + "["
    body = text.lstrip()[1:]
    lead = body[:len(body) - len(body.lstrip())]
    closing = text.rstrip()
    tail = text[len(closing):]
    before_close = closing[:-1]
    close_ws = before_close[len(before_close.rstrip()):]
    kept: list[str] = []
    for line, item in elements(text, job.path):
        if isinstance(item, tuple) and line in job.keep | set(job.edits):
            obj, source = item
            if line in job.edits:
                source = _element(job.edits[line](dict(obj)), lead)
            kept.append(source)
    separator = "," + (lead or " ") if lead else ", "
    body_text = (lead + separator.join(kept) + close_ws) if kept else close_ws
    result = opening + body_text + "]" + tail
    return (codecs.BOM_UTF8 if bom else b"") + result.encode(codec)


def _element(obj: Any, lead: str) -> str:
    indent = lead.rsplit("\n", 1)[-1]
    if "\n" not in lead:
        return json.dumps(obj, ensure_ascii=False)
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + indent)


# --- tables -----------------------------------------------------------------------------

def _write_table(job: ShardJob) -> None:
    import pyarrow as pa

    table, stream, codec = _read_table(job.path, job.reader)
    numbers = range(1, table.num_rows + 1)
    mask = pa.array([n in job.keep or n in job.edits for n in numbers])
    table = _edit_table(table, job.edits).filter(mask)
    with atomic_binary(job.target) as fh:
        if job.reader == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, fh, compression=codec or "snappy")
        else:
            sink = pa.PythonFile(fh, mode="w")
            opener = pa.ipc.new_stream if stream else pa.ipc.new_file
            with opener(sink, table.schema) as writer:
                writer.write_table(table)


def _edit_table(table: Any, edits: dict[int, Edit]) -> Any:
    """Apply each row's edit; only the columns an edit changed are rebuilt (same type)."""
    import pyarrow as pa

    if not edits:
        return table
    changed: dict[str, dict[int, Any]] = {}
    for n, edit in edits.items():
        before = table.slice(n - 1, 1).to_pylist()[0]
        after = edit(dict(before))
        for name in table.column_names:
            if after.get(name) != before.get(name):
                changed.setdefault(name, {})[n - 1] = after[name]
    for name, values in changed.items():
        index = table.column_names.index(name)
        column = table.column(name).to_pylist()
        for i, value in values.items():
            column[i] = value
        table = table.set_column(index, table.schema.field(index),
                                 pa.array(column, type=table.schema.field(index).type))
    return table


def _read_table(path: Path, reader: str) -> tuple[Any, bool, str | None]:
    """The whole table, whether it was an IPC stream, and the Parquet codec in use."""
    import pyarrow as pa

    if reader == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        meta = pf.metadata
        codec = (str(meta.row_group(0).column(0).compression).lower()
                 if meta.num_row_groups and meta.num_columns else None)
        return pf.read(), False, None if codec in (None, "uncompressed") else codec
    source = pa.memory_map(str(path), "r")
    try:
        return pa.ipc.open_stream(source).read_all(), True, None
    except pa.ArrowInvalid:
        source.seek(0)
        return pa.ipc.open_file(source).read_all(), False, None
