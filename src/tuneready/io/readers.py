"""Read one file into ``(line, record)`` pairs, keeping the source line of every record.

Readers never raise on a bad record: they yield a ``LoadProblem`` with its line instead, so the
audit can go on with the rest. They raise ``InputError`` only when nothing can be read at all
(binary data, wrong encoding for a whole-file format, unknown file type, a damaged compressed
stream). Files are opened read-only and never written.

Text formats are read as streams of lines (decompressed on the fly, ``io/streams.py``), so
memory holds records, not the file: JSONL, CSV/TSV and label lines alike. A JSON array is one
document and is read whole. Every record passes the structural limits of ``io/limits.py``
(nesting depth, size) before it is parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from pathlib import Path
from typing import IO, Any

from tuneready.config.errors import InputError
from tuneready.io import limits
from tuneready.io.dataset import LoadProblem, RawFile
from tuneready.io.streams import DECOMPRESSION_ERRORS, Opened, lines, split_suffix

READERS = ("csv", "tsv", "jsonl", "json", "parquet", "arrow", "label-lines")
_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".arrow": "arrow",
}
TABULAR = ("parquet", "arrow")
ACCEPTED = (
    "accepted files: .csv, .tsv, .jsonl/.ndjson, .json (array of objects), each optionally "
    ".gz/.bz2/.xz/.zst; .parquet, .arrow; a folder or glob of such shards; a Hugging Face "
    "save_to_disk folder; for 'LABEL text' lines use --reader label-lines"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def detect_reader(path: Path, forced: str | None) -> str:
    if forced:
        if forced not in READERS:
            raise InputError(f"unknown reader '{forced}'; choose one of {', '.join(READERS)}")
        return forced
    inner, compression = split_suffix(path)
    reader = _EXT.get(inner)
    if reader is None:
        shown = "".join(path.suffixes[-2:]) if compression else (path.suffix or "no extension")
        raise InputError(f"cannot tell the file type from '{shown}'; " + ACCEPTED, path=str(path))
    if compression and reader in TABULAR:
        raise InputError(f"{reader} files are compressed inside; do not wrap them in "
                         f"{compression}", path=str(path))
    return reader


def read_file(path: Path, reader: str | None = None, encoding: str = "utf-8") -> RawFile:
    """Read ``path`` with the named (or detected) reader."""
    if not path.exists():
        raise InputError("no such file", path=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a data file", path=str(path))
    kind = detect_reader(path, reader)
    if kind in TABULAR:
        from tuneready.io import tables

        return tables.read_table_file(path, kind)
    _check_encoding(encoding)
    with Opened(path) as opened:
        try:
            out = _read_text(opened, kind, encoding)
        except DECOMPRESSION_ERRORS as exc:
            raise InputError(f"cannot read {opened.compression or 'the file'} data "
                             f"({_reason(exc)}); is the file truncated?",
                             path=str(path)) from None
        out.sha256 = opened.sha256()
    return out


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'") from None


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _read_text(opened: Opened, kind: str, encoding: str) -> RawFile:
    path = opened.path
    stream: IO[bytes] = opened.stream
    head = opened.stream.peek(8192)[:8192]
    if not head.strip() and len(head) < 8192:
        raise InputError("the file is empty", path=str(path))
    if _is_utf16(head):  # rare: re-encode once, then every reader sees UTF-8 lines
        stream = io.BytesIO(stream.read().decode("utf-16").encode("utf-8"))
        encoding = "utf-8"
    elif b"\x00" in head:
        raise InputError("looks like binary data, not text; " + ACCEPTED, path=str(path))
    out = RawFile(reader=kind)
    if kind == "jsonl":
        _read_jsonl(stream, encoding, out)
    elif kind == "json":
        _read_json_array(_decode(stream.read(), encoding, path), path, out)
    else:
        text = TextLines(stream, encoding, path)
        if kind in ("csv", "tsv"):
            _read_delimited(text, "," if kind == "csv" else "\t", out)
        else:
            _read_label_lines(text, out)
        out.span = text.lineno
    if not out.records and not out.problems:
        raise InputError("the file is empty", path=str(path))
    return out


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _read_jsonl(stream: IO[bytes], encoding: str, out: RawFile) -> None:
    """Parse JSONL line by line from the open stream: memory holds records, not the text.

    A line that is not valid in the encoding, too deep or too large becomes a problem for
    that line only.
    """
    decoder = json.JSONDecoder()
    codec = _codec(encoding)
    lineno = 0
    for lineno, raw in enumerate(lines(stream, limits.MAX_RECORD_BYTES), start=1):
        if isinstance(raw, int):
            out.problems.append(LoadProblem(lineno, "*", limits.oversized_message(raw),
                                            "oversized_record"))
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode(codec if lineno == 1 else codec.replace("-sig", ""))
        except UnicodeDecodeError:
            out.problems.append(LoadProblem(lineno, "*", f"not valid {encoding} text; "
                                            "pass --encoding", "bad_encoding"))
            continue
        _parse_json_line(decoder, line, lineno, out)
    out.span = lineno


def _parse_json_line(decoder: json.JSONDecoder, line: str, lineno: int, out: RawFile) -> None:
    if line.count("[") + line.count("{") > limits.MAX_DEPTH:  # else it cannot be too deep
        depth = limits.json_too_deep(line)
        if depth is not None:
            out.problems.append(LoadProblem(lineno, "*", limits.too_deep_message(depth),
                                            "too_deep"))
            return
    try:
        obj = decoder.decode(line)
    except json.JSONDecodeError as exc:
        out.problems.append(LoadProblem(lineno, "*", f"invalid JSON ({exc.msg})", "invalid_json"))
        return
    _add_object(obj, lineno, line, out)


def _add_object(obj: Any, lineno: int, source: str, out: RawFile) -> None:
    if not isinstance(obj, dict):
        out.problems.append(LoadProblem(
            lineno, "*", f"expected a JSON object, found {type(obj).__name__}", "not_an_object"))
        return
    if ("\\ud" in source or "\\uD" in source) and _SURROGATE_ESCAPE.search(source) \
            and _has_lone_surrogate(obj):
        out.problems.append(LoadProblem(
            lineno, "*", "contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff): not "
            "valid Unicode, a tokenizer or training job would fail on it", "invalid_unicode"))
        return
    out.records.append((lineno, obj))


def _has_lone_surrogate(obj: Any) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Oversized(Exception):
    def __init__(self, line: int, size: int) -> None:
        super().__init__(line, size)
        self.line, self.size = line, size


class TextLines:
    """Decoded physical lines of a stream, ``\\r\\n`` and ``\\r`` folded to ``\\n``.

    ``lineno`` is the number of physical lines handed out so far, so a CSV reader fed from
    it knows where each record starts. A line over the size limit raises ``_Oversized``
    (the iterator stays usable); a line that does not decode is an ``InputError`` naming it.
    """

    def __init__(self, stream: IO[bytes], encoding: str, path: Path) -> None:
        self.source = lines(stream, limits.MAX_RECORD_BYTES)
        self.encoding, self.path = encoding, path
        self.codec = _codec(encoding)
        self.lineno = 0
        self.pending: list[str] = []

    def __iter__(self) -> TextLines:
        return self

    def __next__(self) -> str:
        if self.pending:
            self.lineno += 1
            return self.pending.pop()
        raw = next(self.source)
        self.lineno += 1
        if isinstance(raw, int):
            raise _Oversized(self.lineno, raw)
        try:
            text = raw.decode(self.codec if self.lineno == 1 else self.codec.replace("-sig", ""))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {self.encoding} text (byte 0x{raw[exc.start]:02x}); pass "
                "--encoding (e.g. latin-1)", path=str(self.path), line=self.lineno) from None
        if "\r" not in text:
            return text
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # old Mac line ends: one physical line becomes several
            parts = text.replace("\r", "\n").split("\n")
            pieces = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
            self.pending = pieces[:0:-1]
            return pieces[0]
        return text


def _decode(data: bytes, encoding: str, path: Path) -> str:
    codec = _codec(encoding)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid {encoding} text (byte 0x{data[exc.start]:02x}); "
            "pass --encoding (e.g. latin-1)", path=str(path), line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_delimited(text: TextLines, delimiter: str, out: RawFile) -> None:
    csv.field_size_limit(limits.MAX_RECORD_BYTES)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except (csv.Error, _Oversized) as exc:
        raise InputError(f"unreadable header ({exc})", path=str(text.path), line=1) from None
    names = [h.strip() or f"column_{i}" for i, h in enumerate(header)]
    out.columns = names
    width = len(names)
    while True:
        line = text.lineno + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except _Oversized as exc:
            out.problems.append(LoadProblem(exc.line, "*", limits.oversized_message(exc.size),
                                            "oversized_record"))
            reader = csv.reader(text, delimiter=delimiter)  # the parser's state is lost
            continue
        except csv.Error as exc:
            out.problems.append(LoadProblem(line, "*", f"unreadable CSV record ({exc})",
                                            "oversized_record" if "limit" in str(exc)
                                            else "malformed_csv"))
            reader = csv.reader(text, delimiter=delimiter)
            continue
        _add_row(row, names, width, line, delimiter, out)


def _add_row(row: list[str], names: list[str], width: int, line: int, delimiter: str,
             out: RawFile) -> None:
    if not row or (len(row) == 1 and not row[0].strip()):
        return
    if len(row) != width:
        out.problems.append(LoadProblem(
            line, "*", f"expected {width} fields, found {len(row)}", "wrong_field_count"))
        return
    swallowed = _swallowed_records(row, width, delimiter)
    if swallowed:
        out.problems.append(LoadProblem(
            line, names[swallowed[0]],
            f"a stray quote made this field swallow about {swallowed[1]} following "
            "records; the row was left out", "swallowed_records"))
        return
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


def _read_json_array(text: str, path: Path, out: RawFile) -> None:
    """Parse a top-level array element by element, so each record keeps its start line."""
    from tuneready.io.jsonarray import elements

    out.span = text.count("\n") + (0 if text.endswith("\n") else 1)
    for line, item in elements(text, path):
        if isinstance(item, LoadProblem):
            out.problems.append(item)
        else:
            obj, source = item
            _add_object(obj, line, source, out)


def _read_label_lines(text: TextLines, out: RawFile) -> None:
    """``LABEL text`` per line (TREC style): the first whitespace-separated token is the label."""
    while True:
        try:
            raw = next(text)
        except StopIteration:
            return
        except _Oversized as exc:
            out.problems.append(LoadProblem(exc.line, "*", limits.oversized_message(exc.size),
                                            "oversized_record"))
            continue
        if not raw.strip():
            continue
        parts = raw.strip().split(None, 1)
        if len(parts) < 2:
            out.problems.append(LoadProblem(text.lineno, "text", "a label with no text after "
                                            "it", "missing_text"))
            continue
        out.records.append((text.lineno, {"label": parts[0], "text": parts[1]}))


def file_label(path: Path) -> str:
    """A short, stable display name for reports (no absolute paths leak into JSON)."""
    return os.path.basename(str(path))
