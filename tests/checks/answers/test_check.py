"""The answers check end to end: findings name rows and carry their evidence, only precise
types leave the effective size, greetings are never contradictions."""

from __future__ import annotations

import json

import pandas as pd

from tests.checks.answers.helpers import chat, good, run_answers
from tests.conftest import dataset, evidence_for
from tuneready.checks import get_check
from tuneready.config.policy import load_policy
from tuneready.core.results import Status
from tuneready.engine.runner import run_one

GREETINGS = ["Hello", "Hi", "Hey", "Good morning", "Hi there", "Hello!", "How are you?",
             "What's up?"]
REPLIES = ["Hi! How can I help?", "Hello there, nice to see you.", "Hey, what's new?",
           "Good morning to you too!", "Greetings, friend.", "Hello, how are you doing today?",
           "I'm well, thanks for asking.", "Not much, you?", "Howdy!", "Oh hi, long time."]


def test_greetings_answered_in_varied_ways_are_no_contradiction() -> None:
    pairs = [(GREETINGS[i % len(GREETINGS)], REPLIES[(i * 3) % len(REPLIES)])
             for i in range(80)]
    _, result = run_answers(pairs)
    assert result.status != Status.ERROR, result.error
    assert result.metrics["contradiction_n"] == 0
    assert not any(f.code == "answers.contradiction" for f in result.findings)
    diversity = next(f for f in result.findings if f.code == "answers.answer_diversity")
    assert diversity.caps is None and diversity.observed > 0.5


def test_closed_prompts_with_different_answers_contradict() -> None:
    pairs = [good(i) for i in range(40)]
    pairs += [(f"What is the capital of country {c}?", f"The capital is City{c}.")
              for c in "ABCDEFGH"] * 2  # repeated closed prompts agree elsewhere
    pairs += [("What is the capital of France?", "Paris."),
              ("what is the capital of france", "Berlin, in the south.")]
    _data, result = run_answers(pairs)
    flagged = [r for r in result.tables["flagged_answers"] if r["kind"] == "contradiction"]
    assert {r["row_id"] for r in flagged} & {57, 58}
    assert all("contradicts_row" in r for r in flagged)


def test_clean_chat_passes_and_rows_carry_evidence() -> None:
    _, clean = run_answers([good(i) for i in range(40)])
    assert clean.status == Status.PASS, clean.findings
    assert clean.excluded_rows == []
    pairs = [good(i) for i in range(40)] + [
        ("Explain recursion in Python", "Recursion is when a function calls itself, and"),
        ("Write a poem about the sea", "I'm sorry, but I can't help with that request."),
        ("How do I fix my bike chain?",
         "Ouvrez le menu, puis choisissez les paramètres de votre téléphone portable."),
        ("Anything else?", "")]
    _data, result = run_answers(pairs)
    kinds = {r["row_id"]: r for r in result.tables["flagged_answers"]}
    assert kinds[41]["kind"] == "truncated" and kinds[41]["reason"] == "dangling_word"
    assert kinds[42]["kind"] == "refusal" and kinds[43]["kind"] == "language"
    assert kinds[43]["answer_language"] == "fr"
    assert kinds[44]["kind"] == "empty" and kinds[44]["removed"]
    assert not kinds[42]["removed"]  # refusals may be the behaviour to teach
    assert all(("precision" in r) for r in kinds.values())
    codes = {f.code for f in result.findings}
    assert {"answers.truncated", "answers.refusal", "answers.language", "answers.empty"} <= codes
    refusal = next(f for f in result.findings if f.code == "answers.refusal")
    assert refusal.rows == [42] and "unmeasured here" in refusal.message
    assert "never removed" in refusal.message
    json.dumps(result.to_dict())  # the evidence is plain JSON


def test_without_a_review_only_empty_answers_leave_the_effective_size() -> None:
    pairs = [good(i) for i in range(40)] + [(f"Anything {i}?", "") for i in range(3)] + [
        ("Explain recursion", "Recursion is when a function calls itself, and")]
    _data, result = run_answers(pairs)
    rows = {r["row_id"]: r for r in result.tables["flagged_answers"]}
    removed = {rid for rid, r in rows.items() if r["removed"]}
    assert removed == set(result.excluded_rows) == {rid for rid, r in rows.items()
                                                    if r["kind"] == "empty"}
    assert rows[44]["kind"] == "truncated" and not rows[44]["removed"]


def test_every_flagged_type_states_its_precision_basis() -> None:
    pairs = [good(i) for i in range(40)] + [("Anything?", "")] + [
        ("Explain recursion", "Recursion is when a function calls itself, and"),
        ("Write a poem about the sea", "I'm sorry, but I can't help with that request.")]
    _data, result = run_answers(pairs)
    by_type = result.metrics["precision_by_type"]
    assert by_type["empty"]["basis"] == "certain"
    others = {t: p for t, p in by_type.items() if t != "empty"}
    assert others and all(p["basis"] == "unmeasured" for p in others.values())
    assert all("value" not in p and p["text"].startswith("unmeasured here")
               for p in others.values())
    table = {r["type"]: r for r in result.tables["precision_by_type"]}
    assert table["empty"]["removed"] == 1 and table["refusal"]["removed"] == 0


def test_labelled_data_is_label_noise_and_chat_is_answers() -> None:
    labelled = dataset(pd.DataFrame({"text": [f"text {i}" for i in range(30)],
                                     "label": ["a", "b"] * 15}))
    result = run_one(get_check("answers"), labelled, evidence_for(labelled), load_policy())
    assert result.status == Status.SKIPPED and "label_noise" in result.summary
    data = dataset(chat([good(i) for i in range(30)]), target_label_max=0)
    noise = run_one(get_check("label_noise"), data, evidence_for(data), load_policy())
    assert noise.status == Status.SKIPPED and "answers" in noise.summary
