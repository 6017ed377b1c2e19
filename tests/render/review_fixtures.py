"""Audits with a review sample, for the review panel's tests (built here, no check run).

The label sample has the shape ``checks/label_noise/tables.py`` writes (stratum, its size,
a flagged row's type), the answers sample the shape of ``checks/answers/review.py``; texts
carry the hostile string, a ``</script>`` and a bidi override, so every slot is tested.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.render.fixtures import HOSTILE, LABELS, full_audit
from tuneready.core.results import Audit, CheckResult, Status
from tuneready.io.review_file import input_hash

BREAKOUT = "</script><script>alert('out')</script><!-- end"
BIDI = "invoice\u202efdp.exe and a zero\u200bwidth space"


def label_sample(flagged: int = 12, unflagged: int = 30) -> list[dict[str, Any]]:
    rows = []
    for i in range(flagged + unflagged):
        is_flagged = i < flagged
        text = (HOSTILE if i == 0 else BREAKOUT if i == 1 else BIDI if i == 2 else
                f"=SUM(A1) my order {i} never arrived" if i == 3 else
                f"Where is my parcel number {i}, it has been a week")
        rows.append({"row_id": 10 + 3 * i, "input": text,
                     "given_label": LABELS[i % len(LABELS)],
                     "likely_label": LABELS[(i + 1) % len(LABELS)] if is_flagged
                     else LABELS[i % len(LABELS)],
                     "correct_label": "", "input_hash": input_hash(text),
                     "stratum": "label_noise.flagged" if is_flagged else "label_noise.unflagged",
                     "stratum_size": 112 if is_flagged else 1393,
                     "type": ("label_noise.rejected" if i % 3 else "label_noise.candidate")
                     if is_flagged else ""})
    return rows


def label_audit(rows: list[dict[str, Any]] | None = None, sha: str = "ab" * 32,
                seed: int = 0) -> Audit:
    """``full_audit`` with a label-noise review sample (old-style rows when given so)."""
    audit = full_audit()
    audit.dataset["sha256"] = sha
    audit.meta["seed"] = seed
    check = audit.check("label_noise")
    assert check is not None
    check.tables["review_sample"] = label_sample() if rows is None else rows
    check.metrics.update(labelled_n=1505, flagged_n=112, certain_n=6,
                         precision_rejected="unmeasured here (a review measures it)")
    audit.policy["values"]["label_noise"]["exclude_min_precision"] = 0.9
    return audit


def old_label_rows() -> list[dict[str, Any]]:
    """A label sample as audits before the panel wrote it: no stratum, no size."""
    keep = ("row_id", "input", "given_label", "likely_label", "correct_label", "input_hash")
    return [{k: r[k] for k in keep} for r in label_sample()]


def answer_sample() -> list[dict[str, Any]]:
    rows = []
    for kind, size, n in (("refusal", 6, 6), ("truncated.dangling_word", 85, 30)):
        for i in range(n):
            prompt = BREAKOUT if i == 0 else f"Write poem number {i} about the sea"
            answer = (BIDI if i == 1 else "I'm sorry, but I can't help with that."
                      if kind == "refusal" else "Recursion is when a function calls itself, and")
            rows.append({"row_id": 100 + 7 * i + (0 if kind == "refusal" else 3),
                         "stratum": f"answers.{kind}", "stratum_size": size,
                         "finding": f"{kind.replace('_', ' ')}; copies 1",
                         "precision": "unmeasured here (a review measures it)",
                         "input": prompt, "target": answer,
                         "verdict": "defect" if kind == "refusal" and i == 5 else "",
                         "input_hash": input_hash(prompt), "target_hash": input_hash(answer)})
    return rows


def answer_audit() -> Audit:
    """An audit of free-form answers with the answers check's review sample."""
    audit = full_audit()
    audit.checks = [c for c in audit.checks if c.name != "label_noise"]
    audit.checks.append(CheckResult(
        "answers", Status.WARN, "0.0% of 1,505 free-form answers are unusable",
        metrics={"answers_rows": 1505, "review_rows": 36},
        tables={"review_sample": answer_sample()}))
    audit.policy["values"]["answers"] = {"exclude_min_precision": 0.9}
    return audit


def blanked(audit: Audit) -> Audit:
    """The audit as ``--no-excerpts`` leaves it: every training-text cell empty."""
    out = copy.deepcopy(audit)
    for check in out.checks:
        for row in check.tables.get("review_sample", []):
            for key in ("input", "target"):
                if key in row:
                    row[key] = ""
    return out
