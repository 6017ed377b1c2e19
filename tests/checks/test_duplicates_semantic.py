"""duplicates, semantic category: paraphrased prompts are found with the shipped sentence
vectors, reported apart from exact and MinHash copies, and never removed from the effective
size; unrelated prompts are not paired; eval prompts that paraphrase training ones leak."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for
from tuneready.checks.duplicates import DuplicatesCheck
from tuneready.checks.duplicates_semantic import negation_keys
from tuneready.config.policy import load_policy
from tuneready.core.results import Severity
from tuneready.evidence.sentence import available

pytestmark = pytest.mark.skipif(not available(), reason="wordllama not installed")
POLICY = load_policy().for_check("duplicates")

PARAPHRASES = [
    ("What is the date of Boxing Day?", "What date is Boxing Day?"),
    ("What nationality was the painter Jackson Pollock?",
     "What was the nationality of the painter Jackson Pollock?"),
    ("How many bones are there in the human hand?", "How many bones does a human hand have?"),
    ("Which soft drink has the most caffeine?", "What soft drink contains the most caffeine?"),
    ("Who invented the telephone?", "Who was the inventor of the telephone?"),
    ("What is the capital city of Australia?", "Which city is the capital of Australia?"),
    ("How do I reset my account password?", "How can I reset the password of my account?"),
    ("When did the Berlin Wall fall?", "In what year did the Berlin Wall fall?"),
]
UNRELATED = [
    "Recommend a good book about gardening for beginners.",
    "Translate this sentence into French please.",
    "What is the boiling point of water at sea level?",
    "Write a short poem about the ocean at night.",
    "How long should I boil an egg for a soft yolk?",
    "List three benefits of regular exercise.",
    "Why is the sky blue during the day?",
    "Summarize the plot of Hamlet in two sentences.",
    "My order arrived damaged, what should I do?",
    "Explain how a bicycle gear system works.",
    "You are immortal.",
    "You are not immortal.",
]


def frame(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"text": texts, "label": ["a"] * len(texts)})


def run(texts: list[str], eval_texts: list[str] | None = None):
    data = dataset(frame(texts))
    ev = evidence_for(data)
    if eval_texts is not None:
        ev.eval_data = dataset(frame(eval_texts))
    return data, DuplicatesCheck().run(data, ev, POLICY)


def pair_set(result) -> set[frozenset[str]]:
    return {frozenset((r["input"], r["other_input"])) for r in result.tables["semantic_pairs"]}


def test_paraphrases_are_found_and_unrelated_prompts_are_not() -> None:
    texts = [a for a, _ in PARAPHRASES] + UNRELATED + [b for _, b in PARAPHRASES]
    data, result = run(texts)
    assert pair_set(result) == {frozenset(p) for p in PARAPHRASES}
    m = result.metrics
    assert m["semantic_pairs"] == len(PARAPHRASES)
    assert m["semantic_prompts"] == len(texts) and m["semantic_sample"] == len(texts)
    assert m["semantic_prompts_with_paraphrase"] == 2 * len(PARAPHRASES)
    assert m["semantic_share"] == pytest.approx(16 / 28, abs=1e-4)
    assert m["semantic_groups"] == len(PARAPHRASES)
    # its own category: no copy counted, nothing excluded from the effective size
    assert m["exact_duplicates"] == 0 and m["near_duplicates"] == 0
    assert result.excluded_rows == []
    finding = next(f for f in result.findings if f.code == "duplicates.semantic")
    assert finding.caps is None and finding.severity == Severity.WARN  # 57 % >= warn share
    assert finding.n_rows == 2 * len(PARAPHRASES)
    assert all(r["similarity"] >= POLICY["semantic_similarity"]
               for r in result.tables["semantic_pairs"])
    ids = set(data.frame["row_id"])
    assert all(r["row_id"] in ids and r["other_row_id"] in ids
               for r in result.tables["semantic_pairs"])


def test_copies_count_only_as_copies() -> None:
    a, b = PARAPHRASES[0]
    texts = [a, a, a.upper(), b, *UNRELATED]
    _, result = run(texts)
    m = result.metrics
    assert m["exact_duplicates"] + m["near_duplicates"] == 2  # the second `a`, the upper-case one
    # the three copies of `a` are one prompt: one semantic pair with `b`, not three
    assert m["semantic_pairs"] == 1
    assert pair_set(result) == {frozenset((a, b))}


def test_no_paraphrase_no_finding() -> None:
    _, result = run(UNRELATED)
    assert result.metrics["semantic_pairs"] == 0
    assert not any(f.code.startswith("duplicates.semantic") for f in result.findings)
    assert result.tables["semantic_pairs"] == []


def test_negation_splits_an_otherwise_close_pair() -> None:
    keys = negation_keys(np.array(["you are immortal", "you are not immortal",
                                   "You aren't there", "I am NOT sure"], dtype=object))
    assert list(keys) == ["", "not", "aren't", "not"]


def test_sampled_search_states_its_interval() -> None:
    texts = [a for a, _ in PARAPHRASES] + UNRELATED + [b for _, b in PARAPHRASES]
    data = dataset(frame(texts))
    policy = {**POLICY, "semantic_sample": 10}
    result = DuplicatesCheck().run(data, evidence_for(data), policy)  # type: ignore[arg-type]
    m = result.metrics
    assert m["semantic_sample"] == 10 and m["semantic_prompts"] == len(texts)
    assert m["semantic_share_low"] < m["semantic_share"] < m["semantic_share_high"]
    assert 0 < m["semantic_pairs"] <= len(PARAPHRASES)


def test_eval_paraphrases_leak_as_their_own_category() -> None:
    train = [a for a, _ in PARAPHRASES] + UNRELATED
    copied = UNRELATED[0]
    evals = [b for _, b in PARAPHRASES[:4]] + [copied, "Name a famous jazz trumpet player."]
    _, result = run(train, evals)
    m = result.metrics
    assert m["leaked_eval_rows"] == 1 and m["leaked_exact"] == 1  # the copy, exactly
    assert m["semantic_leaked_eval_rows"] == 4
    assert m["semantic_leak_searched"] == 5  # the copy is not searched again
    leaked = {r["input"] for r in result.tables["semantic_leaked"]}
    assert leaked == {b for _, b in PARAPHRASES[:4]}
    finding = next(f for f in result.findings if f.code == "duplicates.semantic_leakage")
    assert finding.severity == Severity.WARN and finding.caps is None


# --- other languages ----------------------------------------------------------------------
CHINESE = [
    "请问今天北京的天气怎么样，会下雨吗？", "请问今天北京天气如何，会不会下雨？",
    "如何学习一门新的编程语言比较快？", "学习新的编程语言有什么快速的方法？",
    "推荐几本适合初学者的历史书籍。", "有哪些适合初学者阅读的历史书？",
    "怎样才能保持健康的生活习惯呢？", "请介绍一下中国古代的四大发明。",
    "为什么天空在白天是蓝色的？", "请帮我写一首关于大海的短诗。",
    "如何在家里种植番茄和辣椒？", "请解释一下什么是人工智能。",
]


def test_chinese_prompts_are_not_searched_with_english_vectors() -> None:
    """Before, the English token vectors paired Chinese prompts by their shared byte
    tokens: a warning on glaive_toolcall_zh (55 % "paraphrased")."""
    _, result = run(CHINESE)
    codes = [f.code for f in result.findings if f.code.startswith("duplicates.semantic")]
    assert codes == ["duplicates.semantic_not_measured"]
    note = result.findings[[f.code for f in result.findings].index(codes[0])]
    assert note.severity == Severity.INFO and note.caps is None
    assert "zh" in note.message and "English-only static sentence vectors" in note.message
    assert result.metrics["semantic"] == "not measured (language)"
    assert result.tables["semantic_pairs"] == [] and result.status.value == "pass"


def test_english_prompts_are_searched_and_the_rest_left_out() -> None:
    english = [a for a, _ in PARAPHRASES] + UNRELATED + [b for _, b in PARAPHRASES]
    _, result = run(english + CHINESE[:3])  # 28 of 31 prompts in English: 0.90
    m = result.metrics
    assert m["semantic_prompts"] == len(english) and m["semantic_english_share"] < 1
    assert pair_set(result) and all(
        not any("\u4e00" <= ch <= "\u9fff" for ch in r["input"] + r["other_input"])
        for r in result.tables["semantic_pairs"])
    finding = next(f for f in result.findings if f.code == "duplicates.semantic")
    assert "3 not in English left out" in finding.message


def test_chinese_eval_prompts_are_not_searched_for_paraphrase_leaks() -> None:
    texts = [a for a, _ in PARAPHRASES] + UNRELATED
    _, result = run(texts, eval_texts=CHINESE)
    codes = {f.code for f in result.findings}
    assert "duplicates.semantic_leakage_not_measured" in codes
    assert "duplicates.semantic_leakage" not in codes
