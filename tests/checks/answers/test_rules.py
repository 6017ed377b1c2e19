"""Refusals (an inability, not an apology or a persona), echoes, canned replies, languages."""

from __future__ import annotations

from tuneready.checks.answers.canned import canned_groups
from tuneready.checks.answers.language import mismatches
from tuneready.checks.answers.rules import echoes, refusals
from tuneready.evidence.languages import detect


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


def test_saying_what_one_cannot_do_in_conversation_is_no_refusal() -> None:
    """Issue 26: a speaker in casual chat, not the assistant declining the request."""
    chat_lines = ["I can't say I have tried almond butter", "so i can't say much",
                  "I refuse to believe I've been doing it wrong", "i can't help myself.",
                  "i can't make it out?", "sorry, i can't make it tonight",
                  "and i won't tell anyone who you are.", "i can't say that i blame you",
                  "We can't help it, we love the place."]
    declined = ["I can't share that.", "I refuse to answer that question.",
                "I have to refuse this request.", "I'd rather not answer that one.",
                "Regrettably, this falls outside of what I can do for you."]
    assert not refusals(chat_lines).any()
    assert refusals(declined).all()


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


def language_of(prompts: list[str], answers: list[str]) -> list[tuple[int, str, str]]:
    return mismatches(prompts, answers, detect(prompts, answers), 0.9).wrong


def test_language_mismatch_and_mix() -> None:
    prompts = ["How do I open the settings menu on my phone?"] * 5 + [
        "Translate into French: good morning, how are you today?"]
    answers = ["Open the app drawer and tap the gear icon to see the settings."] * 3 + [
               "Ouvrez le menu, puis choisissez les paramètres de votre téléphone.",
               "ok", "Bonjour, comment allez-vous aujourd'hui mon ami?"]
    reading = mismatches(prompts, answers, detect(prompts, answers), 0.9)
    assert reading.wrong == [(3, "en", "fr")]
    assert reading.mix["fr"] == 2 and reading.mix["unknown"] == 1


def test_code_answering_a_chinese_prompt_is_no_other_language() -> None:
    prompts = ["请编写一个函数，计算列表中所有数字的总和，并且返回这个结果。函数应该能够处理空列表"
               "的情况，这时候返回零。请在代码中加上必要的注释，方便别人阅读和理解。"] * 2
    code = ("def total(numbers):\n    result = 0\n    for n in numbers:\n"
            "        result += n\n    return result\n")
    english = "The function adds every number of the list and then returns the total sum."
    chinese = ("这个函数首先把结果设为零，然后依次把列表中的每一个数字加到结果上，最后返回总和。"
               "如果列表是空的，函数就直接返回零。")
    fenced = "```python\n" + code + "```"
    got = language_of(prompts + prompts[:1] * 4, [code, english, fenced] + [chinese] * 3)
    assert got == [(1, "zh", "en")]


def test_text_to_work_on_is_no_mismatch() -> None:
    ask = ("请用几句话介绍长城的历史，说明它是在什么时候修建的，以及它在中国文化中有什么样的意义和"
           "地位。回答要简洁明了，适合中学生阅读。")
    reply = ("这个函数首先把结果设为零，然后依次把列表中的每一个数字加到结果上，最后返回总和。"
             "如果列表是空的，函数就直接返回零。")  # (a reply read as Chinese at 0.9)
    rewrite = ("请把下面这段英文改写得更加正式，保持原来的意思不变，不要增加新的内容。\n\n"
               "The meeting got moved to next week because of the storm, sorry about that.")
    prompts = [ask] * 10 + [rewrite, ask]
    answers = [reply] * 10 + [
        "The meeting has been rescheduled to next week owing to the storm; we apologise.",
        "The Great Wall was begun in the Warring States period and joined under the Qin."]
    assert language_of(prompts, answers) == [(11, "zh", "en")]


def test_a_short_prompt_in_mixed_data_takes_no_main_language() -> None:
    prompts = ["Hola", "Bonjour", "Hallo", "Ciao"] * 5
    answers = ["Hola, ¿cómo estás hoy? Espero que todo vaya muy bien.",
               "Bonjour, comment allez-vous aujourd'hui? Tout va bien ici.",
               "Hallo, wie geht es dir heute? Hier ist alles in Ordnung.",
               "Ciao, come stai oggi? Qui va tutto molto bene, grazie."] * 5
    assert language_of(prompts, answers) == []


def test_an_answer_in_the_data_s_own_language_is_no_mismatch() -> None:
    """A Chinese data set answering an English line in Chinese answers as it means to."""
    ask = ("请用几句话介绍长城的历史，说明它是在什么时候修建的，以及它在中国文化中有什么样的意义和"
           "地位。回答要简洁明了，适合中学生阅读。")
    reply = ("这个函数首先把结果设为零，然后依次把列表中的每一个数字加到结果上，最后返回总和。"
             "如果列表是空的，函数就直接返回零。")
    english = "The ice crystals, formed through sublimation, sparkled in the frosty moonlight."
    assert language_of([ask] * 5 + [english], [reply] * 6) == []
