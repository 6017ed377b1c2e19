"""List the flags the answers check raises on a source as published, for a person to judge.

    PYTHONPATH=src python -m bench.answer_truth SET[,SET...] [--kinds truncated,refusal]

Prints each flagged row not yet judged (``answer_source_truth.json``) with the key the file
records it by (sha1 of the answer, first 16 hex digits), the finding type, the prompt and the
answer's last characters. A person reads each and adds the key under ``real`` -> SET -> kind
only when the answer plainly is that defect of the source: a reply that stops mid-word or on
an article, preposition or conjunction with nothing after it (speech interrupted in a film
script is such a reply: as a training target it teaches stopping mid-sentence); a refusal of
the request; an answer in another language than its prompt that the prompt did not ask for;
one template reply given to many prompts. Anything a reader could take either way stays
unjudged and counts as a false flag.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
from pathlib import Path

from bench import answer_cases, answer_heldout
from bench.answer_cases import to_dataset

TRUTH = Path(__file__).parent / "answer_source_truth.json"


def key(answer: str) -> str:
    return hashlib.sha1(answer.encode()).hexdigest()[:16]


def unjudged(name: str, kinds: set[str], seed: int | None = None
             ) -> list[tuple[str, str, str, str]]:
    """(key, type, prompt, answer) of each flag on an unplanted row of the source (with
    ``seed``: of the case planted with that seed) not judged yet."""
    from tuneready.checks.answers.detect import detect_all
    from tuneready.checks.answers.settings import AnswersSettings
    from tuneready.config.policy import load_policy
    from tuneready.evidence.store import Evidence

    module = answer_cases if name in answer_cases.SOURCES else answer_heldout
    case = module.clean_case(name) if seed is None else module.planted_case(name, seed)
    data = to_dataset(case)
    cfg = dataclasses.replace(AnswersSettings.from_policy(load_policy()), pair_model="never")
    found = detect_all(data, Evidence(data, seed=0), cfg)
    judged = {p for rows in case.source.values() for p in rows} | case.planted
    return [(key(case.answers[f.position]), f.type, case.prompts[f.position],
             case.answers[f.position]) for f in found.flags
            if f.kind in kinds and f.position not in judged]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets")
    parser.add_argument("--kinds", default="truncated,refusal,language,canned,echo")
    parser.add_argument("--seeds", default="", help="also the planted cases of these seeds")
    args = parser.parse_args()
    kinds = set(args.kinds.split(","))
    seeds: list[int | None] = [None, *(int(s) for s in args.seeds.split(",") if s)]
    for name in args.sets.split(","):
        print(f"== {name}")
        rows = {r[0]: r for seed in seeds for r in unjudged(name, kinds, seed)}
        for k, kind, prompt, answer in rows.values():
            print(json.dumps({"key": k, "type": kind, "prompt": prompt[-160:],
                              "answer": answer[-200:]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
