"""label_noise's rows: one ``FlaggedRow`` each (``flagged.csv``), the precision of each type,
and which rows leave the effective size.

Each flagged row has exactly one type (``FlaggedRow.type``), the first that applies:

- ``label_noise.conflict``: the same input carries another label (annotation labels; every
  row of a tie, and the minority rows otherwise). **Certain**: at least one copy is wrong by
  definition. Leaves the effective size.
- ``label_noise.relabelled``: a reviewer (``--review``) gave the row another label.
  **Certain**: the reviewer's answer is the truth the audit goes by. Leaves the effective size.
- ``label_noise.rejected``: both independent views of the input (TF-IDF and sentence vectors,
  or the user's ``--pred-probs`` and TF-IDF) flag the given label and prefer the same other
  one. A candidate, the first to review.
- ``label_noise.candidate``: confident learning on the stacked proxy flags it. A candidate.
- ``label_noise.unlikely_outcome``: for outcome labels, an outcome the proxy finds unlikely:
  a fact about the proxy, not a claim of error (no precision).

A candidate type's precision is **measured** when a usable review answered at least
``core.precision.MIN_REVIEWED`` of its rows (the flagged stratum is a simple random sample of
the flagged rows, so the reviewed rows of one type are a simple random sample of that type):
its share relabelled with the Wilson 95 % interval. Then, and only when it reaches the
policy's ``exclude_min_precision``, the type's unreviewed rows leave the effective size.
Otherwise it is **unmeasured here** (``config.heldout``: the range of its precision across
the benchmark's held-out sets, for orientation) and acts on nothing. Rows a reviewer confirmed
as right are no longer flagged.
"""

from __future__ import annotations

import numpy as np

from tuneready.config import heldout
from tuneready.core.precision import MIN_REVIEWED, FlaggedRow, Precision
from tuneready.evidence.label_issues import LabelIssues
from tuneready.evidence.stats import wilson
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import input_hash

CONFLICT, RELABELLED = "label_noise.conflict", "label_noise.relabelled"
REJECTED, CANDIDATE = "label_noise.rejected", "label_noise.candidate"
OUTCOME = "label_noise.unlikely_outcome"
#: the candidate types, whose precision only a review of this data measures
CANDIDATE_TYPES = (REJECTED, CANDIDATE)
#: the finding each type's rows stand behind
FINDING = {CONFLICT: "label_noise.conflicting_duplicates", RELABELLED: "label_noise.relabelled",
           REJECTED: "label_noise.candidates", CANDIDATE: "label_noise.candidates",
           OUTCOME: "label_noise.unlikely_outcomes"}


def types_of(issues: LabelIssues) -> dict[int, str]:
    """Frame position -> type, for every flagged or relabelled row a reviewer did not clear,
    in ``worst_first`` order."""
    answered = set(issues.review_answered)
    conflicts = set() if issues.kind.outcome else set(issues.conflict_positions.tolist())
    rejected = set(issues.rejected_positions.tolist())
    out: dict[int, str] = {}
    for p in issues.worst_first().tolist():
        if issues.kind.outcome:
            out[p] = OUTCOME
        elif p in conflicts:
            out[p] = CONFLICT
        elif p in issues.review_changes:
            out[p] = RELABELLED
        elif p in answered:
            continue  # a reviewer kept its label: cleared
        else:
            out[p] = REJECTED if p in rejected else CANDIDATE
    for p in issues.review_changes:
        out.setdefault(p, RELABELLED)  # relabelled rows the detectors had not flagged
    return out


def precision_of(issues: LabelIssues, kind: str) -> Precision:
    """How precise ``kind`` is on this data (see the module docstring)."""
    if kind in (CONFLICT, RELABELLED):
        return Precision("certain")
    if kind not in CANDIDATE_TYPES:
        raise ValueError(f"no precision for {kind}")
    if issues.reviewed:
        reviewed, wrong = _reviewed_of(issues, kind)
        if reviewed >= MIN_REVIEWED:
            lo, hi = wilson(wrong, reviewed)
            return Precision("measured", value=wrong / reviewed, lo=float(lo), hi=float(hi),
                             reviewed=reviewed, confirmed=wrong)
    found = heldout.unmeasured(kind)
    assert isinstance(found, Precision)
    return found


def _reviewed_of(issues: LabelIssues, kind: str) -> tuple[int, int]:
    """(answered, relabelled) among the flagged rows of candidate type ``kind``."""
    flagged = set(issues.flagged_positions.tolist())
    conflicts = set(issues.conflict_positions.tolist())
    rejected = set(issues.rejected_positions.tolist())
    reviewed = wrong = 0
    for p in issues.review_answered:
        if p not in flagged or p in conflicts or (p in rejected) != (kind == REJECTED):
            continue
        reviewed += 1
        wrong += p in issues.review_changes
    return reviewed, wrong


def precisions(issues: LabelIssues, types: dict[int, str]) -> dict[str, Precision]:
    """The precision of every type present (outcome rows carry none)."""
    present = sorted(set(types.values()) - {OUTCOME})
    return {kind: precision_of(issues, kind) for kind in present}


def excluded_positions(types: dict[int, str], precision: dict[str, Precision],
                       min_precision: float) -> np.ndarray:
    """Frame positions that leave the effective size: the rows of every type whose precision
    acts under ``min_precision`` (certain types always do; unmeasured ones never)."""
    acting = {k for k, p in precision.items() if p.acts(min_precision)}
    return np.asarray(sorted(p for p, k in types.items() if k in acting), dtype=np.int64)


def flagged_rows(issues: LabelIssues, data: Dataset, types: dict[int, str],
                 precision: dict[str, Precision], excluded: np.ndarray) -> list[FlaggedRow]:
    """One ``FlaggedRow`` per typed row: words and numbers, never the row's text."""
    frame = data.frame
    scored = {p: i for i, p in enumerate(issues.positions.tolist())}
    strength = dict(zip(issues.rejected_positions.tolist(),
                        issues.rejected_strength.tolist(), strict=True))
    removed = set(excluded.tolist())
    ids, inputs, labels = (frame["row_id"].to_numpy(), frame["input"].to_numpy(),
                           frame["label"].to_numpy())
    out = []
    for p, kind in types.items():
        text = precision[kind].text() if kind in precision else ""
        out.append(FlaggedRow(
            check="label_noise", finding=FINDING[kind], type=kind, row_id=int(ids[p]),
            input_hash=input_hash(inputs[p]), reason=_REASON[kind],
            evidence=_evidence(issues, p, str(labels[p]), scored.get(p), strength.get(p),
                               kind == CONFLICT),
            removed=p in removed, precision=text))
    return out


_REASON = {
    CONFLICT: "the same input carries another label",
    RELABELLED: "a reviewer gave another label",
    REJECTED: "both independent views of the input reject the given label",
    CANDIDATE: "confident learning finds the given label unlikely",
    OUTCOME: "the proxy finds this outcome unlikely for the input (not an error count)",
}


def _evidence(issues: LabelIssues, p: int, given: str, i: int | None,
              strength: float | None, conflict: bool) -> str:
    """'given spam, likely ham, p(given) 0.03, rejected by both views (p(given) at most
    0.05)'."""
    parts = [f"given {given}"]
    if p in issues.review_changes:
        parts.append(f"reviewer's label {issues.review_changes[p]}")
    elif i is not None:
        parts.append(f"likely {issues.classes[int(issues.likely[i])]}")
    if i is not None:
        parts.append(f"p(given) {float(issues.quality[i]):.2f}")
    if strength is not None:
        parts.append(f"rejected by both views (p(given) at most {strength:.2f})")
    if conflict:
        parts.append("a copy of this input carries another label")
    return ", ".join(parts)
