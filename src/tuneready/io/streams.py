"""Open a data file as a stream of decompressed bytes, hashing the bytes on disk on the way.

Compressed files (``.gz``, ``.bz2``, ``.xz``, ``.zst``) are decompressed as they are read, so
a large JSONL or CSV shard never sits in memory as a whole (the ``--sample`` path stays a
stream). The compression is named by the suffix and confirmed by the file's magic bytes: a
``.gz`` file that is not gzip data is an error, and a file without a compression suffix that
starts with a known magic number is decompressed all the same. The sha256 in the report is
of the file as stored (what ``sha256sum`` prints), computed from the same single read.

A truncated or corrupt compressed file is an ``InputError`` naming the file: the records read
before the damage are not the data set.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tuneready.config.errors import InputError

COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd",
                ".zstd": "zstd"}
_MAGIC = (("gzip", b"\x1f\x8b"), ("bzip2", b"BZh"), ("xz", b"\xfd7zXZ\x00"),
          ("zstd", b"\x28\xb5\x2f\xfd"))
CHUNK = 1 << 20


def split_suffix(path: Path) -> tuple[str, str | None]:
    """``(data suffix, compression)``: ``train.jsonl.gz`` -> ``(".jsonl", "gzip")``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        inner = suffixes[-2] if len(suffixes) > 1 else ""
        return inner, COMPRESSIONS[suffixes[-1]]
    return (suffixes[-1] if suffixes else ""), None


def sniff(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` starts with."""
    for name, magic in _MAGIC:
        if head.startswith(magic):
            return name
    return None


class HashingReader(io.RawIOBase):
    """A read-only file that feeds every byte it hands out to a sha256."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        return n

    def finish(self) -> str:
        """Hash the rest of the file too (bytes after the end of a compressed stream)."""
        while chunk := self.raw.read(CHUNK):
            self.digest.update(chunk)
        return self.digest.hexdigest()


class ZstdReader(io.RawIOBase):
    """zstandard decompression that reads every frame and refuses a truncated last frame.

    ``zstandard``'s own ``stream_reader`` returns a truncated frame's bytes without an error;
    a decompression object per frame tells whether each frame really ended.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self.raw = raw
        self.make = zstandard.ZstdDecompressor().decompressobj
        self.error = zstandard.ZstdError
        self.dobj = self.make()
        self.pending = b""
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            chunk = self.raw.read(CHUNK)
            if not chunk:
                if self.started and not self.dobj.eof:
                    raise EOFError("compressed file ended before the end of a zstd frame")
                return 0
            self.pending = self._feed(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if self.dobj.eof:  # the previous frame ended: the rest starts a new one
                self.dobj = self.make()
            self.started = True
            try:
                out.append(self.dobj.decompress(chunk))
            except self.error as exc:
                raise OSError(f"corrupt zstd data ({exc})") from None
            chunk = self.dobj.unused_data if self.dobj.eof else b""
        return b"".join(out)


class Opened:
    """One data file open for reading: ``stream`` gives decompressed bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.open("rb")
        self.hasher = HashingReader(self.file)
        head = self.file.read(8)
        self.file.seek(0)
        _, named = split_suffix(path)
        found = sniff(head)
        if named and found != named:
            self.file.close()
            raise InputError(f"named as {named} but is not {named} data", path=str(path))
        self.compression = named or found
        self.stream = io.BufferedReader(_decompressor(self.compression, self.hasher), CHUNK)

    def sha256(self) -> str:
        return self.hasher.finish()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decompressor(kind: str | None, raw: Any) -> Any:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(raw, mode="rb")
    if kind == "zstd":
        return ZstdReader(raw)
    return raw


#: what a damaged compressed stream raises, by library
DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, lzma.LZMAError,
                                                         gzip.BadGzipFile)


def lines(stream: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """Lines of ``stream`` with their end; a line longer than ``limit`` bytes is yielded as
    its length (an ``int``) and never held in memory whole."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = stream.readline(CHUNK)
            size += len(line)
        yield size
