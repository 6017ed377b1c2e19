"""Answer defects planted into public chat and instruction data: precision, recall and the
false-flag rate on clean rows per defect type, before (the rules label_noise used, frozen in
``bench/answers_before.py``) and after (the ``answers`` check).

    PYTHONPATH=src python -m bench.answers [--seed 0] [--only before|after]
        [--pair-model auto|never]

``--pair-model`` sets ``[answers] pair_model`` for the after detector: ``auto`` (the default
policy) scores off-topic answers on all-MiniLM-L6-v2 when ``tuneready[pairs]`` is installed,
``never`` on the shipped static vectors.

Per defect type: ``flagged`` rows, ``P`` (flagged rows planted with that defect / flagged
rows, not counting flags on rows a person read and judged a real defect of the source of that
kind, ``answer_source_truth.json``: those are neither planted nor clean),
``R`` (planted rows flagged; a contradiction counts as found when its copy or the row it
copies is flagged). Per data set: ``clean_flagged`` (rows neither planted nor read as real
defects of the source that any type flags, over those rows) and ``clean_excluded``
(clean rows that leave the effective size). The same is measured on the unplanted source
(``*_clean``). Before maps truncated, refusal and contradiction to their old rules and
off-topic to the old "misfit" model; it had no language or canned-reply rule.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from bench.answer_cases import KINDS, REFUSALS_HELD_OUT, SOURCES, Case, clean_case, planted_case

Detector = Callable[[Any, Any], tuple[dict[str, set[int]], set[int]]]


def before(data: Any, evidence: Any) -> tuple[dict[str, set[int]], set[int]]:
    from bench.answers_before import detect

    flags, excluded = detect(data, evidence)
    flags["off_topic"] = flags.pop("misfit")
    return flags, excluded


#: ``[answers] pair_model`` for the after detector (``--pair-model``)
PAIR_MODEL = {"mode": "auto"}


def after(data: Any, evidence: Any) -> tuple[dict[str, set[int]], set[int]]:
    import dataclasses

    from tuneready.checks.answers.detect import detect_all
    from tuneready.checks.answers.settings import AnswersSettings
    from tuneready.config.policy import load_policy

    cfg = dataclasses.replace(AnswersSettings.from_policy(load_policy()),
                              pair_model=PAIR_MODEL["mode"])
    found = detect_all(data, evidence, cfg)
    flags = found.positions_by_kind()
    for f in found.flags:  # each truncation reason is a finding type with its own precision
        if f.kind in ("truncated", "off_topic"):
            flags.setdefault(f.type, set()).add(f.position)
    return flags, found.excluded_positions()


#: the before detector's names for the same defects
SOURCE_KIND: dict[str, str] = {}


def score(case: Case, flags: dict[str, set[int]], excluded: set[int]) -> dict[str, Any]:
    planted = case.planted
    source = set().union(*case.source.values()) if case.source else set()
    # the original of a planted contradiction is half of the defect (which answer is wrong
    # cannot be told), so flagging it is not a false flag on a clean row
    originals = {case.pairs[c] for c in case.truth.get("contradiction", set())}
    clean = set(range(len(case.prompts))) - planted - source - originals
    any_flag = set().union(*flags.values()) if flags else set()
    out_types = {}
    counts: dict[str, tuple[int, int]] = {}  # finding type -> (hits, flags judged)
    for key, got in flags.items():
        kind = key.split(".", 1)[0]
        if "." in key:  # a truncation reason, or the vectors off-topic was scored on
            judged = got - case.source.get(kind, set())
            hits = len(judged & case.truth.get(kind, set()))
            out_types[key] = (len(got), hits / len(judged) if judged else None)
            counts[key] = (hits, len(judged))
    out: dict[str, Any] = {"rows": len(case.prompts),
                           "clean_flagged": len(any_flag & clean) / max(1, len(clean)),
                           "clean_excluded": len(excluded & clean) / max(1, len(clean))}
    for kind in KINDS:
        got, truth = flags.get(kind, set()), case.truth.get(kind, set())
        real = case.source.get(SOURCE_KIND.get(kind, kind), set())
        got_planted = got - real  # a flag on a real defect of the source is not false
        if kind == "contradiction":
            both = truth | {case.pairs[c] for c in truth}
            hit = len(got_planted & both)
            found = sum(1 for c in truth if {c, case.pairs[c]} & got)
        else:
            hit, found = len(got_planted & truth), len(got & truth)
        out[kind] = (len(got), hit / len(got_planted) if got_planted else None,
                     found / len(truth) if truth else None, len(truth), len(got & real))
        counts[kind] = (hit, len(got_planted))
    out["types"] = out_types
    out["counts"] = counts
    if case.truth.get("refusal"):
        held = {i for i in case.truth["refusal"] if case.answers[i] in REFUSALS_HELD_OUT}
        out["refusal_held_out_recall"] = (len(flags.get("refusal", set()) & held) / len(held)
                                          if held else None)
    return out


def run_case(case: Case, detector: Detector) -> dict[str, Any]:
    from bench.answer_cases import to_dataset
    from tuneready.evidence.store import Evidence

    data = to_dataset(case)
    evidence = Evidence(data, seed=0)
    start = time.perf_counter()
    flags, excluded = detector(data, evidence)
    result = score(case, flags, excluded)
    result["seconds"] = time.perf_counter() - start
    return result


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:5.2f}"


def report(name: str, label: str, r: dict[str, Any]) -> None:
    print(f"{name:18s} {label:6s} rows {r['rows']:5d}  clean flagged {r['clean_flagged']:6.2%}"
          f"  clean excluded {r['clean_excluded']:6.2%}  ({r['seconds']:.1f} s)")
    for kind in KINDS:
        n, p, rec, planted, real = r[kind]
        if planted or n:
            print(f"    {kind:14s} flagged {n:4d}  P {_fmt(p)}  R {_fmt(rec)}  planted {planted}"
                  + (f"  (+{real} real defects of the source)" if real else ""))
    for key, (n, p) in sorted(r["types"].items()):
        print(f"      {key:28s} flagged {n:4d}  P {_fmt(p)}")
    if r.get("refusal_held_out_recall") is not None:
        print(f"    refusal recall on held-out phrasing {r['refusal_held_out_recall']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("before", "after"))
    parser.add_argument("--pair-model", choices=("auto", "never"), default="auto")
    args = parser.parse_args()
    PAIR_MODEL["mode"] = args.pair_model
    detectors = {"before": before, "after": after}
    pooled: dict[str, list[int]] = {}
    for name in SOURCES:
        for case in (planted_case(name, args.seed), clean_case(name)):
            for label, detector in detectors.items():
                if args.only in (None, label):
                    result = run_case(case, detector)
                    report(case.name, label, result)
                    if label == "after" and not case.name.endswith("_clean"):
                        for key, (hits, judged) in result["counts"].items():
                            total = pooled.setdefault(key, [0, 0])
                            total[0] += hits
                            total[1] += judged
    if pooled:  # what checks/answers/severity.py records (planted sets only)
        print(f"pooled over the planted sets (after, seed {args.seed}): precision per type")
        for key, (hits, judged) in sorted(pooled.items()):
            if judged:
                print(f"    {key:28s} {hits:4d}/{judged:<4d} {hits / judged:5.2f}")


if __name__ == "__main__":
    main()
