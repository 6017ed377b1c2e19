"""Semantic near-duplicates and --reference coverage on the public sets in ../shared/data.

    python bench/semantic.py pairs      # paraphrase pairs found in TREC and chatterbot, to read
    python bench/semantic.py recall     # LSH search vs exact all-pairs cosine (recall, time)
    python bench/semantic.py coverage   # coverage of held-out halves and of foreign sets

``pairs`` prints every pair of chatterbot's conversation openings and a seeded sample of 40
TREC pairs that the duplicates check reports (cosine >= ``semantic_similarity``, not MinHash
copies, negation guard): the precision in the README was measured by reading them.
``coverage`` prints the split-conformal coverage (``checks/domain_coverage.py``) of held-out
halves (should be ~95 %) and of other sets (should be lower).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import require_shared
from bench.domain import chatterbot


def trec() -> Any:
    from tuneready.io import LoadOptions, load_dataset

    return load_dataset(require_shared() / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1"))


def chat() -> Any:
    from tuneready.io import load_frame

    frame = chatterbot()
    return load_frame(pd.DataFrame({"input": frame["prompt"], "label": frame["category"]}))


def duplicates(data: Any) -> Any:
    from tuneready.checks.duplicates import DuplicatesCheck
    from tuneready.config.policy import load_policy
    from tuneready.evidence.store import Evidence

    policy = {**load_policy().for_check("duplicates"), "max_table_rows": 10**6}  # every pair
    return DuplicatesCheck().run(data, Evidence(data), policy)  # type: ignore[arg-type]


def pairs() -> None:
    for name, data, shown in (("chatterbot openings", chat(), 10**6), ("TREC", trec(), 40)):
        result = duplicates(data)
        m = result.metrics
        print(f"## {name}: {m['semantic_pairs']} pairs over {m['semantic_prompts']} prompts, "
              f"share {m['semantic_share']:.1%} ({m['semantic_share_low']:.1%}-"
              f"{m['semantic_share_high']:.1%})")
        table = result.tables["semantic_pairs"]
        for i, row in enumerate(random.Random(0).sample(table, min(shown, len(table)))):
            print(f"{i:3d} {row['similarity']:.3f} | {row['input'][:90]} | "
                  f"{row['other_input'][:90]}")


def recall() -> None:
    from tuneready.evidence.semantic import similar_pairs
    from tuneready.evidence.sentence import embed

    for name, data in (("TREC", trec()), ("chatterbot", chat())):
        texts = pd.Series(data.frame["input"].astype(str)).drop_duplicates().tolist()
        v = embed(texts)
        assert v is not None
        sim = v @ v.T
        for t in (0.9, 0.92, 0.95):
            left, right = np.nonzero(np.triu(sim >= t, 1))
            truth = set(zip(left.tolist(), right.tolist(), strict=True))
            start = time.perf_counter()
            got = similar_pairs(v, t)
            seconds = time.perf_counter() - start
            found = set(zip(got.left.tolist(), got.right.tolist(), strict=True))
            print(f"{name} cosine >= {t}: {len(truth)} pairs, recall "
                  f"{len(found & truth) / max(1, len(truth)):.3f}, below threshold "
                  f"{len(found - truth)}, {seconds:.2f} s for {len(texts)} texts")


def coverage() -> None:
    from tuneready.checks.domain import DomainSettings
    from tuneready.checks.domain_coverage import coverage as cover
    from tuneready.config.policy import load_policy
    from tuneready.evidence.store import Evidence
    from tuneready.io import load_dataset, load_frame

    root = require_shared()

    def texts(d: Any) -> list[str]:
        return pd.Series(d.frame["input"].fillna("").astype(str)).drop_duplicates().tolist()

    sets = {"trec": texts(trec()), "sms": texts(load_dataset(root / "sms_spam" / "sms-spam.csv")),
            "chatterbot": chatterbot()["prompt"].astype(str).drop_duplicates().tolist(),
            "alpaca": texts(load_dataset(root / "llamafactory_demo" / "alpaca_en_demo.json"))}
    rng = np.random.default_rng(0)
    policy = load_policy().for_check("domain")

    def run(train: list[str], ref: list[str]) -> dict[str, Any]:
        ev = Evidence(load_frame(pd.DataFrame({"input": train})))
        ev.reference_data = load_frame(pd.DataFrame({"input": ref}))
        return cover(ev, DomainSettings.of(policy))[0]

    print("| training | reference | coverage | interval | cut |")
    print("|---|---|---|---|---|")
    for name, t in sets.items():
        order = rng.permutation(len(t))
        half = len(t) // 2
        m = run([t[i] for i in order[:half]], [t[i] for i in order[half:]])
        print(f"| {name} half | other half | {m['coverage']:.1%} | {m['coverage_low']:.1%}-"
              f"{m['coverage_high']:.1%} | {m['coverage_similarity']} |")
    for a, b in (("trec", "sms"), ("trec", "chatterbot"), ("trec", "alpaca"), ("alpaca", "trec"),
                 ("alpaca", "chatterbot"), ("chatterbot", "trec"), ("sms", "trec")):
        m = run(sets[a], sets[b])
        print(f"| {a} | {b} | {m['coverage']:.1%} | {m['coverage_low']:.1%}-"
              f"{m['coverage_high']:.1%} | {m['coverage_similarity']} |")


if __name__ == "__main__":
    {"pairs": pairs, "recall": recall, "coverage": coverage}[sys.argv[1] if len(sys.argv) > 1
                                                            else "pairs"]()
