"""Compressed inputs: every codec read as a stream, damage and misnaming are clear errors."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma

import pytest
import zstandard

from tuneready.config.errors import InputError
from tuneready.io.readers import read_file
from tuneready.io.streams import lines

BODY = "".join(json.dumps({"text": f"row {i}", "label": "ab"[i % 2]}) + "\n"
               for i in range(50)).encode()
CODECS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress,
          ".zst": lambda b: zstandard.ZstdCompressor().compress(b)}


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_every_codec_reads_like_the_plain_file(write, suffix) -> None:
    plain = read_file(write("d.jsonl", BODY))
    packed = CODECS[suffix](BODY)
    raw = read_file(write(f"d.jsonl{suffix}", packed))
    assert raw.records == plain.records and raw.span == plain.span
    assert raw.sha256 == hashlib.sha256(packed).hexdigest()   # the file as stored


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_csv_and_json_compress_too(write, suffix) -> None:
    csv_body = b"text,label\nhello,a\n\"two\nlines\",b\n"
    raw = read_file(write(f"d.csv{suffix}", CODECS[suffix](csv_body)))
    assert raw.records == [(2, {"text": "hello", "label": "a"}),
                           (3, {"text": "two\nlines", "label": "b"})]
    arr = read_file(write(f"d.json{suffix}", CODECS[suffix](b'[{"a": 1},\n {"a": 2}]')))
    assert [line for line, _ in arr.records] == [1, 2]


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_truncated_streams_are_errors_naming_the_file(write, suffix) -> None:
    packed = CODECS[suffix](BODY * 20)
    path = write(f"cut.jsonl{suffix}", packed[: len(packed) // 2])
    with pytest.raises(InputError, match="truncated") as info:
        read_file(path)
    assert "cut.jsonl" in str(info.value)


def test_multi_frame_zstd_and_multi_member_gzip(write) -> None:
    half = len(BODY) // 2
    cut = BODY.rindex(b"\n", 0, half) + 1
    zst = zstandard.ZstdCompressor().compress(BODY[:cut]) + \
        zstandard.ZstdCompressor().compress(BODY[cut:])
    assert len(read_file(write("m.jsonl.zst", zst)).records) == 50
    gz = gzip.compress(BODY[:cut]) + gzip.compress(BODY[cut:])
    assert len(read_file(write("m.jsonl.gz", gz)).records) == 50


def test_misnamed_and_unnamed_compression(write) -> None:
    with pytest.raises(InputError, match="not gzip data"):
        read_file(write("plain.jsonl.gz", BODY))
    sniffed = read_file(write("secretly.jsonl", gzip.compress(BODY)))  # magic bytes say gzip
    assert len(sniffed.records) == 50
    with pytest.raises(InputError, match="compressed inside"):
        read_file(write("d.parquet.gz", b"x"))


def test_lines_never_hold_an_oversized_line() -> None:
    stream = io.BufferedReader(io.BytesIO(b"short\n" + b"x" * 5000 + b"\nend"))  # type: ignore[arg-type]
    assert list(lines(stream, 100)) == [b"short\n", 5001, b"end"]
