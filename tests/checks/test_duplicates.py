"""duplicates: planted near duplicates are clustered and excluded, leakage is named."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.checks.duplicates import DuplicatesCheck
from tuneready.config.policy import load_policy
from tuneready.core.results import Severity, Status
from tuneready.evidence.minhash import (
    MinHashParams,
    best_matches,
    components,
    near_pairs,
    signatures,
)
from tuneready.io import LoadOptions, load_dataset
from tuneready.io.text import normalize

POLICY = load_policy().for_check("duplicates")
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def distinct_sentences(n: int, seed: int = 0) -> list[str]:
    """Sentences that share little: random words from a large made-up vocabulary."""
    rng = random.Random(seed)
    vocab = [f"{a}{b}{c}" for a in "bcdfgklmnprst" for b in "aeiou" for c in "lmnrstxz"]
    return [" ".join(rng.choice(vocab) for _ in range(20)) for _ in range(n)]


def perturb(text: str) -> str:
    """A near duplicate: one word added at the end, different case and spacing."""
    return "  ".join([*text.split(), "please"]).upper()


def run(frame: pd.DataFrame, eval_frame: pd.DataFrame | None = None):
    data = dataset(frame)
    ev = evidence_for(data)
    if eval_frame is not None:
        ev.eval_data = dataset(eval_frame)
    return data, DuplicatesCheck().run(data, ev, POLICY)


def test_minhash_finds_planted_pairs_and_not_random_ones() -> None:
    base = distinct_sentences(400)
    texts = base + [normalize(perturb(t)) for t in base[:50]]
    sig = signatures(texts, MinHashParams())
    left, right, sim = near_pairs(sig, 0.8)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(i, 400 + i) for i in range(50)}
    assert (sim >= 0.8).all()
    labels = components(len(texts), left, right)
    assert len(np.unique(labels)) == 400


def test_minhash_is_deterministic_and_seeded() -> None:
    texts = distinct_sentences(50)
    a = signatures(texts, MinHashParams(seed=1)).sig
    assert np.array_equal(a, signatures(texts, MinHashParams(seed=1)).sig)
    assert not np.array_equal(a, signatures(texts, MinHashParams(seed=2)).sig)


def test_best_matches_links_query_to_base() -> None:
    base = distinct_sentences(100)
    query = [normalize(perturb(base[7])), distinct_sentences(1, seed=99)[0]]
    q, b, _ = best_matches(signatures(query, MinHashParams()),
                           signatures(base, MinHashParams()), 0.8)
    assert q.tolist() == [0] and b.tolist() == [7]


def test_planted_near_duplicates_are_clustered_and_excluded() -> None:
    base = distinct_sentences(200)
    texts = base + [perturb(t) for t in base[:30]] + base[:10]  # 30 near, 10 exact
    data, result = run(pd.DataFrame({"text": texts, "label": ["a", "b"] * (len(texts) // 2)}))
    labels = data.frame["label"].tolist()
    exact = sum(1 for i in range(230, 240) if labels[i] == labels[i - 230])
    assert result.metrics["exact_duplicates"] == exact
    assert result.metrics["redundant_rows"] >= 30
    # rows 201..230 (row ids) are the perturbed copies and must be excluded, originals kept
    first_ids = data.frame["row_id"].iloc[:200].tolist()
    assert not set(first_ids) & set(result.excluded_rows)
    near_ids = data.frame["row_id"].iloc[200:230].tolist()
    assert set(near_ids) <= set(result.excluded_rows)
    assert result.tables["clusters"][0]["size"] >= 2
    assert {"cluster", "size", "row_ids", "example"} <= set(result.tables["clusters"][0])
    assert any(f.code == "duplicates.redundant_rows" for f in result.findings)


def test_diverse_data_has_no_redundant_rows() -> None:
    _, result = run(pd.DataFrame({"text": distinct_sentences(300)}))
    assert result.metrics["redundant_rows"] == 0
    assert result.excluded_rows == []
    assert result.status == Status.PASS


def test_same_prompt_different_answers_is_reported_not_excluded() -> None:
    prompts = distinct_sentences(60)
    frame = pd.DataFrame({"prompt": prompts + prompts[:5],
                          "completion": [f"answer {i}" for i in range(65)]})
    _, result = run(frame)
    assert result.metrics["redundant_rows"] == 0
    assert result.metrics["prompt_clusters_with_different_answers"] == 5
    assert any(f.code == "duplicates.same_prompt_different_answers" for f in result.findings)


def test_planted_leakage_is_named_exact_and_near() -> None:
    train = distinct_sentences(200)
    evals = [train[3], perturb(train[10]), *distinct_sentences(48, seed=7)]
    data, result = run(pd.DataFrame({"text": train}), pd.DataFrame({"text": evals}))
    leaked = {(r["row_id"], r["eval_row_id"], r["kind"]) for r in result.tables["leaked"]}
    rid = data.frame["row_id"].tolist()
    assert leaked == {(rid[3], 1, "exact"), (rid[10], 2, "near")}
    assert result.metrics["leaked_eval_rows"] == 2
    finding = next(f for f in result.findings if f.code == "duplicates.eval_leakage")
    assert finding.severity == Severity.FAIL  # 4 % of eval rows, above the 1 % threshold
    assert set(finding.rows) == {rid[3], rid[10]}


def test_no_leakage_without_shared_prompts() -> None:
    _, result = run(make_texts(100), pd.DataFrame({"text": distinct_sentences(20)}))
    assert result.metrics["leaked_eval_rows"] == 0
    assert not any(f.code == "duplicates.eval_leakage" for f in result.findings)


@pytest.mark.skipif(not (DATA / "trec_questions").exists(), reason="shared data absent")
def test_trec_repeated_blocks_are_redundant() -> None:
    data = load_dataset(DATA / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1"))
    result = DuplicatesCheck().run(data, evidence_for(data), POLICY)
    assert 0.63 <= result.metrics["redundant_share"] <= 0.67
    assert result.status == Status.FAIL


@pytest.mark.skipif(not (DATA / "llamafactory_demo").exists(), reason="shared data absent")
def test_llamafactory_cross_file_leakage() -> None:
    folder = DATA / "llamafactory_demo"
    data = load_dataset(folder / "v1_sft_demo.jsonl")
    ev = evidence_for(data)
    ev.eval_data = load_dataset(folder / "alpaca_en_demo.json")
    result = DuplicatesCheck().run(data, ev, POLICY)
    exact_train = {r["row_id"] for r in result.tables["leaked"] if r["kind"] == "exact"}
    assert len(exact_train) == 255
    assert result.metrics["leaked_train_rows"] >= 255


def test_short_texts_are_never_near_matches() -> None:
    """Texts shorter than a shingle have no signature; they must not match one another by
    array position (their band keys once came from the row index: eval row i 'leaked' from
    training row i with similarity 1.0)."""
    short = ["ab", "xyz", "ok", "no", "hey", "a"]
    q, b, s = best_matches(signatures(short, MinHashParams()),
                           signatures(["zz", "qq", "rr", "tt", "uu", "vv"], MinHashParams()),
                           0.5)
    assert len(q) == len(b) == len(s) == 0
    left, _, _ = near_pairs(signatures(short + short, MinHashParams()), 0.5)
    assert len(left) == 0


def test_short_eval_prompts_are_not_near_leaks() -> None:
    train = ["hi", "yes", "ok", *distinct_sentences(50)]
    evals = ["no", "why", "sup", *distinct_sentences(10, seed=5)]
    _, result = run(pd.DataFrame({"text": train}), pd.DataFrame({"text": evals}))
    assert result.metrics["leaked_near"] == 0
    assert result.metrics["leaked_eval_rows"] == 0


def _flagged(result, code: str) -> dict[int, tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    return {f.row_id: (f.reason, f.evidence, f.removed) for f in result.flagged
            if f.finding == code}


def test_every_copy_is_flagged_naming_the_row_it_repeats() -> None:
    base = distinct_sentences(100)
    texts = base + [perturb(t) for t in base[:6]] + base[:3]
    data, result = run(pd.DataFrame({"text": texts}))
    rid = data.frame["row_id"].tolist()
    lines = _flagged(result, "duplicates.redundant_rows")
    assert sorted(lines) == sorted(result.excluded_rows)
    finding = next(f for f in result.findings if f.code == "duplicates.redundant_rows")
    assert len(lines) == finding.n_rows == 9
    for i in range(3):  # exact copies name the earliest identical row
        reason, evidence, removed = lines[rid[106 + i]]
        assert reason == f"exact copy of row {rid[i]}" and removed
        assert evidence == "same input, answer and label after folding case and spacing"
    for i in range(6):  # near copies name their cluster's first row, with the Jaccard
        reason, evidence, removed = lines[rid[100 + i]]
        assert reason == f"near duplicate of row {rid[i]}" and removed
        jaccard = float(evidence.split("input Jaccard ")[1].split(" ")[0])
        assert 0.8 <= jaccard < 1.0 and evidence.endswith("(MinHash estimate)")
    assert {f.precision for f in result.flagged if f.finding == "duplicates.redundant_rows"} \
        == {""}


def test_rows_sharing_a_prompt_are_flagged_but_not_removed() -> None:
    prompts = distinct_sentences(30)
    frame = pd.DataFrame({"prompt": prompts + prompts[:2],
                          "completion": [f"answer {i}" for i in range(32)]})
    data, result = run(frame)
    rid = data.frame["row_id"].tolist()
    lines = _flagged(result, "duplicates.same_prompt_different_answers")
    assert lines == {
        rid[0]: ("first row of a prompt shared with other answers", "2 rows share this prompt",
                 False),
        rid[1]: ("first row of a prompt shared with other answers", "2 rows share this prompt",
                 False),
        rid[30]: (f"same prompt as row {rid[0]}, another answer or label",
                  "2 rows share this prompt", False),
        rid[31]: (f"same prompt as row {rid[1]}, another answer or label",
                  "2 rows share this prompt", False)}


def test_leaked_training_rows_are_flagged_with_their_eval_rows() -> None:
    train = distinct_sentences(100)
    evals = [train[3], perturb(train[10]), train[3], *distinct_sentences(10, seed=7)]
    data, result = run(pd.DataFrame({"text": train}), pd.DataFrame({"text": evals}))
    rid = data.frame["row_id"].tolist()
    lines = _flagged(result, "duplicates.eval_leakage")
    assert set(lines) == {rid[3], rid[10]}
    assert lines[rid[3]][:2] == ("prompt also in eval row 1 and 1 more",
                                 "exact (after folding case and spacing)")
    reason, evidence, removed = lines[rid[10]]
    assert reason == "prompt also in eval row 2" and evidence.startswith("near, Jaccard 0.")
    assert not removed
