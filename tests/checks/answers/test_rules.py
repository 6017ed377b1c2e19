"""Refusals (an inability, not an apology or a persona), echoes, canned replies, languages."""

from __future__ import annotations

from tuneready.checks.answers.canned import canned_groups
from tuneready.checks.answers.language import mismatches
from tuneready.checks.answers.rules import echoes, refusals


def test_refusals_and_what_is_not_one() -> None:
    yes = ["I'm sorry, but I can't help with that request.",
           "As an AI language model, I cannot browse the internet.",
           "I'm afraid I can't do that.", "That is beyond my capabilities.",
           "I'm not allowed to discuss that.", "I must decline this request.",
           "Unfortunately, I don't have access to real-time data."]
    no = ["I'm sorry, I didn't mean to make you angry.", "I'm a computer, I can't eat.",
          "I will not succeed.", "Friend: I can't believe it's you!", "Sorry for the wait! "
          "Here is the recipe.", "As an AI assistant developed by Acme, I am called Max."]
    assert refusals(yes).all()
    assert not refusals(no).any()


def test_echoes_need_three_words() -> None:
    got = echoes(["repeat after me please", "hi", "what is two plus two"],
                 ["repeat after me please", "hi", "four"], 0.9)
    assert got.tolist() == [True, False, False]


def test_canned_reply_to_many_prompts_with_a_name_varied() -> None:
    prompts = [f"question number {w}" for w in "abcdefghij"] + ["thanks"] * 3
    answers = [f"Thank you for reaching out, {n}! We will get back to you within a day."
               for n in ("Alex", "Sam", "Kim", "Lee", "Max", "Ann", "Bo")]
    answers += [f"a real answer about {w} and its details here" for w in "hij"]
    answers += ["You are welcome, glad I could help with that today."] * 3
    groups = canned_groups(prompts, answers, min_prompts=5)
    assert groups == [list(range(7))]


def test_home_prompt_copies_are_not_the_template() -> None:
    prompts = ["my mouse is broken"] * 20 + [f"other question {i}" for i in range(3)]
    answers = ["Try plugging it into another USB port or changing the batteries."] * 23
    assert canned_groups(prompts, answers, min_prompts=5) == []


def test_language_mismatch_and_mix() -> None:
    prompts = ["How do I open the settings menu on my phone?"] * 3 + [
        "Translate into French: good morning, how are you today?"]
    answers = ["Open the app drawer and tap the gear icon to see the settings.",
               "Ouvrez le menu, puis choisissez les paramètres de votre téléphone.",
               "ok", "Bonjour, comment allez-vous aujourd'hui mon ami?"]
    wrong, mix = mismatches(prompts, answers, 0.9)
    assert [(p, exp, got) for p, exp, got in wrong] == [(1, "en", "fr")]
    assert mix["fr"] == 2 and mix["unknown"] == 1
