"""Language of prompts and answers: mismatches and the data set's language mix.

Languages are read once per audit by ``tuneready.evidence.languages`` (py3langid, offline; a
text too short or unsure gets none). An answer is a mismatch when it is confidently in one
language and its prompt in another, unless:

- the answer is mostly code (``code``): a Python function answering a Chinese prompt is
  code, not English; an answer with some code is judged by its prose alone;
- the two are close relatives that the identifier confuses (``RELATED``: Chinese and its
  Wu and Cantonese readings, Malay and Indonesian, Bokmål, Nynorsk and Danish, ...);
- the prompt names a language or asks for a translation (in English, Chinese, Japanese,
  Spanish, French, German, Italian, Portuguese or Russian);
- part of the prompt (a line or paragraph) is itself in the answer's language: the text to
  work on ("Rewrite this sentence: ..."), or a word the prompt quotes in the answer's script
  (a Chinese instruction to use "opulent" in a sentence);
- the prompt is mostly code: its language is read from its prose alone;
- the answer is in the language most of the data's answers are in: a prompt in another
  language answered in the data's own language is how a data set of that language answers
  (a Chinese tool-use set answering an English line in Chinese).

A prompt too short to tell takes the data set's main language only when the data is nearly
monolingual (``MONOLINGUAL``): in a set mixing languages, a short prompt says nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tuneready.checks.answers.code import code_lines, is_code, prose
from tuneready.evidence.languages import Languages, identify, word_count

ASKS_LANGUAGE = re.compile(
    r"\b(?:translat\w*|in (?:french|german|spanish|italian|portuguese|dutch|chinese|japanese|"
    r"korean|russian|arabic|hindi|swedish|polish|turkish|latin|english)|language|"
    r"français|deutsch|español|tradu\w+|übersetz\w*|traduc\w*|перев\w+|английск\w*)\b"
    r"|翻译|翻譯|翻訳|英文|英语|英語|中文|汉语|日语|日本語|法语|德语|西班牙语|韩语|俄语",
    re.IGNORECASE)
#: languages py3langid confuses with each other on short or informal text
RELATED = (frozenset({"zh", "wuu", "yue"}), frozenset({"id", "ms"}),
           frozenset({"no", "nn", "da"}), frozenset({"hr", "sr", "bs"}),
           frozenset({"ar", "ary", "arz"}), frozenset({"en", "pcm"}),
           frozenset({"es", "gl", "an", "ext"}), frozenset({"pt", "gl"}),
           frozenset({"ca", "oc"}), frozenset({"it", "vec", "lij"}),
           frozenset({"hi", "mr", "ne", "sa", "gom"}), frozenset({"tr", "crh", "az"}))
#: the main language stands in for a prompt too short to tell when at least this share of
#: the identified texts is in it
MONOLINGUAL = 0.9
#: a line of the prompt long enough to read on its own
PART_MIN_WORDS = 5


def same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in RELATED)


@dataclass
class LanguageReading:
    #: (position, prompt language, answer language) of each mismatch
    wrong: list[tuple[int, str, str]] = field(default_factory=list)
    #: answers per language (``"unknown"``: too short or unsure)
    mix: dict[str, int] = field(default_factory=dict)
    #: answers not judged because they are mostly code
    code_answers: int = 0
    #: whether a too-short prompt took the data's main language
    main_stands_in: bool = False


def mismatches(prompts: list[str], answers: list[str], languages: Languages,
               min_confidence: float) -> LanguageReading:
    """Each mismatch, and the answers' language counts (``min_confidence``: the
    normalised probability a code answer's prose or a prompt's line needs)."""
    mix = Counter(lang or "unknown" for lang in languages.target)
    known = Counter(lang for lang in languages.target if lang)
    answers_main = next((k for k, v in known.most_common(1) if v >= 0.5 * sum(known.values())),
                        None)
    main = languages.main
    share = languages.share(main) if main else None
    out = LanguageReading(mix=dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
                          main_stands_in=share is not None and share >= MONOLINGUAL)
    for i, (p, a) in enumerate(zip(languages.input, languages.target, strict=True)):
        if p and any(code_lines(prompts[i])):  # the prompt's prose, not its code
            p = identify([prose(prompts[i])], min_confidence)[0]
        expected = p or (main if out.main_stands_in else None)
        if not a or not expected or "zxx" in (a, expected) or same_language(a, expected) \
                or (answers_main is not None and same_language(a, answers_main)):
            continue
        answer = answers[i]
        if is_code(answer):
            out.code_answers += 1
            continue
        if any(code_lines(answer)):  # judge the prose around the code
            a = identify([prose(answer)], min_confidence)[0]
            if not a or same_language(a, expected):
                continue
        if ASKS_LANGUAGE.search(prompts[i]) or _prompt_has(prompts[i], a, min_confidence) \
                or _quotes_latin(prompts[i], a, expected):
            continue
        out.wrong.append((i, expected, a))
    return out


#: a quoted word or phrase in Latin letters ("“opulent”", "'do away with'")
QUOTED_LATIN = re.compile(r"[\"“‘'「『]\s*[A-Za-z][A-Za-z' -]{1,60}[\"”’'」』]")
#: languages written in other scripts than the Latin alphabet
NON_LATIN = frozenset({"zh", "wuu", "yue", "ja", "ko", "ru", "uk", "bg", "be", "mk", "sr",
                       "el", "he", "ar", "fa", "hi", "mr", "ne", "bn", "ta", "te", "th"})


def _quotes_latin(prompt: str, answer_language: str, expected: str) -> bool:
    """A prompt in a non-Latin script quoting words in Latin letters, answered in a language
    written in them: the quoted words may be what the answer is to use."""
    return expected in NON_LATIN and answer_language not in NON_LATIN \
        and QUOTED_LATIN.search(prompt) is not None


def _prompt_has(prompt: str, language: str, min_confidence: float) -> bool:
    """A line or paragraph of the prompt is in ``language`` (the text to work on)."""
    parts = [ln.strip() for ln in prompt.splitlines() if word_count(ln) >= PART_MIN_WORDS]
    if len(parts) < 2 and not re.search(r"[\"“”「」『』:：]", prompt):
        return False
    quoted = re.findall(r"[\"“「『]([^\"”」』]{8,})[\"”」』]|[:：]\s*(.{8,})$", prompt)
    parts += [q for pair in quoted for q in pair if q and word_count(q) >= PART_MIN_WORDS]
    return any(lang and same_language(lang, language)
               for lang in identify(parts, min(min_confidence, 0.5)))
