"""Detectors over a whole column at the speed of a few regex passes.

Running eight finders on every row costs Python calls per row; most rows hold nothing. So each
kind has a *gate*, a pattern any of its values must contain, searched once over all distinct
texts joined into one string; only the rows a gate hits run that kind's finder. A gate match that
crosses the separator marks both rows it touches, so gating never loses a value. Distinct texts
are scanned once (exports repeat rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from tuneready.checks.privacy.detect import (
    DEFAULT_REGIONS,
    KINDS,
    Span,
    finders,
    resolve_overlaps,
)

_SEP = "\n\x1f\n"
#: kinds whose values all hold at least this many digits (the codice fiscale has 7)
DIGIT_KINDS = {"phone": 7, "card": 13, "iban": 8, "national_id": 7}
#: birth words, searched as plain substrings of the lower-cased text
#: (every alternative of ``detect._DOB``'s birth words holds one of them)
DOB_WORDS = ("born", "birth", "dob", "d.o.b", "d.ob", "do.b", "geboren", "née", "nee le",
             "né le", "ne le")
#: a secret is a token of 16+ characters, or sits in a key block or a URL with credentials
SECRET_WORDS = ("PRIVATE KEY", "://")
_SPACE = np.array([9, 10, 11, 12, 13, 32], dtype=np.uint32)


def scan(texts: Sequence[str], regions: Sequence[str] = DEFAULT_REGIONS,
         kinds: Sequence[str] = KINDS) -> list[list[Span]]:
    """The spans of each text (same order as ``texts``), as ``find_all`` would give them."""
    distinct = list(dict.fromkeys(texts))
    index = {t: i for i, t in enumerate(distinct)}
    hits = _gate_hits(distinct, kinds)
    run = finders(regions)
    found: list[list[Span]] = [[] for _ in distinct]
    for row, row_kinds in hits.items():
        text = distinct[row]
        found[row] = resolve_overlaps([s for k in KINDS if k in row_kinds
                                       for s in run[k](text)])
    return [found[index[t]] for t in texts]


def _gate_hits(texts: list[str], kinds: Sequence[str]) -> dict[int, set[str]]:
    """Row -> kinds whose gate matched in it (rows in no gate are absent). Gates are counts
    and substring searches over the joined text as one code-point array: no Python per row."""
    if not texts:
        return {}
    lengths = np.fromiter((len(t) + len(_SEP) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    blob = _SEP.join(texts) + _SEP  # each row's segment is non-empty, ends with a separator
    points = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
    hits: dict[int, set[str]] = {}

    def mark(rows: Iterable[int], kind: str) -> None:
        for row in rows:
            hits.setdefault(int(row), set()).add(kind)

    def at(positions: Iterable[int]) -> list[int]:
        pos = np.fromiter(positions, dtype=np.int64)
        return np.unique(np.searchsorted(starts, pos, side="right") - 1).tolist()

    digits = np.add.reduceat(((points >= 48) & (points <= 57)).astype(np.int64), starts)
    for kind, least in DIGIT_KINDS.items():
        if kind in kinds:
            mark(np.flatnonzero(digits >= least).tolist(), kind)
    if "ip" in kinds:
        dots = np.add.reduceat((points == 46).astype(np.int64), starts)
        colons = np.add.reduceat((points == 58).astype(np.int64), starts)
        mark(np.flatnonzero(((digits >= 4) & (dots >= 3)) | (colons >= 2)).tolist(), "ip")
    if "email" in kinds:
        mark(at(_find_all(blob, "@")), "email")
    if "dob" in kinds:
        lowered = blob.lower()
        if len(lowered) == len(blob):
            mark(at(p for w in DOB_WORDS for p in _find_all(lowered, w)), "dob")
        else:  # a character whose lower case is longer (İ): offsets shift, go row by row
            mark([r for r, t in enumerate(texts) if any(w in t.lower() for w in DOB_WORDS)],
                 "dob")
    if "secret" in kinds:
        spaces = np.flatnonzero(np.isin(points, _SPACE))
        bounds = np.concatenate(([-1], spaces, [len(points)]))
        long_runs = bounds[:-1][np.diff(bounds) > 16] + 1  # 16+ characters with no space
        found = [*long_runs.tolist(), *(p for w in SECRET_WORDS for p in _find_all(blob, w))]
        mark(at(found), "secret")
    return hits


def _find_all(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out
