"""How sure a finding type is, and on what the claim rests.

A finding earns the right to act (leave the effective size, cap the verdict, block the gate)
only by evidence about *this* data. Every finding type that could act therefore carries a
``Precision`` whose ``basis`` says which of four it is:

- ``certain``: true by definition of the finding, not an estimate (an empty answer, a copy
  of an input carrying another label);
- ``measured``: a person reviewed a simple random sample of this type's rows of *this* data
  (``--review``): the share confirmed, with its Wilson 95 % interval and the count reviewed;
- ``estimated``: estimated on this data by a method whose interval was validated on data sets
  it was not tuned on (``method`` names it);
- ``unmeasured``: nothing about this data says how precise it is. The finding is a candidate
  for review and acts on nothing; ``held_out`` gives the range of precision the benchmark
  observed across its held-out data sets (``tuneready/data/heldout_precision.json``), for
  orientation only, never a pooled constant and never used to act.

Which precision is enough to act is a requirement of the policy (``exclude_min_precision``),
never a number written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BASES = ("certain", "measured", "estimated", "unmeasured")
#: reviewed rows a type needs before its measured precision may act: fewer, and one answer
#: moves the share by more than 0.1
MIN_REVIEWED = 10
#: the two-sided 95 % normal quantile of a measured precision's Wilson interval: scipy's
#: ``norm.ppf(0.975)`` as ``evidence.stats.z_of(0.95)`` gives it, to the last bit (the report's
#: review panel computes the same intervals in the page; ``tests/core/test_precision.py``)
Z95 = 1.959963984540054
#: answer finding kinds that never leave the effective size unless a reviewer marks the row:
#: a refusal may be the behaviour the data is meant to teach (out-of-scope or safety answers)
NEVER_REMOVED = frozenset({"refusal"})


@dataclass(frozen=True)
class Precision:
    basis: str
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    #: rows of this type a person reviewed, and how many of them were confirmed defects
    reviewed: int = 0
    confirmed: int = 0
    #: (lowest, highest) precision over the benchmark's held-out data sets, and how many sets
    held_out: tuple[float, float] | None = None
    held_out_sets: int = 0
    #: for ``estimated``: the method, in a few words
    method: str = ""

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"unknown precision basis {self.basis!r}")

    def acts(self, min_precision: float) -> bool:
        """Whether findings of this type may act under the policy's requirement."""
        if self.basis == "certain":
            return True
        if self.basis == "measured" and self.reviewed < MIN_REVIEWED:
            return False
        return self.basis in ("measured", "estimated") and self.value is not None \
            and self.value >= min_precision

    def text(self) -> str:
        """The claim in words, as every report shows it."""
        if self.basis == "certain":
            return "certain (by definition)"
        if self.basis == "measured":
            return (f"precision on your data {self.value:.2f} ({self.lo:.2f}-{self.hi:.2f}), "
                    f"{self.reviewed:,} reviewed")
        if self.basis == "estimated":
            return (f"estimated on your data {self.value:.2f} ({self.lo:.2f}-{self.hi:.2f}; "
                    f"{self.method})")
        if self.held_out is not None:
            lo, hi = self.held_out
            return (f"unmeasured here ({lo:.2f}-{hi:.2f} on the benchmark's "
                    f"{self.held_out_sets} held-out sets; a review measures it)")
        return "unmeasured here (a review measures it)"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"basis": self.basis}
        for key in ("value", "lo", "hi"):
            v = getattr(self, key)
            if v is not None:
                out[key] = round(float(v), 4)
        if self.basis == "measured":
            out.update(reviewed=self.reviewed, confirmed=self.confirmed)
        if self.held_out is not None:
            out.update(held_out=[round(self.held_out[0], 4), round(self.held_out[1], 4)],
                       held_out_sets=self.held_out_sets)
        if self.method:
            out["method"] = self.method
        out["text"] = self.text()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Precision:
        held = d.get("held_out")
        return cls(basis=str(d["basis"]), value=d.get("value"), lo=d.get("lo"), hi=d.get("hi"),
                   reviewed=int(d.get("reviewed", 0)), confirmed=int(d.get("confirmed", 0)),
                   held_out=None if held is None else (float(held[0]), float(held[1])),
                   held_out_sets=int(d.get("held_out_sets", 0)),
                   method=str(d.get("method", "")))


@dataclass(frozen=True, slots=True)
class FlaggedRow:
    """One (finding, row) pair: what ``flagged.csv`` lists for every finding of every check.

    Never raw text: ``reason`` and ``evidence`` are words and numbers about the row (a
    privacy finding names the kind, not the value), so the file is safe to share wherever
    the masked reports are."""

    check: str
    finding: str
    #: the finding type whose precision applies (``answers.truncated.cut_copy``); often the
    #: finding code itself
    type: str
    row_id: int
    input_hash: str
    reason: str
    evidence: str
    #: the row left the effective size because of this finding
    removed: bool
    #: ``Precision.text()`` of the type, or "" when the finding states a fact that needs none
    precision: str

    COLUMNS = ("check", "finding", "type", "row_id", "input_hash", "reason", "evidence",
               "removed", "precision")

    def cells(self) -> list[Any]:
        return [self.check, self.finding, self.type, self.row_id, self.input_hash,
                self.reason, self.evidence, "yes" if self.removed else "no", self.precision]
