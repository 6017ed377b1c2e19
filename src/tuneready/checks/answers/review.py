"""The answers check's part of ``review.csv``: a sample of the findings listed for review.

Findings below the high-precision bar (``severity.py``: off-topic, refusals, unclosed fences,
contradictions, ...) stay in the data; whether they are defects is for a person to say. Each
such finding type is its own **stratum** (``answers.off_topic.pair_model``, ``answers.truncated.
unclosed_fence``), and a seeded simple random sample of at most ``per_type`` rows is drawn
from each, so every type gets enough answers for its precision on *this* data to be read off
(30 rows: a 95 % interval of about +-0.17 at the widest), however rare it is. The rows carry
the finding, its measured precision and the evidence a reviewer needs (the better-fitting
prompt's row, the contradicted row), the prompt and the answer (masked like every table,
``checks/privacy/protect.py``; cells formula-safe when written, ``io/review_file.py``) and an
empty ``verdict`` for the reviewer (``defect`` or ``ok``). The audit does not read verdicts
back yet: a review of answers is counted by the person, per stratum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tuneready.checks.answers.detect import Detections, Flag
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import INPUT_CHARS, input_hash

#: evidence keys worth a reviewer's eye, in the order shown
_SHOWN = ("own_fit", "better_fit", "better_position", "contradicts_position",
          "first_position", "copies", "expected", "answer_language")


def review_sample(data: Dataset, found: Detections, per_type: int,
                  seed: int) -> list[dict[str, Any]]:
    """The review rows: up to ``per_type`` flags of each type that stays in the data, in a
    seeded random order within the strata (types in the check's order)."""
    if per_type <= 0:
        return []
    excluded = found.excluded_positions()
    strata: dict[str, list[Flag]] = {}
    for f in found.flags:
        if f.position not in excluded:
            strata.setdefault(f.type, []).append(f)
    rng = np.random.default_rng(seed + 1515)
    frame = data.frame
    ids = frame["row_id"].to_numpy()
    rows = []
    for kind, flags in strata.items():
        take = rng.permutation(len(flags))[:per_type]
        for k in sorted(take.tolist(), key=lambda j: flags[j].position):
            f = flags[k]
            rows.append({
                "row_id": int(ids[f.position]), "stratum": f"answers.{kind}",
                "stratum_size": len(flags), "finding": _evidence(f, ids),
                "precision": f.evidence.get("precision"),
                "input": str(frame["input"].iat[f.position])[:INPUT_CHARS],
                "target": str(frame["target"].iat[f.position])[:INPUT_CHARS],
                "verdict": "", "input_hash": input_hash(frame["input"].iat[f.position])})
    return rows


def _evidence(f: Flag, ids: np.ndarray) -> str:
    """The finding in words: its type and the evidence behind it (positions as row ids)."""
    parts = [f.type.replace("_", " ")]
    for key in _SHOWN:
        value = f.evidence.get(key)
        if value is None:
            continue
        if key.endswith("_position"):
            parts.append(f"{key.replace('_position', '_row')} {int(ids[int(value)])}")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)
