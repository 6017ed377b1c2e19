"""Truncation read from evidence of a cut: each reason, casual style left alone, English-only
parts kept to English rows, code read for its structure only."""

from __future__ import annotations

import random

import numpy as np

from tuneready.checks.answers.truncation import export_limit, read, truncation_reasons

MIN_PRECISION = 0.8
SUBJECTS = ["the dog", "my sister", "the old man", "our teacher", "the little girl",
            "a friend of mine", "the neighbour", "his brother", "the driver", "the cook"]
VERBS = ["walked to", "looked at", "talked about", "waited for", "thought about",
         "laughed at", "asked about", "cared for", "ran past", "drove to"]
OBJECTS = ["the river", "the station", "the garden", "the market", "the school", "the house",
           "the explanation", "the bridge", "the library", "the harbour", "the kitchen"]


def reasons(answers: list[str], prompts: list[str] | None = None,
            tokens: list[int] | None = None, english: list[bool] | None = None
            ) -> list[str | None]:
    prompts = prompts or ["Tell me about it"] * len(answers)
    counts = np.asarray(tokens or [len(a.split()) for a in answers])
    return truncation_reasons(prompts, answers, counts, MIN_PRECISION, english)


def sentences(n: int, seed: int = 0, end: str = ".") -> list[str]:
    """``n`` varied complete sentences (a subject, a verb, an object)."""
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{end}"
            for _ in range(n)]


def test_structure_tells_whatever_the_style() -> None:
    got = reasons([
        "Here is the code:\n```python\nprint('hi')\n",
        "The result (after three rounds of testing is better than before",
        "We need flour, eggs, milk,",
        "Here's a generic function:",
        "The steps are simple.\n\n1. Open the app.\n2.",
        "Sure, happy to help.",
    ])
    assert got == ["unclosed_fence", "unclosed_bracket", "dangling_word", "dangling_word",
                   "dangling_word", None]


def test_code_is_read_for_its_structure_only() -> None:
    code = ['    if b == "(":\n        depth += 1\n    return depth == 0\n',
            "    a = abs(a)\n    return a\n",
            "    for i in range(len(xs)):\n        total += xs[i"]
    assert reasons(code) == [None, None, "unclosed_bracket"]


def test_small_english_data_reads_the_english_lexicon_and_word_list() -> None:
    got = reasons(["Recursion is when a function calls itself, and",
                   "The teacher gave the class a short and very clear explanat",
                   "The teacher gave the class a short and very clear explanation",
                   "Der Lehrer gab der Klasse eine kurze und sehr klare Erklaerun und"],
                  english=[True, True, True, False])
    assert got == ["dangling_word", "mid_word", None, None]  # German: not read by English


def test_lower_case_unpunctuated_chat_is_not_truncated() -> None:
    punctuated = sentences(300, seed=1)
    casual = [s.rstrip(".") for s in sentences(300, seed=2)]  # complete, no full stop
    rng = random.Random(3)
    cut = [s[:rng.randint(len(s) // 2, len(s) - 3)].rstrip() for s in sentences(40, seed=4)]
    answers = punctuated + casual + cut
    got = reasons(answers)
    assert all(r is None for r in got[:600]), [a for a, r in zip(answers, got, strict=True)
                                                if r][:5]
    # cut inside a word ("the expla"), after a word this data never ends on ("the"), or a
    # cut copy of a longer answer
    found = [r for r in got[600:] if r]
    assert len(found) >= 20 and set(found) <= {"mid_word", "dangling_word", "cut_copy"}


def test_a_data_set_whose_complete_replies_end_like_cuts_flags_none() -> None:
    """When the data's own complete answers often end on a word the rule would call cut,
    the rule's estimated precision stays low and it flags nothing (and says so)."""
    complete = [f"{s} the" + "." for s in sentences(200, seed=5)]  # odd, but complete
    open_ = [f"{s} the" for s in sentences(60, seed=6)]
    answers = complete + sentences(200, seed=7) + open_
    reading = read(["?"] * len(answers), answers,
                   np.asarray([len(a.split()) for a in answers]), MIN_PRECISION)
    assert not any(reading.reasons)
    assert reading.calibration["continues"].level is None


def test_a_cut_copy_still_is_one() -> None:
    reply = "Restart your router, wait a minute, then connect again from settings."
    got = reasons([reply, reply, "Restart your router, wait a min", "Restart your router, wait",
                   "Sto bene", "Sto bene, grazie mille per avermelo chiesto."])
    assert got[2] == "cut_copy"  # cut inside one of the reply's words
    assert got[3] == "cut_copy"  # at a word boundary of a reply the data repeats
    assert got[0] is None and got[4] is None  # "Sto bene" could be a whole reply


def test_too_short_for_what_an_english_prompt_asks() -> None:
    prompts = ["Write an essay of 300 words about rivers.", "List 10 ways to save water.",
               "Write about rivers."]
    answers = ["Rivers are long.", "Turn off the tap.", "Rivers are long."]
    assert reasons(answers, prompts) == ["too_short", "too_short", None]


def test_export_limit_is_a_spike_of_distinct_unended_answers() -> None:
    rng = np.random.default_rng(0)
    tokens = rng.integers(10, 200, 300)
    answers = [f"A complete sentence number {i}." for i in range(300)]
    assert export_limit(tokens, answers) is None
    tokens[:30] = 128
    for i in range(30):
        answers[i] = f"this answer number {i} stops in the middle of"
    assert export_limit(tokens, answers) == 128
    repeated = ["one reply given thirty times"] * 30 + answers[30:]
    assert export_limit(tokens, repeated) is None  # a template, not a limit
