"""Answer defects planted into real chat, instruction, tool-call and code data: per data set
and finding type, the flags, their precision and recall, and the clean rows flagged, split by
DATA SET into the sets the rules were tuned on and the held-out sets they never saw.

    PYTHONPATH=src python -m bench.answers [--seed 0] [--sets tuned,heldout|NAME,...]
        [--pair-model never|auto|both] [--clean] [--before] [--write-heldout]

Tuned sets (``bench/answer_cases.py``; the rules were written against them): chatterbot
English, ``alpaca_en_demo``, ``glaive_toolcall_en_demo``. Held-out sets
(``bench/answer_heldout.py``, never used to tune): moviedialog (casual lower-case film
dialogue), chatterbot in other languages, ``alpaca_zh_demo``, ``glaive_toolcall_zh_demo``,
``reason_tool_use_demo_50``, HumanEval (code).

Per set: ``clean flagged`` (rows neither planted nor read as real defects of the source that
any type flags) and ``clean excluded`` (those that left the effective size); per kind:
flagged rows, ``P`` (planted with that defect / flagged, leaving out flags on rows read as
real defects of the source of that kind, ``answer_source_truth.json``), ``R`` (planted rows
flagged). Then, per held-out set and finding type, the precision measured and the precision
the report would claim for it: the range over the OTHER held-out sets with at least ten
flags (leave one set out, ``tuneready.config.heldout`` semantics), and whether it contains
the measured one.

``--pair-model``: ``never`` scores off-topic on the shipped static vectors, ``auto`` on
all-MiniLM-L6-v2 when ``tuneready[pairs]`` is installed (the default policy), ``both`` runs
the detector twice and reports both (slow: MiniLM reads every prompt and answer).
``--clean`` also runs each source unplanted; ``--before`` also runs the rules label_noise
used before the answers check (``bench/answers_before.py``). ``--write-heldout`` writes
``src/tuneready/data/heldout/answers.json`` from the held-out sets (all of them, seed 0).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import time
from collections.abc import Callable
from typing import Any

from bench import answer_cases, answer_heldout
from bench.answer_cases import KINDS, Case
from bench.answer_score import Counted, protocol_lines, score, write_heldout

Detector = Callable[[Any, Any], tuple[dict[str, set[int]], set[int]]]
TUNED = tuple(answer_cases.SOURCES)
HELD_OUT = answer_heldout.HELD_OUT


def before(data: Any, evidence: Any) -> tuple[dict[str, set[int]], set[int]]:
    from bench.answers_before import detect

    flags, excluded = detect(data, evidence)
    flags["off_topic"] = flags.pop("misfit")
    return flags, excluded


def after(pair_model: str) -> Detector:
    """The answers check's detectors with ``[answers] pair_model`` set."""

    def run(data: Any, evidence: Any) -> tuple[dict[str, set[int]], set[int]]:
        from tuneready.checks.answers.detect import detect_all
        from tuneready.checks.answers.settings import AnswersSettings
        from tuneready.config.policy import load_policy

        cfg = dataclasses.replace(AnswersSettings.from_policy(load_policy()),
                                  pair_model=pair_model)
        found = detect_all(data, evidence, cfg)
        flags = found.positions_by_kind()
        for f in found.flags:  # each truncation reason and off-topic encoder is a type
            if f.type != f.kind:
                flags.setdefault(f.type, set()).add(f.position)
        run.metrics = found.metrics  # type: ignore[attr-defined]
        return flags, found.excluded_positions()

    return run


def run_case(case: Case, detector: Detector) -> dict[str, Any]:
    from bench.answer_cases import to_dataset
    from tuneready.evidence.store import Evidence

    data = to_dataset(case)
    evidence = Evidence(data, seed=0)
    start = time.perf_counter()
    flags, excluded = detector(data, evidence)
    result = score(case, flags, excluded)
    result["seconds"] = time.perf_counter() - start
    result["metrics"] = getattr(detector, "metrics", {})
    return result


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:5.2f}"


def report(name: str, label: str, r: dict[str, Any]) -> None:
    print(f"{name:18s} {label:12s} rows {r['rows']:5d}  clean flagged {r['clean_flagged']:6.2%}"
          f" ({r['clean_flagged_n']})  clean excluded {r['clean_excluded']:6.2%}"
          f"  ({r['seconds']:.1f} s)")
    for kind in KINDS:
        n, p, rec, planted, real = r[kind]
        if planted or n:
            print(f"    {kind:14s} flagged {n:4d}  P {_fmt(p)}  R {_fmt(rec)}  planted {planted}"
                  + (f"  (+{real} real defects of the source)" if real else ""))
    for key, c in sorted(r["types"].items()):
        if "." in key:
            print(f"      {key:28s} flagged {c.judged:4d}  P {_fmt(c.precision)}")
    skipped = r["metrics"].get("english_only_skipped")
    if skipped:
        print(f"    English-only signals skipped rows: {skipped}")
    if r.get("refusal_held_out_recall") is not None:
        print(f"    refusal recall on held-out phrasing {r['refusal_held_out_recall']:.2f}")


def _case(name: str, seed: int, clean: bool) -> Case:
    module = answer_cases if name in TUNED else answer_heldout
    return module.clean_case(name) if clean else module.planted_case(name, seed)


def targets(name: str, r: dict[str, Any]) -> str:
    """The issue's done-when on one planted set: clean rows flagged <= 1 %, truncation
    precision >= 0.8 at recall >= 0.5, refusal precision >= 0.95."""
    _, tp, tr, _, _ = r["truncated"]
    _, rp, _, _, _ = r["refusal"]
    marks = [("clean<=1%", r["clean_flagged"] <= 0.01),
             ("trunc P>=0.8", tp is None or tp >= 0.8), ("trunc R>=0.5", (tr or 0) >= 0.5),
             ("refusal P>=0.95", rp is None or rp >= 0.95)]
    return f"{name:18s} " + "  ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in marks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sets", default="tuned,heldout")
    parser.add_argument("--pair-model", choices=("never", "auto", "both"), default="never")
    parser.add_argument("--clean", action="store_true")
    parser.add_argument("--before", action="store_true")
    parser.add_argument("--write-heldout", action="store_true")
    args = parser.parse_args()
    names: list[str] = []
    for part in args.sets.split(","):
        names += {"tuned": list(TUNED), "heldout": list(HELD_OUT)}.get(part, [part])
    if args.write_heldout:
        names = [*dict.fromkeys([*names, *HELD_OUT])]
        args.seed = 0
    detectors: dict[str, Detector] = {}
    if args.before:
        detectors["before"] = before
    modes = ("never", "auto") if args.pair_model == "both" else (args.pair_model,)
    for mode in modes:
        detectors["after" if mode == "never" else "after+pairs"] = after(mode)
    primary = "after" if "never" in modes else "after+pairs"
    held: dict[str, dict[str, Counted]] = {}
    checks: list[str] = []
    for name in names:
        for clean in (False, True) if args.clean else (False,):
            case = _case(name, args.seed, clean)
            for label, detector in detectors.items():
                result = run_case(case, detector)
                report(case.name, label, result)
                if label.startswith("after") and not clean:
                    checks.append(targets(f"{case.name} {label}", result))
                    if name in HELD_OUT:
                        merged = held.setdefault(name, {})
                        for key, c in result["types"].items():
                            if label == primary or key.startswith("off_topic."):
                                merged[key] = c
    print("\ndone-when per planted set (issue 26):")
    print("\n".join(checks))
    if held:
        print(f"\nheld-out protocol (seed {args.seed}): precision measured vs claimed")
        print("\n".join(protocol_lines(held)))
    if args.write_heldout:
        sets = {n: answer_heldout.PROVENANCE[n] for n in held}
        path = write_heldout(held, sets, datetime.date.today().isoformat())
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
