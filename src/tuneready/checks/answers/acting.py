"""Which answer findings act on this data, and how sure each finding type is here.

There is no table of precisions: a precision measured on our benchmark's data sets says
nothing reliable about a user's (truncation that was precise on punctuated instructions was
0.12 on casual human chat). Each finding type's ``Precision`` (``core.precision``) is:

- ``certain`` for an empty answer (nothing to learn from, by definition);
- ``measured`` once a person has judged some of its rows (``--review``: the verdicts of its
  ``review.csv`` stratum, a simple random sample of the type's flags): the share confirmed,
  with its Wilson 95 % interval;
- otherwise ``unmeasured``: a candidate for review, acting on nothing; the report shows the
  range the benchmark saw on its held-out sets, for orientation (``config.heldout``).

What acts:

- a reviewed row acts as the reviewer said: ``defect`` leaves the effective size (whatever its
  type, flagged now or not: a person confirmed it), ``ok`` stays;
- an unreviewed flag leaves it when its type's precision meets the policy's requirement
  (``exclude_min_precision``, with at least ``core.precision.MIN_REVIEWED`` rows reviewed), and
  the type is not a refusal (a refusal may be the behaviour the data is meant to teach); a
  canned reply keeps its first copy;
- every other flag is a candidate. The defect share is then a range: at least the rows that
  left, at most those plus every candidate (for measured types, the upper end of their
  interval times their unreviewed flags).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuneready.config.heldout import unmeasured
from tuneready.core.precision import NEVER_REMOVED, Precision

if TYPE_CHECKING:
    from tuneready.checks.answers.detect import Detections
    from tuneready.io.answer_review import MatchedVerdicts, ReviewedAnswer

#: types true by definition
CERTAIN = frozenset({"empty"})


@dataclass
class Acting:
    """The precision of every flagged type, the rows that leave the effective size, and the
    review behind them."""

    precisions: dict[str, Precision] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    #: reviewed rows of this data (frame position -> verdict)
    verdicts: dict[int, ReviewedAnswer] = field(default_factory=dict)
    #: verdicts whose stratum is not the type flagged on that row now (rules or data changed):
    #: applied to the row, not counted in any type's precision
    off_stratum: int = 0
    unmatched: int = 0
    #: most rows that may be defects (removed + candidates, measured types at their upper end)
    upper_n: int = 0

    def removed_by_type(self, found: Detections) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for f in found.flags:
            if f.position in self.removed:
                out[f.type] += 1
        return dict(out)


def precision_of(kind: str, reviewed: list[str]) -> Precision:
    """A type's precision from the verdicts on its rows (``defect``/``ok``)."""
    if kind in CERTAIN:
        return Precision("certain")
    if not reviewed:
        return unmeasured(f"answers.{kind}")
    from tuneready.evidence.stats import wilson

    k, n = sum(v == "defect" for v in reviewed), len(reviewed)
    lo, hi = wilson(k, n)
    value = k / n  # the interval always holds the observed share (no float overshoot)
    return Precision("measured", value=value, lo=min(value, round(float(lo), 6)),
                     hi=max(value, round(float(hi), 6)), reviewed=n, confirmed=k)


def decide(found: Detections, review: MatchedVerdicts | None,
           min_precision: float) -> Acting:
    """Precisions and removals (see the module docstring)."""
    verdicts = dict(review.by_position) if review is not None else {}
    act = Acting(verdicts=verdicts, unmatched=review.unmatched if review else 0)
    by_type: dict[str, list[int]] = defaultdict(list)
    for f in found.flags:
        by_type[f.type].append(f.position)
    for kind, positions in by_type.items():
        judged = [verdicts[p].verdict for p in positions
                  if p in verdicts and verdicts[p].stratum == f"answers.{kind}"]
        act.precisions[kind] = precision_of(kind, judged)
    type_at = {f.position: f.type for f in found.flags}
    act.off_stratum = sum(1 for p, v in verdicts.items()
                          if v.stratum != f"answers.{type_at.get(p)}")
    first_copies = {g[0] for g in found.canned_groups}
    upper = 0.0
    for f in found.flags:
        p, precision = f.position, act.precisions[f.type]
        if p in verdicts:
            continue
        if f.kind not in NEVER_REMOVED and precision.acts(min_precision) \
                and not (f.kind == "canned" and p in first_copies):
            act.removed.add(p)
        elif f.kind not in NEVER_REMOVED:
            upper += precision.hi if precision.basis == "measured" and precision.hi else 1.0
    act.removed |= {p for p, v in verdicts.items() if v.verdict == "defect"}
    act.upper_n = len(act.removed) + math.ceil(upper)
    return act
