"""Every row behind every finding, as a check's ``CheckResult.flagged`` (``flagged.csv``).

A finding carries a few example rows (``Finding.rows``) and the count (``n_rows``); the
report folder's ``flagged.csv`` lists them all, one line per (finding, row). A check gathers
them as arrays while it builds each finding (``Flags.add``: the row ids and, per row or for
all, a short reason and evidence made of words and numbers, never the row's text) and turns
them into ``FlaggedRow``s once at the end (``Flags.rows``), when its excluded rows are known:
``removed`` is then true exactly for the rows the check removes from the effective size, by
construction rather than by each call site remembering it.

Cost: the per-row work is numpy/pandas (row lookups, membership, string columns); the input
hash (``io.review_file.input_hash``, the identity ``review.csv`` uses) is computed once per
distinct input of the rows flagged, shared by every check of the audit, never for the rows no
finding names.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from tuneready.core.precision import FlaggedRow, Precision

#: a reason or evidence: one text for every row of the batch, or one per row
Cells = str | Sequence[str] | np.ndarray | pd.Series


def positions_of(frame: pd.DataFrame, row_ids: np.ndarray | Sequence[int]) -> np.ndarray:
    """Frame positions of row ids (-1: not a row of the frame). Row ids are source lines, so
    several rows can share one (a JSON array written on one line): such an id maps to its
    first row. Callers that know the positions pass them instead (``Flags.add``)."""
    ids = pd.Index(frame["row_id"].to_numpy(dtype=np.int64))
    wanted = pd.Index(np.asarray(row_ids, dtype=np.int64))
    if ids.is_unique:
        return np.asarray(ids.get_indexer(wanted), dtype=np.int64)
    first = pd.Series(np.arange(len(ids)), index=ids).groupby(level=0).first()
    return np.asarray(first.reindex(wanted).fillna(-1).to_numpy(), dtype=np.int64)


class RowHashes:
    """``input_hash`` of rows by frame position, computed once per distinct input, on demand.

    A flagged row that is not in the frame (a malformed record, which never became a row; a
    training row outside the sample that the Dask engine matched over every row) gets ``""``:
    its input is not at hand."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._inputs = frame["input"].fillna("").astype(str).to_numpy(dtype=object)
        self._done = np.full(len(frame), None, dtype=object)

    def of(self, positions: np.ndarray) -> np.ndarray:
        from tuneready.io.review_file import input_hash

        out = np.full(len(positions), "", dtype=object)
        known = positions >= 0
        todo = np.unique(positions[known])
        todo = todo[pd.isna(self._done[todo])]
        if len(todo):
            codes, texts = pd.factorize(pd.Series(self._inputs[todo], dtype=object))
            hashed = np.asarray([input_hash(t) for t in texts], dtype=object)
            self._done[todo] = hashed[codes]
        out[known] = self._done[positions[known]]
        return out


#: one ``RowHashes`` per frame, shared by the checks of an audit (each hashes a row once
#: however many checks flag it), dropped with the frame
_SHARED: dict[int, RowHashes] = {}


def hashes_for(frame: pd.DataFrame) -> RowHashes:
    key = id(frame)
    if key not in _SHARED:
        _SHARED[key] = RowHashes(frame)
        weakref.finalize(frame, _SHARED.pop, key, None)
    return _SHARED[key]


@dataclass
class _Batch:
    finding: str
    type: str
    rows: np.ndarray
    positions: np.ndarray
    reason: Cells
    evidence: Cells
    precision: str


class Flags:
    """The flagged rows of one check, gathered per finding (see the module docstring)."""

    def __init__(self, check: str, frame: pd.DataFrame) -> None:
        self.check = check
        self.frame = frame
        self.hashes = hashes_for(frame)
        self._ids = frame["row_id"].to_numpy(dtype=np.int64)
        self._batches: list[_Batch] = []

    def add(self, finding: str, rows: Iterable[int] | np.ndarray | None, reason: Cells,
            evidence: Cells = "", precision: Precision | str = "", type: str | None = None,
            positions: np.ndarray | None = None) -> None:
        """Rows behind ``finding``, by row id (``rows``) or, better, by frame position
        (``positions``: exact even where rows share an id); ``reason``/``evidence``: one text
        or one per row, aligned with them; ``precision``: the type's ``Precision`` ("" for a
        plain fact, such as an exact copy or a token count); ``type``: whose precision
        applies (default: the finding code)."""
        if positions is not None:
            pos = np.asarray(positions, dtype=np.int64)
            ids = self._ids[pos]
        else:
            ids = np.asarray(rows if isinstance(rows, np.ndarray) else list(rows or ()),
                             dtype=np.int64)
            pos = positions_of(self.frame, ids) if len(ids) else ids
        text = precision.text() if isinstance(precision, Precision) else precision
        self._batches.append(_Batch(finding, type or finding, ids, pos, reason, evidence, text))

    def count(self, finding: str) -> int:
        """Rows gathered so far for ``finding``."""
        return sum(len(b.rows) for b in self._batches if b.finding == finding)

    def rows(self, excluded: Iterable[int] = ()) -> list[FlaggedRow]:
        """Every (finding, row), in the order the findings were added and by row id within
        each; ``removed`` is true for exactly the rows in ``excluded``."""
        gone = np.unique(np.fromiter((int(r) for r in excluded), dtype=np.int64))
        out: list[FlaggedRow] = []
        for b in self._batches:
            order = np.argsort(b.rows, kind="stable")
            ids = b.rows[order]
            out.extend(map(FlaggedRow, repeat(self.check), repeat(b.finding), repeat(b.type),
                           ids.tolist(), self.hashes.of(b.positions[order]).tolist(),
                           _cells(b.reason, order), _cells(b.evidence, order),
                           np.isin(ids, gone).tolist(), repeat(b.precision)))
        return out


def _cells(value: Cells, order: np.ndarray) -> Iterable[str]:
    if isinstance(value, str):
        return repeat(value, len(order))
    arr = np.asarray(value, dtype=object)
    if len(arr) != len(order):
        raise ValueError(f"{len(arr)} reasons or evidences for {len(order)} rows")
    return (str(v) for v in arr[order])


def numbered(prefix: str, values: np.ndarray | Sequence[int], suffix: str = "") -> np.ndarray:
    """``prefix + value + suffix`` per row, built as one string column ("exact copy of row
    12"): the common shape of a reason that names another row (ids as the reports print
    them, without thousands separators)."""
    s = pd.Series(np.asarray(values, dtype=np.int64)).astype(str)
    return (prefix + s + suffix).to_numpy(dtype=object)


def lines_per_finding(flagged: Iterable[FlaggedRow]) -> dict[str, int]:
    """How many ``flagged.csv`` lines each finding code has (the tests compare with
    ``n_rows``)."""
    out: dict[str, int] = {}
    for f in flagged:
        out[f.finding] = out.get(f.finding, 0) + 1
    return out
