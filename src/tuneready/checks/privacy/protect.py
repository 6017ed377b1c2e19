"""Reports never leak: every string a check puts in its tables, findings or summary is masked
here, once, before the ``Audit`` exists, so that no renderer (terminal, JSON, Markdown, JUnit,
HTML, ``review.csv``) and no Python caller can see an unmasked value or forget to mask one.

Excerpts are cut (300 characters...), and a cut can split a value so that the detectors no
longer see it in the cell ("john.smith@gma"). When a table row names its ``row_id`` and the cell
is the start of that row's input or target, the spans are taken from the *whole* text and any
span reaching the cut is masked whole. For other cells a trailing fragment that could be part
of a value (digits, ``@``, a long token) is masked as ``<CUT>``. ``no_excerpts`` blanks every
training-text cell instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from tuneready.checks.privacy.detect import DEFAULT_REGIONS, Span, find_all, resolve_overlaps
from tuneready.checks.privacy.mask import apply

#: table keys whose values are training text (blanked by ``--no-excerpts``)
EXCERPT_KEYS = frozenset({"input", "target", "example", "opening", "text", "answer",
                          "chosen", "rejected", "prompt"})
#: a last token that may be the start of an identifier or secret cut by the excerpt limit
_TAIL = re.compile(r"(?:\S*@\S*|\S{16,}|[+(]?\d[\d ().-]{2,})$")
#: excerpts are cut at 300 characters or more (``TEXT_LIMIT``, review's ``INPUT_CHARS``):
#: shorter cells are whole texts and keep their last word
_CUT_MIN = 300


class Masker:
    """Masks cells, reading the whole row text where the cell is a cut excerpt of it."""

    def __init__(self, frame: pd.DataFrame | None, regions: Sequence[str] = DEFAULT_REGIONS):
        self.regions = tuple(regions)
        if frame is not None and len(frame):
            ids = frame["row_id"].astype(int).tolist()
            self._frame = dict(zip(ids, zip(frame["input"].fillna("").astype(str),
                                            frame["target"].fillna("").astype(str),
                                            strict=True), strict=True))
        else:
            self._frame = {}

    def text(self, value: str, row_id: int | None = None) -> str:
        if not value:
            return value
        for full in self._frame.get(row_id, ()) if row_id is not None else ():
            if len(full) > len(value) and full.startswith(value):
                return _cut_mask(value, find_all(full, self.regions))
        masked = apply(value, self._spans(value))
        if len(value) >= _CUT_MIN and not masked.endswith(">"):
            masked = _TAIL.sub("<CUT>", masked)
        return masked


    def _spans(self, value: str) -> list[Span]:
        """Spans of the cell, and of its upper-cased copy: some tables fold case (openings),
        and a folded key (``akia...``) no longer matches its scanner's pattern."""
        spans = find_all(value, self.regions)
        upper = value.upper()
        if upper != value and len(upper) == len(value):
            found = [replace(s, value=value[s.start:s.end])
                     for s in find_all(upper, self.regions)]
            spans = resolve_overlaps(spans + found)
        return spans


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
    out = []
    for r in results:
        tables = {name: [_row(row, masker, no_excerpts) for row in rows]
                  for name, rows in r.tables.items()}
        findings = [replace(f, message=masker.text(f.message),
                            remedy=masker.text(f.remedy) if f.remedy else f.remedy)
                    for f in r.findings]
        out.append(replace(r, tables=tables, findings=findings, summary=masker.text(r.summary),
                           error=masker.text(r.error) if r.error else r.error))
    return out


def _row(row: dict[str, Any], masker: Masker, no_excerpts: bool) -> dict[str, Any]:
    row_id = row.get("row_id")
    rid = int(row_id) if isinstance(row_id, int) else None
    out = {}
    for key, value in row.items():
        if isinstance(value, str):
            value = "" if no_excerpts and key in EXCERPT_KEYS else masker.text(
                value, rid if key in ("input", "target") else None)
        out[key] = value
    return out
