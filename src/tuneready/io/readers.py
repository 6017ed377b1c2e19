"""Read a file into ``(line, record)`` pairs, keeping the source line of every record.

Readers never raise on a bad record: they yield a ``LoadProblem`` with its line instead, so the
audit can go on with the rest. They raise ``InputError`` only when nothing can be read at all
(binary data, wrong encoding for a whole-file format, unknown file type). Files are opened
read-only and never written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuneready.errors import InputError
from tuneready.io.dataset import LoadProblem

READERS = ("csv", "tsv", "jsonl", "json", "parquet", "label-lines")
_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json", ".parquet": "parquet", ".pq": "parquet",
}
ACCEPTED = (
    "accepted files: .csv, .tsv, .jsonl/.ndjson, .json (array of objects), .parquet; "
    "for 'LABEL text' lines use --reader label-lines (and --encoding latin-1 if needed)"
)
Record = tuple[int, dict[str, Any]]


@dataclass
class RawFile:
    """Records read from one file plus every problem met on the way."""

    reader: str
    records: list[Record] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    sha256: str = ""


def detect_reader(path: Path, forced: str | None) -> str:
    if forced:
        if forced not in READERS:
            raise InputError(f"unknown reader '{forced}'; choose one of {', '.join(READERS)}")
        return forced
    reader = _EXT.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"cannot tell the file type from '{path.suffix or 'no extension'}'; "
                         + ACCEPTED, path=str(path))
    return reader


def read_file(path: Path, reader: str | None = None, encoding: str = "utf-8") -> RawFile:
    """Read ``path`` with the named (or detected) reader."""
    if not path.exists():
        raise InputError("no such file", path=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a data file", path=str(path))
    kind = detect_reader(path, reader)
    if kind == "jsonl" and not _is_utf16(_head(path)):
        return _stream_jsonl(path, encoding)
    data = path.read_bytes()
    out = RawFile(reader=kind, sha256=hashlib.sha256(data).hexdigest())
    if not data.strip():
        raise InputError("the file is empty", path=str(path))
    if kind == "parquet":
        _read_parquet(path, out)
        return out
    if b"\x00" in data[:8192] and not _is_utf16(data):
        raise InputError("looks like binary data, not text; " + ACCEPTED, path=str(path))
    text = _decode(data, encoding, path)
    if kind in ("csv", "tsv"):
        _read_delimited(text, "," if kind == "csv" else "\t", out)
    elif kind == "jsonl":
        _read_jsonl(text, out)
    elif kind == "json":
        _read_json_array(text, path, out)
    else:
        _read_label_lines(text, out)
    return out


def _head(path: Path, size: int = 8192) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def _stream_jsonl(path: Path, encoding: str) -> RawFile:
    """Parse JSONL line by line from the open file: memory holds records, not the raw text.

    A line that is not valid in the encoding becomes a problem for that line only.
    """
    head = _head(path)
    if not head.strip():
        raise InputError("the file is empty", path=str(path))
    if b"\x00" in head:
        raise InputError("looks like binary data, not text; " + ACCEPTED, path=str(path))
    out = RawFile(reader="jsonl")
    digest = hashlib.sha256()
    decoder = json.JSONDecoder()
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            digest.update(raw)
            if not raw.strip():
                continue
            try:
                line = raw.decode(codec if lineno == 1 else codec.replace("-sig", ""))
            except UnicodeDecodeError:
                out.problems.append(LoadProblem(lineno, "*", f"not valid {encoding} text; "
                                                "pass --encoding", "bad_encoding"))
                continue
            except LookupError:
                raise InputError(f"unknown encoding '{encoding}'") from None
            _parse_json_line(decoder, line, lineno, out)
    out.sha256 = digest.hexdigest()
    if not out.records and not out.problems:
        raise InputError("the file is empty", path=str(path))
    return out


def _parse_json_line(decoder: json.JSONDecoder, line: str, lineno: int, out: RawFile) -> None:
    try:
        obj = decoder.decode(line)
    except json.JSONDecodeError as exc:
        out.problems.append(LoadProblem(lineno, "*", f"invalid JSON ({exc.msg})", "invalid_json"))
        return
    if not isinstance(obj, dict):
        out.problems.append(LoadProblem(
            lineno, "*", f"expected a JSON object, found {type(obj).__name__}", "not_an_object"))
        return
    out.records.append((lineno, obj))


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes, encoding: str, path: Path) -> str:
    if _is_utf16(data):
        encoding = "utf-16"
    elif encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # silently drop a BOM
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid {encoding.replace('-sig', '')} text (byte 0x{data[exc.start]:02x}); "
            "pass --encoding (e.g. latin-1)", path=str(path), line=line) from None
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_delimited(text: str, delimiter: str, out: RawFile) -> None:
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    names = [h.strip() or f"column_{i}" for i, h in enumerate(header)]
    width = len(names)
    start = reader.line_num + 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            out.problems.append(LoadProblem(
                line, "*", f"expected {width} fields, found {len(row)}", "wrong_field_count"))
            continue
        swallowed = _swallowed_records(row, width, delimiter)
        if swallowed:
            out.problems.append(LoadProblem(
                line, names[swallowed[0]],
                f"a stray quote made this field swallow about {swallowed[1]} following "
                "records; the row was left out", "swallowed_records"))
            continue
        out.records.append((line, dict(zip(names, row, strict=True))))


def _swallowed_records(row: list[str], width: int, delimiter: str) -> tuple[int, int] | None:
    """Detect a quoted field that spans lines which themselves parse as whole records.

    A stray quote in CSV makes the parser glue the following records into one field. A text
    field may contain line breaks legitimately, so we only call it swallowed when at least two
    embedded lines split into exactly ``width`` fields.
    """
    if width < 2:
        return None
    for i, value in enumerate(row):
        if value.count("\n") < 2:
            continue
        hits = sum(1 for ln in value.split("\n")[1:] if _record_like(ln, width, delimiter))
        if hits >= 2:
            return i, hits
    return None


_TAGGED_LINE = re.compile(r"^[^\s,\t\"]{1,20}[\t,]\S")


def _record_like(line: str, width: int, delimiter: str) -> bool:
    """A line that is a record of this file, or a ``tag<TAB>text`` record of a source file."""
    if _TAGGED_LINE.match(line):
        return True
    return (line.count(delimiter) >= width - 1
            and len(next(csv.reader([line], delimiter=delimiter), [])) == width)


def _read_jsonl(text: str, out: RawFile) -> None:
    """JSONL already decoded in memory (UTF-16 files only; others stream)."""
    decoder = json.JSONDecoder()
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            _parse_json_line(decoder, raw, lineno, out)


def _read_json_array(text: str, path: Path, out: RawFile) -> None:
    """Parse a top-level array element by element, so each record keeps its start line."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        if text[pos:pos + 1] == "{":
            raise InputError("expected a JSON array of records, found an object; "
                             "for one object per line use .jsonl", path=str(path), line=1)
        raise InputError("expected a JSON array of records; " + ACCEPTED, path=str(path))
    pos = _skip_ws(text, pos + 1)
    line, last = 1, 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", last, pos)
        last = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg}); records before it were fine",
                             path=str(path), line=exc.lineno) from None
        if isinstance(obj, dict):
            out.records.append((line, obj))
        else:
            out.problems.append(LoadProblem(
                line, "*", f"expected a JSON object, found {type(obj).__name__}", "not_an_object"))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _read_label_lines(text: str, out: RawFile) -> None:
    """``LABEL text`` per line (TREC style): the first whitespace-separated token is the label."""
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        parts = raw.strip().split(None, 1)
        if len(parts) < 2:
            out.problems.append(LoadProblem(lineno, "text", "a label with no text after it",
                                            "missing_text"))
            continue
        out.records.append((lineno, {"label": parts[0], "text": parts[1]}))


def _read_parquet(path: Path, out: RawFile) -> None:
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})",
                         path=str(path)) from None
    for i, rec in enumerate(table.to_pylist(), start=1):
        out.records.append((i, rec))


def file_label(path: Path) -> str:
    """A short, stable display name for reports (no absolute paths leak into JSON)."""
    return os.path.basename(str(path))
