"""A reviewer's verdicts on answer findings, matched to the rows of this data set.

The answers check's part of ``review.csv`` (``checks/answers/review.py``) lists sampled rows
of each finding type (its stratum) with an empty ``verdict``; the reviewer writes ``defect``
(the answer has that defect), ``ok`` (it does not) or ``skip``. ``--review`` reads them back
(``io.review_file.read_review``) and this module finds each verdict's row:

- by row id when its input hash and answer hash agree (or the file carries none), else by the
  hashes (the row moved between versions of the file);
- a verdict whose input or answer changed no longer applies: it is counted as unmatched, never
  applied to the new text (a fixed answer is not the defect the reviewer saw);
- an unknown row id in a file without hashes, or a file none of whose verdicts match, is a
  one-line error naming the file, line and field (exit 2): it is the review of another data
  set, or it was typed by hand wrongly.

The answer hash is the same function as the input hash (``io.review_file.input_hash``) applied
to the answer text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tuneready.config.errors import InputError
from tuneready.io.review_file import Verdict, input_hash


@dataclass(frozen=True)
class ReviewedAnswer:
    stratum: str   # the finding type the reviewer judged, "answers.truncated.cut_copy"
    verdict: str   # "defect" or "ok"


@dataclass(frozen=True)
class MatchedVerdicts:
    """Frame position -> the reviewer's verdict (the last one in the file wins)."""

    by_position: dict[int, ReviewedAnswer] = field(default_factory=dict)
    unmatched: int = 0

    @property
    def reviewed(self) -> int:
        return len(self.by_position)


def match_verdicts(verdicts: list[Verdict], frame: pd.DataFrame, path: str) -> MatchedVerdicts:
    """Each verdict's frame position (see the module docstring); strata are checked against
    ``answers.*`` finding types by the caller, which knows them."""
    if not verdicts:
        return MatchedVerdicts()
    ids = {str(r): i for i, r in enumerate(frame["row_id"].tolist())}
    inputs = frame["input"].tolist()
    targets = frame["target"].tolist()
    hashed = any(v.input_hash or v.target_hash for v in verdicts)
    in_h = [input_hash(t) for t in inputs] if hashed else []
    out_h = [input_hash(t) for t in targets] if hashed else []
    index: dict[tuple[str, str], int] = {}  # (input hash, answer hash), each alone too
    for i, (a, b) in enumerate(zip(in_h, out_h, strict=True)):
        for key in ((a, b), (a, ""), ("", b)):
            index.setdefault(key, i)
    found: dict[int, ReviewedAnswer] = {}
    unmatched = 0
    for v in verdicts:
        pos = ids.get(v.row_id)
        if v.input_hash or v.target_hash:
            if pos is None or not _same(v, in_h[pos], out_h[pos]):
                pos = index.get((v.input_hash, v.target_hash))
                if pos is None:
                    unmatched += 1  # the prompt or the answer changed: it no longer applies
                    continue
        elif pos is None:
            raise InputError(f"unknown row id {v.row_id}", path=path, line=v.line,
                             field="row_id")
        found[pos] = ReviewedAnswer(v.stratum, v.verdict)
    if not found:
        raise InputError(f"none of the {len(verdicts):,} verdicts matches a row of this data set "
                         "(by row id, prompt and answer): is it the review of another data set?",
                         path=path, line=verdicts[0].line, field="row_id")
    return MatchedVerdicts(dict(sorted(found.items())), unmatched)


def _same(v: Verdict, in_hash: str, out_hash: str) -> bool:
    return (not v.input_hash or v.input_hash == in_hash) and \
        (not v.target_hash or v.target_hash == out_hash)
