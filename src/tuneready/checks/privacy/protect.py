"""Reports never leak: every string a check puts in its tables, findings, summary or flagged
rows is masked here, once, before the ``Audit`` exists, so that no renderer (terminal, JSON,
Markdown, JUnit, HTML, ``review.csv``, ``flagged.csv``) and no Python caller can see an
unmasked value or forget to mask one.

Excerpts are cut (300 characters...), and a cut can split a value so that the detectors no
longer see it in the cell ("john.smith@gma"). When a table row names its ``row_id`` and the cell
is the start of that row's input or target, the spans are taken from the *whole* text and any
span reaching the cut is masked whole. For other cells a trailing fragment that could be part
of a value (digits, ``@``, a long token) is masked as ``<CUT>``. ``no_excerpts`` blanks every
training-text cell instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from tuneready.checks.privacy.detect import DEFAULT_REGIONS, Span, resolve_overlaps
from tuneready.checks.privacy.mask import apply
from tuneready.checks.privacy.scan import scan

#: table keys whose values are training text (blanked by ``--no-excerpts``)
EXCERPT_KEYS = frozenset({"input", "target", "example", "opening", "text", "answer",
                          "chosen", "rejected", "prompt"})
#: a last token that may be the start of an identifier or secret cut by the excerpt limit
_TAIL = re.compile(r"(?:\S*@\S*|\S{16,}|[+(]?\d[\d ().-]{2,})$")
#: excerpts are cut at 300 characters or more (``TEXT_LIMIT``, review's ``INPUT_CHARS``):
#: shorter cells are whole texts and keep their last word
_CUT_MIN = 300


class Masker:
    """Masks cells, reading the whole row text where the cell is a cut excerpt of it. All cells
    are scanned together (``prepare``: one gated pass, ``scan.py``), then looked up."""

    def __init__(self, frame: pd.DataFrame | None, regions: Sequence[str] = DEFAULT_REGIONS):
        self.regions = tuple(regions)
        self._frame: dict[int, tuple[str, str]] = {}
        if frame is not None and len(frame):
            ids = frame["row_id"].astype(int).tolist()
            self._frame = dict(zip(ids, zip(frame["input"].fillna("").astype(str),
                                            frame["target"].fillna("").astype(str),
                                            strict=True), strict=True))
        self._done: dict[tuple[str, int | None], str] = {}

    def prepare(self, cells: Iterable[tuple[str, int | None]]) -> None:
        """Mask every ``(text, row_id)`` at once; ``text`` then answers from the table."""
        todo = [c for c in dict.fromkeys(cells) if c not in self._done and c[0]]
        fulls: dict[tuple[str, int | None], str] = {}
        for value, rid in todo:
            for full in self._frame.get(rid, ()) if rid is not None else ():
                if len(full) > len(value) and full.startswith(value):
                    fulls[(value, rid)] = full
                    break
        plain = [v for v, r in todo if (v, r) not in fulls]
        spans = dict(zip(plain, self._spans(plain), strict=True))
        full_texts = list(fulls.values())
        full_spans = dict(zip(full_texts, scan(full_texts, self.regions), strict=True))
        for value, rid in todo:
            if (value, rid) in fulls:
                self._done[(value, rid)] = _cut_mask(value, full_spans[fulls[(value, rid)]])
            else:
                self._done[(value, rid)] = _tail(value, apply(value, spans[value]))

    def text(self, value: str, row_id: int | None = None) -> str:
        if not value:
            return value
        if (value, row_id) not in self._done:
            self.prepare([(value, row_id)])
        return self._done[(value, row_id)]

    def _spans(self, values: list[str]) -> list[list[Span]]:
        """Spans of each cell, and of its upper-cased copy: some tables fold case (openings),
        and a folded key (``akia...``) no longer matches its scanner's pattern."""
        spans = scan(values, self.regions)
        folded = [v.upper() for v in values]
        folded = [u if u != v and len(u) == len(v) else "" for u, v in zip(folded, values,
                                                                             strict=True)]
        for i, extra in enumerate(scan(folded, self.regions)):
            if extra:
                value = values[i]
                spans[i] = resolve_overlaps(spans[i] + [replace(s, value=value[s.start:s.end])
                                                        for s in extra])
        return spans


def _tail(value: str, masked: str) -> str:
    if len(value) >= _CUT_MIN and not masked.endswith(">"):
        return _TAIL.sub("<CUT>", masked)
    return masked


def _cut_mask(cell: str, spans: list[Span]) -> str:
    """``cell`` (the first ``len(cell)`` characters of the text the spans index) masked; a span
    running past the cut is masked whole (its mask ends the cell)."""
    inside = [s for s in spans if s.start < len(cell)]
    if inside and inside[-1].end > len(cell):
        return apply(cell[:inside[-1].start] + inside[-1].value, inside)
    return apply(cell, inside)


def protect(results: list[Any], frame: pd.DataFrame | None, no_excerpts: bool = False,
            regions: Sequence[str] = DEFAULT_REGIONS) -> list[Any]:
    """Copies of ``CheckResult``s with every table cell, finding message and summary masked
    (and training-text cells blanked when ``no_excerpts``)."""
    masker = Masker(frame, regions)
    masker.prepare(_cells(results, no_excerpts))
    flagged = _flagged_masks(results, regions)
    out = []
    for r in results:
        tables = {name: [_row(row, masker, no_excerpts) for row in rows]
                  for name, rows in r.tables.items()}
        findings = [replace(f, message=masker.text(f.message),
                            remedy=masker.text(f.remedy) if f.remedy else f.remedy)
                    for f in r.findings]
        out.append(replace(r, tables=tables, findings=findings, summary=masker.text(r.summary),
                           error=masker.text(r.error) if r.error else r.error,
                           flagged=_flagged(r.flagged, flagged)))
    return out


def _flagged_masks(results: list[Any], regions: Sequence[str]) -> dict[str, str]:
    """Masked copies of the ``flagged.csv`` reasons and evidence that hold a value: the
    checks write words and numbers there, never a row's text, but a group or label name is
    the data's own value. Each distinct cell is scanned once, as written (the cells are
    short and never cut, so no excerpt or case-folding care applies)."""
    cells = list({c for r in results for f in r.flagged for c in (f.reason, f.evidence) if c})
    return {c: apply(c, s) for c, s in zip(cells, scan(cells, regions), strict=True) if s}


def _flagged(rows: list[Any], masks: dict[str, str]) -> list[Any]:
    if not masks:  # the usual case: a copy of the list, no row rebuilt
        return list(rows)
    return [replace(f, reason=masks.get(f.reason, f.reason),
                    evidence=masks.get(f.evidence, f.evidence))
            if f.reason in masks or f.evidence in masks else f for f in rows]


def _cells(results: list[Any], no_excerpts: bool) -> list[tuple[str, int | None]]:
    """Every string ``protect`` will mask, with the row id a cut excerpt is read from."""
    cells: list[tuple[str, int | None]] = []
    for r in results:
        cells += [(r.summary, None), (r.error or "", None)]
        cells += [(x, None) for f in r.findings for x in (f.message, f.remedy or "")]
        for rows in r.tables.values():
            for row in rows:
                rid = row.get("row_id")
                cells += [(v, rid if isinstance(rid, int) and k in ("input", "target") else None)
                          for k, v in row.items() if isinstance(v, str) and not _ours(k)
                          and not (no_excerpts and k in EXCERPT_KEYS)]
    return cells


def _ours(key: str) -> bool:
    """Cells the audit computed itself (``input_hash``): digests, never the data's text."""
    return key.endswith("_hash")


def _row(row: dict[str, Any], masker: Masker, no_excerpts: bool) -> dict[str, Any]:
    row_id = row.get("row_id")
    rid = int(row_id) if isinstance(row_id, int) else None
    out = {}
    for key, value in row.items():
        if isinstance(value, str) and not _ours(key):
            value = "" if no_excerpts and key in EXCERPT_KEYS else masker.text(
                value, rid if key in ("input", "target") else None)
        out[key] = value
    return out
