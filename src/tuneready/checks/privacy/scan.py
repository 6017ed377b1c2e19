"""Detectors over a whole column at the speed of a few regex passes.

Running eight finders on every row costs Python calls per row; most rows hold nothing. So each
kind has a *gate*, a pattern any of its values must contain, searched once over all distinct
texts joined into one string; only the rows a gate hits run that kind's finder. A gate match that
crosses the separator marks both rows it touches, so gating never loses a value. Distinct texts
are scanned once (exports repeat rows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from tuneready.checks.privacy.detect import (
    DEFAULT_REGIONS,
    DIGIT_RUN,
    KINDS,
    Span,
    finders,
    resolve_overlaps,
)
from tuneready.checks.privacy.secrets import CANDIDATE

_SEP = "\n\x1f\n"
_DIGITS = DIGIT_RUN.pattern
GATES: dict[str, re.Pattern[str]] = {
    "email": re.compile("@"),
    "phone": DIGIT_RUN,
    "card": DIGIT_RUN,
    "iban": DIGIT_RUN,
    "national_id": re.compile(_DIGITS + r"|[A-Z]{6}\d{2}[A-Z]"),
    "ip": re.compile(r"\d\.\d|:[0-9A-Fa-f]*:"),
    "dob": re.compile(r"(?i)d\.?o\.?b|born|birth|geboren|n[ée]e?\s+le"),
    "secret": CANDIDATE,
}


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
    """Row -> kinds whose gate matched in it (rows in no gate are absent)."""
    if not texts:
        return {}
    lengths = np.fromiter((len(t) + len(_SEP) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    blob = _SEP.join(texts)
    hits: dict[int, set[str]] = {}
    by_gate: dict[str, list[str]] = {}
    for kind in kinds:
        by_gate.setdefault(GATES[kind].pattern, []).append(kind)
    for pattern, gate_kinds in by_gate.items():
        gate = re.compile(pattern)
        ends = [(m.start(), m.end() - 1) for m in gate.finditer(blob)]
        if not ends:
            continue
        pos = np.asarray(ends, dtype=np.int64).ravel()
        for row in np.unique(np.searchsorted(starts, pos, side="right") - 1).tolist():
            hits.setdefault(int(row), set()).update(gate_kinds)
    return hits
