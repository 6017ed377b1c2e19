"""The English-only parts of the truncation rules: a lexicon, wordfreq's English word list and
the English phrasings of a requested length.

Each reads English and nothing else, so ``truncation`` asks them only about rows whose answer
(or, for a requested length, prompt) ``Evidence.languages`` reads as English (or leaves
unknown in a data set whose main language is English); the check counts the rows they did
not read (``english_only_skipped``).
"""

from __future__ import annotations

import bisect
import functools
import re

#: words that cannot end an English sentence (articles, conjunctions, prepositions that need
#: an object): read only where the data has too few uses of the word to say (``endings``)
DANGLING_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "nor", "because", "although", "whereas", "if",
    "unless", "than", "of", "with", "without", "from", "into", "onto", "upon", "between",
    "among", "towards", "toward", "via", "my", "your", "our", "their", "its", "whose",
    "including", "especially", "namely",
))
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
#: a last word below this Zipf frequency (wordfreq, English) is no English word
NOT_A_WORD_ZIPF = 1.0
#: an answer is English when this share of its last ``ENGLISH_WINDOW`` words are common
#: English words (Zipf 3 or more): the only answers the English word list may judge
ENGLISH_SHARE = 0.6
ENGLISH_WINDOW = 30
#: the English words (most frequent first) whose beginnings count as cut words
ENGLISH_WORDS = 50_000
#: "in 300 words", "at least 200 words"
ASK_WORDS = re.compile(r"\b(?:in|of|at least|about|around|approximately|roughly)\s+(\d{2,4})"
                       r"\s*(?:-|to)?\s*(?:\d{2,4}\s*)?words\b", re.IGNORECASE)
NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20}
ASK_ITEMS = re.compile(r"\b(?:list|give|name|provide|write|generate|suggest|describe|create)\b"
                       r"[^.?!\n]{0,40}?\b(\d{1,2}|three|four|five|six|seven|eight|nine|ten|"
                       r"twelve|fifteen|twenty)\s+(?:\w+\s+){0,2}(?:items|things|ways|examples|"
                       r"tips|reasons|steps|ideas|sentences|points|facts|questions|words|"
                       r"names|benefits|advantages|types|methods|strategies)\b", re.IGNORECASE)


def english_cut(word: str, text: str) -> bool:
    """In an English answer, a last word that is no English word but begins a common one
    ("explanat")."""
    if not word.isalpha() or len(word) < 3 or not _no_word_but_begins_one(word):
        return False
    context = [w.lower() for w in WORD.findall(text)[-ENGLISH_WINDOW:-1]]
    common = sum(_zipf(w) >= 3.0 for w in context)
    return bool(context) and common >= ENGLISH_SHARE * len(context)


@functools.lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@functools.lru_cache(maxsize=200_000)
def _no_word_but_begins_one(word: str) -> bool:
    return _zipf(word) < NOT_A_WORD_ZIPF and _begins_english_word(word)


def _begins_english_word(word: str) -> bool:
    """``word`` is the proper beginning of one of wordfreq's most common English words (one
    binary search in the sorted list)."""
    words = _english_words()
    at = bisect.bisect_right(words, word)
    return at < len(words) and words[at].startswith(word)


@functools.lru_cache(maxsize=1)
def _english_words() -> list[str]:
    """wordfreq's ``ENGLISH_WORDS`` most common English words (letters only), sorted."""
    from wordfreq import top_n_list

    return sorted(w for w in top_n_list("en", ENGLISH_WORDS) if w.isalpha())


def too_short(prompt: str, text: str) -> bool:
    """The prompt asks for a length ("in 300 words", "list 10 ...") and the answer has well
    under half of it."""
    n_words = len(text.split())
    asked = ASK_WORDS.search(prompt)
    if asked and n_words < 0.35 * int(asked.group(1)):
        return True
    items = ASK_ITEMS.search(prompt)
    if not items:
        return False
    want = NUMBERS.get(items.group(1).lower()) or int(items.group(1))
    if want < 3:
        return False
    parts = max(len([ln for ln in text.splitlines() if ln.strip()]),
                len(re.findall(r"[.!?;](?:\s|$)", text)), text.count(",") + 1)
    return parts < want / 2 and n_words < 4 * want
