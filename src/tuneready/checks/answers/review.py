"""The answers check's part of ``review.csv``: a sample of each finding type for a person.

No answer finding's precision is known on a user's data until someone reads some of its rows,
so every type that is not certain by definition is its own **stratum**
(``answers.off_topic.pair_model``, ``answers.truncated.unclosed_fence``), and a seeded simple
random sample of at most ``per_type`` rows is drawn from each, so every type gets enough
verdicts for its precision on *this* data to be read off (30 rows: a 95 % interval of about
+-0.17 at the widest), however rare it is. The rows carry the finding, its precision as the
audit states it, the evidence a reviewer needs (the better-fitting prompt's row, the
contradicted row), the prompt and the answer (masked like every table,
``checks/privacy/protect.py``; cells formula-safe when written, ``io/review_file.py``), the
hashes of the prompt and the answer (so a verdict never applies to a changed row) and a
``verdict`` for the reviewer: ``defect``, ``ok`` or ``skip``, prefilled with the verdict of an
earlier review (``--review``) so the file can be filled in several sittings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tuneready.checks.answers.acting import CERTAIN, Acting
from tuneready.checks.answers.detect import Detections, Flag
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import INPUT_CHARS, input_hash

#: evidence keys worth a reviewer's eye, in the order shown
_SHOWN = ("own_fit", "better_fit", "better_position", "contradicts_position",
          "first_position", "copies", "expected", "answer_language")


def review_sample(data: Dataset, found: Detections, act: Acting, per_type: int,
                  seed: int) -> list[dict[str, Any]]:
    """The review rows: up to ``per_type`` flags of each type not certain by definition, in
    a seeded random draw within each stratum (types in the check's order)."""
    if per_type <= 0:
        return []
    strata: dict[str, list[Flag]] = {}
    for f in found.flags:
        if f.kind not in CERTAIN:
            strata.setdefault(f.type, []).append(f)
    rng = np.random.default_rng(seed + 1515)
    frame = data.frame
    ids = frame["row_id"].to_numpy()
    rows = []
    for kind, flags in strata.items():
        take = rng.permutation(len(flags))[:per_type]
        for k in sorted(take.tolist(), key=lambda j: flags[j].position):
            f = flags[k]
            earlier = act.verdicts.get(f.position)
            prompt, answer = frame["input"].iat[f.position], frame["target"].iat[f.position]
            rows.append({
                "row_id": int(ids[f.position]), "stratum": f"answers.{kind}",
                "stratum_size": len(flags), "finding": _evidence(f, ids),
                "precision": act.precisions[kind].text(),
                "input": str(prompt)[:INPUT_CHARS], "target": str(answer)[:INPUT_CHARS],
                "verdict": earlier.verdict if earlier and earlier.stratum ==
                f"answers.{kind}" else "",
                "input_hash": input_hash(prompt), "target_hash": input_hash(answer)})
    return rows


def evidence_text(f: Flag, ids: np.ndarray, keys: tuple[str, ...] = _SHOWN) -> str:
    """A flag's evidence in words, ``keys`` in order (frame positions shown as row ids)."""
    parts = []
    for key in keys:
        value = f.evidence.get(key)
        if value is None:
            continue
        if key.endswith("_position"):
            parts.append(f"{key.replace('_position', '_row')} {int(ids[int(value)])}")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


def _evidence(f: Flag, ids: np.ndarray) -> str:
    """The finding in words for a reviewer: its type, then the evidence behind it."""
    return "; ".join(p for p in (f.type.replace("_", " "), evidence_text(f, ids)) if p)
