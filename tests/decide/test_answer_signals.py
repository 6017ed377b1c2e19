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
    length_cv,
    measure,
    row_knowledge,
    template_share,
    words,
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


# --- other languages ----------------------------------------------------------------------
ZH_PROMPTS = ["请问中国的首都是哪个城市？", "谁发明了电话这个东西？",
              "太阳系中最大的行星是哪一个？", "水在标准大气压下的沸点是多少度？"]
ZH_ANSWERS = ["中国的首都是北京，它有三千多年的历史。", "电话是由贝尔在一八七六年发明的。",
              "太阳系中最大的行星是木星，它的质量非常大。", "水在标准大气压下的沸点是一百摄氏度。"]


def test_chinese_rows_get_no_knowledge_share_and_say_why() -> None:
    """wordfreq's English list and English question patterns read nothing in Chinese: the
    share is not measured (it was 0.0 before, which argued against retrieval)."""
    frame = pd.DataFrame({"input": ZH_PROMPTS * 10, "target": ZH_ANSWERS * 10})
    m = measure(frame, _cfg())
    assert m["knowledge"] is None and m["fact_seeking"] is None and m["novel_answers"] is None
    assert m["template"] is None  # openings split at spaces: not for Chinese answers
    note = " ".join(m["language_notes"])
    assert "the knowledge share: not measured: 100% of rows" in note
    assert "English-only wordfreq" in note
    from tuneready.core.results import Verdict
    from tuneready.decide.complements import complements, measured_task

    cfg = _cfg()
    assert measured_task(m, cfg) == "unknown"
    assert not [c for c in complements(Verdict.LORA, m, cfg, "unknown", [])
                if c["code"] == "complement.rag"]


def test_answer_length_counts_chinese_characters() -> None:
    """To split() every Chinese answer is one word long: "consistent length" before."""
    answers = ["好。", "这是一个很长的回答，包含了很多的信息和细节，用来说明问题。", "可以的。",
               "当然，我很乐意帮助你解决这个问题，请告诉我更多的细节吧。"]
    assert length_cv([a.split()[0] for a in answers]) is not None
    assert length_cv(answers) > 0.5
    assert words("我是 AI 助手") == 3 + 4  # three space-split words, four characters


def test_english_rows_are_measured_as_before() -> None:
    frame = pd.DataFrame({
        "input": ["Who wrote Hamlet?", "What year did the war end?"] * 10,
        "target": ["William Shakespeare wrote it.", "It ended in 1945."] * 10})
    m = measure(frame, _cfg())
    assert m["knowledge"]["n"] == 20 and "language_notes" not in m
    assert m["template"]["n"] == 20
