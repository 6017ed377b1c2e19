"""--engine dask: near duplicates, eval leakage, token and identity-term counts over every row
are identical to the single-machine path (2-worker LocalCluster, processes=True).

Skipped when the optional extra (``tuneready[dask]``) is not installed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

from tuneready.checks.bias.lexicon import match_terms
from tuneready.checks.duplicates import (
    DuplicatesSettings,
    _leakage,
    cluster,
    example_clusters,
    minhash_params,
)
from tuneready.config.policy import load_policy
from tuneready.engine.cluster import Cluster, Passes, load_on_cluster
from tuneready.evidence.store import Evidence
from tuneready.io import LoadOptions, load_dataset

ROWS = 24_000
SHARDS = 3
WORDS = [f"w{i}" for i in range(400)] + ["women", "muslim", "men", "christian", "gay"]


def _sentence(rng: random.Random) -> list[str]:
    return [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]


def _perturb(words: list[str], rng: random.Random) -> str:
    """One word replaced: a near duplicate (character 5-gram Jaccard mostly 0.6-0.9)."""
    out = list(words)
    out[rng.randrange(len(out))] = rng.choice(WORDS)
    return " ".join(out)


def write_data(folder: Path, fmt: str) -> tuple[list[Path], Path]:
    """Shards with exact repeats, near repeats (also across shards), short rows without
    shingles, a malformed line; and an eval set with exact, near and new prompts."""
    rng = random.Random(1)
    bases = [_sentence(rng) for _ in range(800)]
    per = ROWS // SHARDS
    paths = []
    for s in range(SHARDS):
        path = folder / f"part-{s}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(per):
                if i == 7:
                    fh.write("{broken\n")
                    continue
                roll = rng.random()
                base = rng.choice(bases)
                text = (" ".join(base) if roll < 0.2 else _perturb(base, rng) if roll < 0.5
                        else "ok" if roll < 0.52 else " ".join(_sentence(rng)))
                label = rng.choice(["a", "b"]) if roll < 0.9 else "c"
                record = ({"text": text, "label": label} if fmt == "classification" else
                          {"prompt": text, "completion": " ".join(base[:4]) if roll < 0.2
                           else _perturb(base, rng) if roll < 0.7 else f"answer {label}"})
                fh.write(json.dumps(record) + "\n")
        paths.append(path)
    eval_path = folder / "eval.jsonl"
    with eval_path.open("w", encoding="utf-8") as fh:
        for i in range(600):
            base = rng.choice(bases)
            text = (" ".join(base) if i % 3 == 0 else _perturb(base, rng) if i % 3 == 1
                    else " ".join(_sentence(rng)))
            record = ({"text": text, "label": "a"} if fmt == "classification" else
                      {"prompt": text, "completion": "x"})
            fh.write(json.dumps(record) + "\n")
    return paths, eval_path


def single_machine(paths: list[Path], eval_path: Path, options: LoadOptions
                   ) -> dict[str, object]:
    """The duplicates check's numbers, token counts and lexicon groups on one machine."""
    policy = DuplicatesSettings.from_policy(load_policy())
    data = load_dataset(paths, options)
    ev = Evidence(data)
    ev.eval_data = load_dataset(eval_path, options)
    params, threshold = minhash_params(policy, 0), 0.8
    inp = cluster(ev.norm_input.fillna(""), ev.input_hash, params, threshold)
    ex = example_clusters(ev, inp, params, threshold)
    n = len(data.frame)
    exact = int(pd.Series(ev.row_hash).duplicated().sum())
    prompts = pd.DataFrame({"p": inp.labels, "e": ex.labels}).groupby("p")["e"].nunique()
    _, leak, table, _ = _leakage(ev, inp, params, threshold, policy)
    tokens = ev.input_tokens + ev.target_tokens
    groups = {cat: {str(k): int(v) for k, v in vals.value_counts().sort_index().items()}
              for cat, vals in match_terms(data.frame["input"]).groups.items()}
    return {"duplicates": {
        "rows": n, "exact_duplicates": exact, "redundant_rows": len(ex.redundant),
        "near_duplicates": len(ex.redundant) - exact,
        "clusters": int((np.bincount(ex.labels) > 1).sum()),
        "prompt_clusters_with_different_answers": int((prompts > 1).sum())},
        "leakage": leak, "leaked": table, "groups": groups,
        "tokens": {"total_tokens": int(tokens.sum()),
                   "input_tokens": int(ev.input_tokens.sum()),
                   "target_tokens": int(ev.target_tokens.sum()),
                   "tokens_p50": int(np.percentile(tokens, 50)),
                   "tokens_p95": int(np.percentile(tokens, 95)),
                   "tokens_max": int(tokens.max()),
                   "over_context_limit": int((tokens > 20).sum())}}


@pytest.mark.parametrize("fmt", ["classification", "prompt_completion"])
def test_near_duplicates_leakage_tokens_identical(fmt: str, tmp_path: Path) -> None:
    paths, eval_path = write_data(tmp_path, fmt)
    options = LoadOptions(format=fmt)
    truth = single_machine(paths, eval_path, options)
    passes = Passes(params=minhash_params(DuplicatesSettings.from_policy(load_policy()), 0),
                    context_limit=20, eval_data=load_dataset(eval_path, options))
    data = load_on_cluster(paths, options, Cluster(workers=2), sample_n=2_000, passes=passes)
    pop = data.population
    dup = truth["duplicates"]
    assert isinstance(dup, dict)
    assert {k: pop["duplicates"][k] for k in dup} == dup
    assert dup["near_duplicates"] > 100 and dup["exact_duplicates"] > 100  # both kinds occur
    assert pop["duplicates"]["near_pairs"] > 0
    assert pop["leakage"]["metrics"] == truth["leakage"]
    leak = truth["leakage"]
    assert isinstance(leak, dict) and leak["leaked_near"] > 20 and leak["leaked_exact"] > 20
    assert pop["leakage"]["table"] == truth["leaked"]
    tokens = truth["tokens"]
    assert isinstance(tokens, dict)
    assert {k: pop["tokens"][k] for k in tokens} == tokens
    if fmt == "classification":
        assert pop["identity"]["groups"] == truth["groups"]
        assert pop["identity"]["groups"]["gender"]["women"] > 0
