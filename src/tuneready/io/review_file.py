"""``review.csv``: the label-noise review sample, written for a person and read back filled,
and the answers check's findings for review (one stratum per finding type, ``ANSWER_COLUMNS``).

Columns: ``row_id``, ``input``, ``given_label``, ``likely_label``, ``correct_label`` (empty:
the reviewer writes the right label, the given one included when it is right),
``input_hash`` (sha256 of the normalized input, 16 hex digits), ``stratum``
(``label_noise.flagged`` or ``label_noise.unflagged``) and ``stratum_size`` (its rows in the
data set: what the stratified estimate weighs each stratum by; files written before these two
columns existed are read the same way). Cells are formula-safe
(``io/csvsafe.py``): a text starting with ``=``, ``+``, ``-`` or ``@`` gets a leading
apostrophe, which is taken off again when a label is read back.

Reading is strict where a mistake would change the estimate silently and lenient where a
person would be: rows with an empty ``correct_label`` are unanswered (a partial review is
fine), extra columns are ignored, and answers are matched by row id *and* input hash, so a
review of one version of a data set still counts for the next (a row that moved is found by
its hash; a row whose input changed or left no longer counts and is reported as unmatched).
An unknown row id in a file without hashes (typed by hand), a file none of whose answers
match, an unknown label or a missing column is a one-line error naming the file, the line and
the field (exit 2).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuneready.config.errors import InputError
from tuneready.io.csvsafe import to_csv
from tuneready.io.text import normalize

COLUMNS = ("row_id", "input", "given_label", "likely_label", "correct_label", "input_hash",
           "stratum", "stratum_size")
#: the answers check's findings for review (``checks/answers/review.py``): the reviewer writes
#: ``defect``, ``ok`` or ``skip`` in ``verdict``; read back by ``--review`` (``VERDICTS``)
ANSWER_COLUMNS = ("row_id", "stratum", "stratum_size", "finding", "precision", "input",
                  "target", "verdict", "input_hash", "target_hash")
#: a verdict on an answer finding: confirmed, not a defect, or left for later
VERDICTS = ("defect", "ok", "skip")
#: characters of the input written for the reviewer
INPUT_CHARS = 4000


def input_hash(text: Any) -> str:
    """Stable identity of an input across versions of a file (normalized, sha256)."""
    raw = normalize("" if text is None or text is pd.NA else str(text))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def render(rows: Iterable[dict[str, Any]]) -> str:
    """The CSV text of a review sample (the ``review_sample`` tables of ``label_noise`` and
    ``answers``): label rows under ``COLUMNS``, answer findings (rows of an ``answers.*``
    stratum) under ``ANSWER_COLUMNS``, both when both are present (each row fills its own)."""
    rows = list(rows)
    columns = columns_for(rows)
    return to_csv(columns, ([_blank(r.get(c)) for c in columns] for r in rows))


def columns_for(rows: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The columns ``render`` writes for these rows (the HTML review panel writes the same)."""
    answers = any(is_answer_row(r) for r in rows)
    labels = any(not is_answer_row(r) for r in rows)
    return (COLUMNS if not answers else ANSWER_COLUMNS if not labels else
            COLUMNS + tuple(c for c in ANSWER_COLUMNS if c not in COLUMNS))


def is_answer_row(row: dict[str, Any]) -> bool:
    """A verdict row (the answers check's), as ``read_review`` tells them: its stratum is
    ``answers.*``; any other row (the label-noise strata, or none) answers a label."""
    return str(row.get("stratum") or "").startswith("answers.")


def _blank(value: Any) -> Any:
    return "" if value is None else value


@dataclass(frozen=True)
class Answer:
    line: int
    row_id: str
    input_hash: str
    label: str


@dataclass(frozen=True)
class Verdict:
    """A reviewer's verdict on one answer finding (a row of an ``answers.*`` stratum)."""

    line: int
    row_id: str
    input_hash: str
    target_hash: str
    stratum: str
    verdict: str


@dataclass(frozen=True)
class ReviewAnswers:
    """What a filled review file says: label answers and answer-finding verdicts."""

    labels: list[Answer]
    verdicts: list[Verdict]


def read(path: str | Path) -> list[Answer]:
    """The answered label rows of a filled review file (``read_review`` for verdicts too)."""
    return read_review(path).labels


def read_review(path: str | Path) -> ReviewAnswers:
    """Every answered row of a filled review file: a row of an ``answers.*`` stratum needs a
    verdict from ``VERDICTS`` (empty or ``skip``: unanswered), any other row a label in
    ``correct_label`` (empty: unanswered). A file needs ``row_id`` and at least one of the
    two answer columns."""
    p = Path(path)
    rows = _rows(p)
    header = [h.strip().lstrip("'") for h in rows[0]]
    if "row_id" not in header:
        raise InputError(f"missing column (expected {', '.join(COLUMNS)})", path=str(p),
                         line=1, field="row_id")
    if "correct_label" not in header and "verdict" not in header:
        raise InputError("missing column: a review file answers in correct_label (labels) or "
                         "verdict (answer findings)", path=str(p), line=1,
                         field="correct_label")
    at = {name: header.index(name) for name in header}
    labels: list[Answer] = []
    verdicts: list[Verdict] = []
    for line, row in enumerate(rows[1:], start=2):
        stratum = _cell(row, at["stratum"]) if "stratum" in at else ""
        if stratum.startswith("answers."):
            verdict = _verdict(row, at, line, str(p))
            if verdict:
                verdicts.append(Verdict(line, _row_id(row, at, line, str(p)),
                                        _opt(row, at, "input_hash"),
                                        _opt(row, at, "target_hash"), stratum, verdict))
            continue
        label = _cell(row, at["correct_label"]) if "correct_label" in at else ""
        if label:
            labels.append(Answer(line, _row_id(row, at, line, str(p)),
                                 _opt(row, at, "input_hash"), label))
    return ReviewAnswers(labels, verdicts)


def progress(path: str | Path) -> dict[str, tuple[int, int]]:
    """Rows and answered rows per stratum of a review file, in file order: an answers stratum
    by its name, label rows by theirs (``labels`` when the file names none). Read as strictly
    as ``read_review`` (a bad verdict is the same one-line error)."""
    p = Path(path)
    rows = _rows(p)
    header = [h.strip().lstrip("'") for h in rows[0]]
    at = {name: header.index(name) for name in header}
    out: dict[str, tuple[int, int]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        stratum = _cell(row, at["stratum"]) if "stratum" in at else ""
        if stratum.startswith("answers."):
            done = bool(_verdict(row, at, line, str(p)))
        else:
            stratum = stratum or "labels"
            done = "correct_label" in at and bool(_cell(row, at["correct_label"]))
        total, answered = out.get(stratum, (0, 0))
        out[stratum] = (total + 1, answered + done)
    return out


def _rows(p: Path) -> list[list[str]]:
    try:
        text = p.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such review file", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the review file ({type(exc).__name__})",
                         path=str(p)) from None
    try:  # the csv module splits the records: str.splitlines would also break a cell at
        # U+2028, U+0085 or a form feed, which review.csv leaves unquoted
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"not a CSV file ({exc})", path=str(p)) from None
    if not rows:
        raise InputError("the review file is empty", path=str(p), line=1)
    return rows


def _verdict(row: Sequence[str], at: dict[str, int], line: int, path: str) -> str:
    """The verdict of an answer-finding row, lower-cased; "" when unanswered or skipped."""
    if "verdict" not in at:
        raise InputError("an answers stratum needs a verdict column", path=path, line=1,
                         field="verdict")
    value = _cell(row, at["verdict"]).lstrip("'").lower()
    if value not in ("", *VERDICTS):
        raise InputError(f"unknown verdict '{value[:40]}' (verdicts: {', '.join(VERDICTS)})",
                         path=path, line=line, field="verdict")
    return "" if value == "skip" else value


def _row_id(row: Sequence[str], at: dict[str, int], line: int, path: str) -> str:
    row_id = _cell(row, at["row_id"]).lstrip("'")
    if not row_id:
        raise InputError("an answered row needs its row id", path=path, line=line,
                         field="row_id")
    return row_id


def _opt(row: Sequence[str], at: dict[str, int], name: str) -> str:
    return _cell(row, at[name]) if name in at else ""


def _cell(row: Sequence[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


@dataclass(frozen=True)
class Matched:
    """Answers matched to this data set: frame positions and the reviewer's labels."""

    positions: np.ndarray
    labels: list[str]
    unmatched: int


def match(answers: list[Answer], frame: pd.DataFrame, classes: list[str],
          path: str) -> Matched:
    """Frame positions of the answers: by row id when its input hash agrees (or none was
    given), else by input hash; labels checked against the data's classes."""
    ids = {str(r): i for i, r in enumerate(frame["row_id"].tolist())}
    known = set(classes)
    hashes: list[str] | None = None
    by_hash: dict[str, int] = {}
    positions, labels, unmatched = [], [], 0
    for a in answers:
        label = _label(a, known, path)
        pos = ids.get(a.row_id)
        if a.input_hash:
            if hashes is None:
                hashes = [input_hash(t) for t in frame["input"].tolist()]
                for i, h in enumerate(hashes):
                    by_hash.setdefault(h, i)
            if pos is None or hashes[pos] != a.input_hash:
                moved = by_hash.get(a.input_hash)
                if moved is None:
                    unmatched += 1  # the input changed or left: this answer no longer applies
                    continue
                pos = moved
        elif pos is None:
            raise InputError(f"unknown row id {a.row_id}", path=path, line=a.line,
                             field="row_id")
        positions.append(pos)
        labels.append(label)
    if answers and not positions:
        raise InputError(f"none of the {len(answers):,} answers matches a row of this data set "
                         "(by row id and input): is it the review of another data set?",
                         path=path, line=answers[0].line, field="row_id")
    order = dict(zip(positions, labels, strict=True))  # the last answer for a row wins
    keys = sorted(order)
    return Matched(np.asarray(keys, dtype=np.int64), [order[k] for k in keys], unmatched)


def _label(a: Answer, known: set[str], path: str) -> str:
    label = a.label
    if label not in known and label.startswith("'") and label[1:] in known:
        label = label[1:]  # written formula-safe, copied back as is
    if label not in known:
        shown = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
        raise InputError(f"unknown label '{label[:40]}' (labels: {shown})", path=path,
                         line=a.line, field="correct_label")
    return label
