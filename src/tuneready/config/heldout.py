"""The benchmark's precision per finding type on its held-out data sets: for orientation only.

When nothing about the user's data measures how precise a finding type is, the report shows
the range of precision the benchmark observed on data sets that were never used to tune the
rule (``tuneready/data/heldout/*.json``, written by the benchmarks: ``bench/answers.py``,
``bench/label_noise.py``). It is a range over sets, never a pooled constant, and it never
lets a finding act (``core.precision``): what acts is measured on the user's data.

A set contributes to a type's range only with at least ``MIN_FLAGS`` flags of that type
(fewer, and one flag moves its precision by more than 0.1).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

MIN_FLAGS = 10


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, dict[str, Any]]]:
    """finding type -> held-out set -> {"precision", "flags"}, over every packaged file."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    folder = resources.files("tuneready") / "data" / "heldout"
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            doc = json.loads(entry.read_text("utf-8"))
            for kind, sets in doc.get("types", {}).items():
                out.setdefault(kind, {}).update(sets)
    return out


def held_out_range(kind: str) -> tuple[float, float, int] | None:
    """(lowest, highest precision, number of sets) of ``kind`` over the held-out sets with
    enough flags; ``None`` when no held-out set measured it."""
    values = [float(v["precision"]) for v in _tables().get(kind, {}).values()
              if v.get("precision") is not None and int(v.get("flags", 0)) >= MIN_FLAGS]
    if not values:
        return None
    return min(values), max(values), len(values)


def unmeasured(kind: str) -> Any:
    """The ``Precision`` of a type nothing about this data has measured."""
    from tuneready.core.precision import Precision

    found = held_out_range(kind)
    if found is None:
        return Precision("unmeasured")
    lo, hi, n = found
    return Precision("unmeasured", held_out=(lo, hi), held_out_sets=n)
