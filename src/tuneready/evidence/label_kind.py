"""Annotation labels or outcome labels: may the same input legitimately carry different labels?

An **annotation** label is a person's judgement of the input (intent, topic, sentiment): two
copies of one input with different labels mean at least one judgement is wrong, so the
minority copies are certain noise. An **outcome** label is what the world did later
(reoffended, repaid, clicked, churned): identical profiles lead to different outcomes as a
matter of course. That is irreducible uncertainty, which caps the accuracy any model can reach
on these inputs, not a wrong label to relabel; confident learning's "issues" are then unlikely
outcomes, not errors.

``--label-kind annotation|outcome`` (policy ``[label_noise] label_kind``) says which; ``auto``
(the default) decides from the data. Outcome data repeat inputs (templated or tabular
profiles) *many times with a mix of labels* that looks like a rate; annotation data repeat
inputs rarely, mostly with the same label, and a planted or accidental conflict is typically
one odd copy. The rule, on labelled rows grouped by normalized input:

- at least ``MIN_MIXED_GROUPS`` inputs carry more than one label, covering at least
  ``MIN_MIXED_SHARE`` of the labelled rows, and
- among inputs repeated at least ``LARGE_GROUP`` times (at least ``MIN_LARGE_GROUPS`` of them),
  at least ``LARGE_MIXED_SHARE`` carry mixed labels (with annotation noise of a few percent,
  a 3-copy group is mixed with probability ~10 %; with outcome rates in 0.2-0.8, > 50 %).

Both kinds report the **accuracy ceiling**: predicting the majority label of each repeated
input is the best any model of these inputs can do, so 1 - ceiling of the rows are out of
reach for a model however it is tuned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

KINDS = ("auto", "annotation", "outcome")
MIN_MIXED_GROUPS = 10
MIN_MIXED_SHARE = 0.05
LARGE_GROUP = 3
MIN_LARGE_GROUPS = 5
LARGE_MIXED_SHARE = 0.5


@dataclass(frozen=True)
class LabelKind:
    kind: str        # "annotation" or "outcome"
    source: str      # "detected", or "set" (--label-kind / policy)
    reason: str      # one sentence: why this kind
    labelled: int
    mixed_groups: int
    mixed_rows: int
    repeated_rows: int
    large_groups: int
    large_mixed: int
    #: best accuracy any model of these inputs can reach (majority label per input)
    ceiling: float

    @property
    def outcome(self) -> bool:
        return self.kind == "outcome"

    def metrics(self) -> dict[str, Any]:
        return {"label_kind": self.kind, "label_kind_source": self.source,
                "mixed_label_inputs": self.mixed_groups, "mixed_label_rows": self.mixed_rows,
                "accuracy_ceiling": round(self.ceiling, 4)}


def classify(hashes: np.ndarray, labels: pd.Series, setting: str = "auto") -> LabelKind:
    """The label kind of the labelled rows (``setting`` "auto" detects it)."""
    stats = _group_stats(hashes, labels)
    detected = _looks_like_outcomes(stats)
    if setting in ("annotation", "outcome"):
        kind, source = setting, "set"
        reason = f"label kind set to {setting}"
    else:
        kind, source = ("outcome" if detected else "annotation"), "detected"
        reason = _reason(stats, detected)
    return LabelKind(kind=kind, source=source, reason=reason, **stats)


def _group_stats(hashes: np.ndarray, labels: pd.Series) -> dict[str, Any]:
    mask = labels.notna().to_numpy()
    n = int(mask.sum())
    if not n:
        return {"labelled": 0, "mixed_groups": 0, "mixed_rows": 0, "repeated_rows": 0,
                "large_groups": 0, "large_mixed": 0, "ceiling": 1.0}
    frame = pd.DataFrame({"h": hashes[mask], "y": labels[mask].astype(str).to_numpy()})
    groups = frame.groupby("h")["y"]
    size, kinds = groups.size(), groups.nunique()
    top = frame.groupby(["h", "y"]).size().groupby(level=0).max()
    mixed = kinds > 1
    large = size >= LARGE_GROUP
    return {"labelled": n, "mixed_groups": int(mixed.sum()), "mixed_rows": int(size[mixed].sum()),
            "repeated_rows": int(size[size > 1].sum()), "large_groups": int(large.sum()),
            "large_mixed": int((large & mixed).sum()),
            "ceiling": float(top.sum() / n)}


def _looks_like_outcomes(s: dict[str, Any]) -> bool:
    return bool(s["labelled"] and s["large_groups"] >= MIN_LARGE_GROUPS
                and s["mixed_groups"] >= MIN_MIXED_GROUPS
                and s["mixed_rows"] >= MIN_MIXED_SHARE * s["labelled"]
                and s["large_mixed"] >= LARGE_MIXED_SHARE * s["large_groups"])


def _reason(s: dict[str, Any], outcome: bool) -> str:
    if outcome:
        return (f"detected outcome labels: {s['large_mixed']:,} of {s['large_groups']:,} inputs "
                f"repeated {LARGE_GROUP}+ times carry a mix of labels ({s['mixed_rows']:,} rows "
                "in mixed groups), as outcomes of identical profiles do; set --label-kind "
                "annotation if a person assigned these labels")
    if s["mixed_groups"]:
        return (f"annotation labels (the default): {s['mixed_groups']:,} inputs carry more than "
                "one label, too few or too small groups to look like outcome rates; set "
                "--label-kind outcome if the label is something that happened later")
    return "annotation labels (the default): no input carries two labels"
