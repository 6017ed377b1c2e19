"""Truncation read from the text: each reason, and casual style left alone."""

from __future__ import annotations

import numpy as np

from tuneready.checks.answers.truncation import export_limit, truncation_reasons

VOCAB = ("Preparation of the dough takes time, and preparation of the filling takes longer. "
         "Careful preparation matters.")


def reasons(answers: list[str], prompts: list[str] | None = None,
            tokens: list[int] | None = None) -> list[str | None]:
    prompts = prompts or ["Tell me about it"] * len(answers)
    counts = np.asarray(tokens or [len(a.split()) for a in answers])
    return truncation_reasons(prompts, answers, counts)


def test_each_reason() -> None:
    got = reasons([
        "Here is the code:\n```python\nprint('hi')\n",
        "The result (after three rounds of testing is better than before",
        "Recursion is when a function calls itself, and",
        "You need flour, eggs, milk, butter and the",
        "First you start the careful prepa",
        "The pan is hot. The batter is ready. Now pour a small amount of batter into the",
        VOCAB,
    ])
    assert got[:5] == ["unclosed_fence", "unclosed_bracket", "dangling_word", "dangling_word",
                       "mid_word"]
    assert got[5] == "dangling_word" and got[6] is None


def test_unterminated_in_a_punctuated_answer() -> None:
    text = ("Mix the flour and eggs. Add the milk slowly. Let it rest for an hour. "
            "Then heat the pan over a medium flame until it")
    assert reasons([text, VOCAB])[0] in ("dangling_word", "unterminated")
    cut = "Mix the flour and eggs. Add the milk slowly. Then heat the pan over a medium flame"
    assert reasons([cut, VOCAB])[0] == "unterminated"


def test_casual_style_is_not_truncation() -> None:
    casual = ["sure thing", "i like it a lot honestly", "haha yeah that was fun lol",
              "ok see you tomorrow then", "Not much, just chilling at home today",
              "Bored? Play our board games :(", "1) open the app\n2) tap reset",
              '"Friendship is a gift." - C.S. Lewis', "Stay curious #science #learning"]
    assert reasons(casual) == [None] * len(casual)


def test_too_short_for_what_the_prompt_asks() -> None:
    prompts = ["Write an essay of 300 words about rivers.", "List 10 ways to save water.",
               "Write about rivers."]
    answers = ["Rivers are long.", "Turn off the tap.", "Rivers are long."]
    assert reasons(answers, prompts) == ["too_short", "too_short", None]


def test_export_limit_is_a_spike_of_unended_answers() -> None:
    rng = np.random.default_rng(0)
    tokens = rng.integers(10, 200, 300)
    answers = ["A complete sentence."] * 300
    assert export_limit(tokens, answers) is None
    tokens[:30] = 128
    for i in range(30):
        answers[i] = "this answer stops in the middle of"
    assert export_limit(tokens, answers) == 128
    short = ["it was going well"] * 30 + answers[30:]  # four words: only the limit tells
    got = reasons(short, tokens=tokens.tolist())
    assert got[:30] == ["token_limit"] * 30 and set(got[30:]) == {None}


def test_unpunctuated_only_where_the_data_punctuates_its_prose() -> None:
    prose = [f"The river number {i} flows into the sea near the old town." for i in range(60)]
    cut = "The river that flows past the mill joins the sea near the harbour town"
    got = reasons([*prose, cut])
    assert got[-1] == "unpunctuated" and set(got[:-1]) == {None}
    casual = [f"haha yeah we went to the lake {i} times lol" for i in range(60)]
    assert reasons([*casual, cut])[-1] is None  # unended endings are this data's style


def test_a_word_cut_that_no_english_word_is_but_begins_one() -> None:
    got = reasons(["The teacher gave the class a short and very clear explanat",
                   "The teacher gave the class a short and very clear explanation",
                   "Der Lehrer gab der Klasse eine kurze und sehr klare Erklaerun", VOCAB])
    assert got[0] == "mid_word"
    assert got[1] is None and got[2] is None  # a whole word; not English: not judged


def test_cut_copies_colons_bare_markers_and_list_items() -> None:
    template = "Restart your router, wait a minute, then connect again from settings."
    got = reasons([template, template, "Restart your router, wait a",
                   "Restart your router, wait a minute, then connect again from settings",
                   "Here's a generic function:",
                   "The steps are simple.\n\n1. Open the app.\n2.",
                   "Benefits:\n1. It saves a lot of time.\n2. It costs much less.\n"
                   "3. It makes the whole team work better together",
                   "I am but a", "and you?", "Here it is:\n```\nx = 1\n```", VOCAB])
    assert got[0] is None and got[1] is None
    assert got[2] in ("cut_copy", "dangling_word")  # "a" dangles too
    assert got[3] is None  # the same reply without its full stop is no cut (over 80 %)
    assert got[4:8] == ["dangling_word", "dangling_word", "unterminated", "dangling_word"]
    assert got[8:] == [None, None, None]
    longer = template.replace("Restart", "Try adjusting")
    assert reasons(["Try adjusting", longer])[0] == "cut_copy"  # two words, only the copy tells
