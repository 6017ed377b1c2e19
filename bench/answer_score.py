"""Scoring one planted case, and the held-out protocol over many: what the report would claim
for a type on a set (the range over the *other* held-out sets) next to what was measured.

A flag is judged against the planted truth: a hit when its row carries the planted defect of
its kind, false otherwise, except on rows a person read and judged a real defect of the source
of that kind (``answer_source_truth.json``): those are neither hits nor false flags. A row
planted with another defect counts as a false flag of this type (one defect per row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.answer_cases import KINDS, REFUSALS_HELD_OUT, Case
from bench.answer_heldout import FAMILY, developed_on

#: a set's precision for a type counts towards another set's claimed range only with at least
#: this many judged flags (``tuneready.config.heldout.MIN_FLAGS``)
MIN_FLAGS = 10
HELDOUT_JSON = Path(__file__).resolve().parents[1] / "src" / "tuneready" / "data" / \
    "heldout" / "answers.json"


@dataclass
class Counted:
    """One finding type on one set: flags judged and the hits among them."""

    hits: int
    judged: int

    @property
    def precision(self) -> float | None:
        return self.hits / self.judged if self.judged else None


def clean_rows(case: Case) -> set[int]:
    """Rows neither planted nor read as real defects of the source (nor the original of a
    planted contradiction, which is half of that defect)."""
    source = set().union(*case.source.values()) if case.source else set()
    originals = {case.pairs[c] for c in case.truth.get("contradiction", set())}
    return set(range(len(case.prompts))) - case.planted - source - originals


def score(case: Case, flags: dict[str, set[int]], excluded: set[int]) -> dict[str, Any]:
    """Per kind (flagged, P, R, planted, flags on real defects), per finding type
    ``Counted``, and the clean rows flagged and excluded."""
    clean = clean_rows(case)
    any_flag = set().union(*flags.values()) if flags else set()
    out: dict[str, Any] = {"rows": len(case.prompts), "clean_n": len(clean),
                           "clean_flagged_n": len(any_flag & clean),
                           "clean_flagged": len(any_flag & clean) / max(1, len(clean)),
                           "clean_excluded": len(excluded & clean) / max(1, len(clean))}
    types: dict[str, Counted] = {}
    for key, got in flags.items():
        kind = key.split(".", 1)[0]
        if kind not in KINDS:  # never planted (empty: a defect by definition; echo)
            continue
        judged = got - case.source.get(kind, set())
        if kind == "contradiction":
            truth = case.truth.get(kind, set())
            both = truth | {case.pairs[c] for c in truth}
            types[key] = Counted(len(judged & both), len(judged))
        else:
            types[key] = Counted(len(judged & case.truth.get(kind, set())), len(judged))
    for kind in KINDS:
        got, truth = flags.get(kind, set()), case.truth.get(kind, set())
        real = case.source.get(kind, set())
        if kind == "contradiction":
            found = sum(1 for c in truth if {c, case.pairs[c]} & got)
        else:
            found = len(got & truth)
        counted = types.get(kind, Counted(0, 0))
        out[kind] = (len(got), counted.precision, found / len(truth) if truth else None,
                     len(truth), len(got & real))
    out["types"] = types
    if case.truth.get("refusal"):
        held = {i for i in case.truth["refusal"] if case.answers[i] in REFUSALS_HELD_OUT}
        out["refusal_held_out_recall"] = (len(flags.get("refusal", set()) & held) / len(held)
                                          if held else None)
    return out


def claimed(results: dict[str, dict[str, Counted]], name: str, kind: str
            ) -> tuple[float, float, int] | None:
    """The range a report would show for ``kind`` on set ``name``: precision over the other
    held-out sets with at least ``MIN_FLAGS`` judged flags (leave one set out)."""
    family = FAMILY.get(name, name)
    values = [c.precision for other, types in results.items()
              if FAMILY.get(other, other) != family and not developed_on(other, f"answers.{kind}")
              for k, c in types.items()
              if k == kind and c.judged >= MIN_FLAGS and c.precision is not None]
    if not values:
        return None
    return min(values), max(values), len(values)


def protocol_lines(results: dict[str, dict[str, Counted]]) -> list[str]:
    """Per held-out set and type: flags judged, precision measured, the claimed range over
    the other held-out sets and whether it contains the measured one."""
    lines = [f"{'set':18s} {'type':30s} {'flags':>5s} {'measured':>8s}  claimed (other sets)"]
    for name, types in results.items():
        for kind, c in sorted(types.items()):
            if not c.judged or ("." not in kind and kind in ("truncated", "off_topic")):
                continue
            rng = claimed(results, name, kind)
            if rng is None:
                text = "no other held-out set measured it"
            else:
                lo, hi, n = rng
                inside = lo <= (c.precision or 0.0) <= hi
                text = (f"{lo:.2f}-{hi:.2f} over {n} set{'s' * (n > 1)}: "
                        + ("contains it" if inside else "MISSES it"))
            note = "" if c.judged >= MIN_FLAGS else f"  (< {MIN_FLAGS} flags)"
            if developed_on(name, f"answers.{kind}"):
                note += "  [development set for this type]"
            lines.append(f"{name:18s} answers.{kind:22s} {c.judged:5d} {c.precision:8.2f}  "
                         f"{text}{note}")
    return lines


def write_heldout(results: dict[str, dict[str, Counted]], sets: dict[str, str],
                  date: str) -> Path:
    """``src/tuneready/data/heldout/answers.json`` (format: that folder's README.md)."""
    types: dict[str, dict[str, dict[str, Any]]] = {}
    for name, counted in results.items():
        for kind, c in sorted(counted.items()):
            if c.judged and not ("." not in kind and kind in ("truncated", "off_topic")) \
                    and not developed_on(name, f"answers.{kind}"):
                types.setdefault(f"answers.{kind}", {})[name] = {
                    "precision": round(c.hits / c.judged, 4), "flags": c.judged}
    doc = {"bench": "bench/answers.py", "date": date,
           "sets": {k: v for k, v in sets.items() if k in results},
           "types": dict(sorted(types.items()))}
    HELDOUT_JSON.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return HELDOUT_JSON
