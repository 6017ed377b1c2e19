"""Answer signals: knowledge the prompt lacks, fact-seeking prompts, format shares."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tuneready.config.policy import load_policy
from tuneready.decide.answer_signals import (
    ComplementsSettings,
    fact_seeking,
    is_json,
    knowledge_tokens,
    measure,
    row_knowledge,
    template_share,
)


def _cfg(**overrides: Any) -> ComplementsSettings:
    """The packaged ``[complements]`` table with some keys changed."""
    return ComplementsSettings.of({**load_policy().for_check("complements"), **overrides})


def test_knowledge_tokens_numbers_names_rare_words() -> None:
    numbers, names, rare = knowledge_tokens(
        "It was built in 1889 by Gustave Eiffel. Plants use chlorophyll and xylem.", 3.0)
    assert numbers == {"1889"}
    assert names == {"gustave", "eiffel"}  # "It" and "Plants" open sentences
    assert {"chlorophyll", "xylem"} <= rare and "built" not in rare


def test_row_knowledge_is_what_the_prompt_lacks() -> None:
    assert row_knowledge("Who painted the Mona Lisa?", "It was painted by Leonardo da Vinci.",
                         3.0, 2)
    # the name is already in the prompt: nothing new
    assert not row_knowledge("Tell me about Leonardo, the painter", "Leonardo was a painter.",
                             3.0, 2)
    # a one-word answer is judged by its content word
    assert row_knowledge("Which planet is the hottest?", "Venus", 3.0, 2)
    # small talk brings new words too ("fine"): the knowledge share needs a fact-seeking
    # prompt as well (test_measure_reports_shares_with_intervals)
    assert row_knowledge("How are you?", "I am fine, thanks.", 3.0, 2)
    assert not fact_seeking("How are you?")


def test_fact_seeking_prompts_are_not_small_talk() -> None:
    assert fact_seeking("Who was the first person on the moon?")
    assert fact_seeking("hello\nWhat is the boiling point of water?")
    assert not fact_seeking("What is your name?")
    assert not fact_seeking("How are you today?")
    assert not fact_seeking("Write a poem about the sea.")


def test_format_shares() -> None:
    assert is_json('{"name": "x"}') and is_json("[1, 2]")
    assert not is_json("{not json") and not is_json("plain")
    share = template_share(["Sure, here it is: a", "Sure, here it is: b", "Sure, here it is",
                            "No."], 3, 0.01)
    assert (share.k, share.n) == (3, 4)


def test_measure_reports_shares_with_intervals() -> None:
    frame = pd.DataFrame({
        "input": ["Who wrote Hamlet?", "What year did the war end?", "hi", "How are you?"] * 5,
        "target": ["William Shakespeare wrote it.", "It ended in 1945.", "Hello!",
                   "Fine, thanks."] * 5,
        "n_tool_calls": [0, 0, 0, 1] * 5})
    m = measure(frame, _cfg(rare_zipf=3.0, rare_words_min=2))
    k = m["knowledge"]
    assert (k["k"], k["n"]) == (10, 20) and k["share"] == 0.5
    assert k["lo"] < 0.5 < k["hi"]
    assert m["fact_seeking"]["k"] == 10
    assert m["tool_calls"]["k"] == 5
    empty = measure(frame.iloc[:0], _cfg())
    assert empty["rows"] == 0 and empty["knowledge"]["share"] is None


def test_large_sets_are_measured_on_a_seeded_sample() -> None:
    frame = pd.DataFrame({"input": [f"Who wrote book {i}?" for i in range(300)],
                          "target": [f"Author {i} wrote it." if i % 3 else "No idea."
                                     for i in range(300)]})
    a = measure(frame, _cfg(sample_rows=100), seed=1)
    assert a["rows"] == 100 and a["knowledge"]["n"] == 100
    assert measure(frame, _cfg(sample_rows=100), seed=1) == a
    assert measure(frame, _cfg(sample_rows=0))["rows"] == 300
