"""Truncated answers, read from the text rather than its last character.

A generation or export cut at a token limit leaves traces a reader sees at once; each is a
separate reason with its own measured precision (``severity.py``):

- ``unclosed_fence``: an odd number of ```` ``` ```` fences;
- ``unclosed_bracket``: a bracket or quote opened and never closed (``(``, ``[``, ``{``,
  ``"`` and curly quotes; emoticons such as ``:(`` are ignored);
- ``dangling_word``: the answer stops on a comma, colon, hyphen, an article, a conjunction
  or a preposition that cannot end an English sentence ("and", "the", "of", "with", ...);
- ``mid_word``: the last word appears nowhere else in the data set but is the beginning of
  a word that does ("prepa" of "preparation"), or, in an English answer, is no English word
  (wordfreq) but begins a common one ("explanat"): a cut inside a word;
- ``unterminated``: the last sentence lacks the full stop the answer's own style gives the
  others (several punctuated sentences or lines before it);
- ``unpunctuated``: a prose answer without final punctuation in a data set whose prose
  answers of that length end with it (``style_share``, at least ``STYLE_MIN_SHARE``):
  there the data's own style says the answer stopped early; chit-chat, where such
  endings are common, never gets it;
- ``token_limit``: many answers stop at exactly one token count at the top of the
  distribution (a ``max_tokens`` limit) without ending a sentence;
- ``too_short``: the prompt asks for a length ("in 300 words", "list 10 ...") and the answer
  has well under half of it.

Casual style is not truncation: an answer without a final full stop ("sure thing",
"i like it") is never flagged for that alone. Everything is per row or one pass over the
vocabulary: linear in rows.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

#: words that cannot end an English sentence (articles, conjunctions, prepositions that need
#: an object, auxiliaries of a clause that goes on)
DANGLING_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "nor", "because", "although", "though", "whereas",
    "while", "if", "unless", "than", "of", "with", "without", "from", "into", "onto", "upon",
    "between", "among", "towards", "toward", "via", "such", "my", "your", "our", "their",
    "its", "his", "whose", "which", "whom", "very", "also", "including", "especially",
    "namely", "e.g.", "i.e.", "like",
))
DANGLING_END = re.compile(r"(?:[,:;(\[{/\-–—]|\b\w+)$")
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
TERMINAL = re.compile(r"[.!?…)\]}\"'”’`*:;>|~]\s*$|[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*$"
                      r"|[:;=][\-']?[()\[\]DPpO3]\s*$")
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
REASONS = ("unclosed_fence", "unclosed_bracket", "dangling_word", "cut_copy", "mid_word",
           "unterminated", "unpunctuated", "token_limit", "too_short")
PAIRS = {")": "(", "]": "[", "}": "{"}
#: ":(" ";-)" "=]": not brackets
EMOTICON = re.compile(r"(?<![\w\d])[:;=][\-']?[()\[\]{}]")
#: a numbered or lettered list marker "1)" "a)": a closer without an opener
LIST_MARKER = re.compile(r"(?m)^\s*\w{1,3}\)")
#: answers of at least this many words are read for a cut word or a missing full stop
#: (shorter replies are conversation: "sure thing", "i like it")
MIN_WORDS = 5
#: ... and for a dangling end ("I am but a": a reply of three words cannot end on "a")
DANGLING_MIN_WORDS = 3
#: a last line that is only a list marker ("3.", "-"): the item never came
BARE_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[-*•])$")
#: lower-case chat ("if i could", "not much"): its own style has no full stops to miss
CASUAL = re.compile(r"^[a-z]|\bi(?:'m|'d|'ve)?\b")


def truncation_reasons(prompts: list[str], answers: list[str],
                       tokens: np.ndarray) -> list[str | None]:
    """The first reason each answer looks cut off, or ``None``."""
    vocabulary = _vocabulary(prompts + answers)
    prefixes = _prefixes(vocabulary)
    limit = export_limit(tokens, answers)
    share = style_share(answers)
    punctual = share is not None and share >= STYLE_MIN_SHARE
    whole = sorted({_squash(a) for a in answers})
    out: list[str | None] = []
    for prompt, answer, n_tokens in zip(prompts, answers, tokens.tolist(), strict=True):
        text = answer.rstrip()
        if not text:
            out.append(None)
            continue
        out.append(_reason(prompt, text, n_tokens, limit, vocabulary, prefixes, punctual,
                           whole))
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())


#: a cut copy keeps at most this share of the answer it copies
COPY_MAX_SHARE = 0.8


def cut_copy(text: str, whole: list[str]) -> bool:
    """The answer is the beginning of another answer of the data (a template or a repeated
    reply) that goes on well past it: a copy cut short. ``whole``: the data's answers,
    whitespace squashed, sorted (one binary search per answer)."""
    key = _squash(text)
    if len(key.split()) < 2:
        return False
    start = bisect.bisect_right(whole, key)
    for longer in whole[start:start + 20]:  # the answers that begin with it come first
        if not longer.startswith(key):
            return False
        if len(key) <= COPY_MAX_SHARE * len(longer):
            return True
    return False


def _reason(prompt: str, text: str, n_tokens: int, limit: int | None,
            vocabulary: Counter[str], prefixes: set[str], punctual: bool,
            whole: list[str]) -> str | None:
    if text.count("```") % 2 == 1:
        return "unclosed_fence"
    if _unclosed(text):
        return "unclosed_bracket"
    ended = TERMINAL.search(text) is not None
    words = text.split()
    if len(words) >= DANGLING_MIN_WORDS and _dangling(text, words, ended):
        return "dangling_word"
    if not ended and cut_copy(text, whole):
        return "cut_copy"
    if len(words) >= MIN_WORDS and not ended:
        if _cut_word(words[-1], vocabulary, prefixes, text):
            return "mid_word"
        if _unterminated(text):
            return "unterminated"
        if punctual and len(words) >= STYLE_MIN_WORDS and _prose_end(text) \
                and not CASUAL.search(text):
            return "unpunctuated"
    if limit is not None and n_tokens == limit and not ended:
        return "token_limit"
    if _too_short(prompt, text):
        return "too_short"
    return None


def _dangling(text: str, words: list[str], ended: bool) -> bool:
    """The answer stops on a word or mark that cannot end it: a conjunction, an article, a
    comma; a colon announcing what never follows; a list marker with no item after it."""
    last_line = text.splitlines()[-1].strip()
    if BARE_MARKER.match(last_line) and len(words) >= MIN_WORDS:
        return True
    if text.endswith(":") and "\n" not in text and len(words) >= DANGLING_MIN_WORDS:
        return True  # "Here's a generic function:" and nothing after
    if ended or "://" in words[-1]:
        return False
    last = DANGLING_END.search(text)
    if last is None:
        return False
    end = last.group(0)
    return not end[0].isalnum() or end.lower() in DANGLING_WORDS


def _unclosed(text: str) -> bool:
    """A bracket or a double quote still open at the end (outside code fences)."""
    if "```" in text:
        return False  # code is read by the fence rule; its brackets are the code's business
    plain = LIST_MARKER.sub(" ", EMOTICON.sub(" ", text))
    depth: list[str] = []
    for ch in plain:
        if ch in "([{":
            depth.append(ch)
        elif ch in PAIRS:
            if depth and depth[-1] == PAIRS[ch]:
                depth.pop()
            elif PAIRS[ch] in depth:  # a skipped closer: resynchronise on the nearest opener
                while depth and depth.pop() != PAIRS[ch]:
                    pass
    if depth and len(plain) - plain.rfind(depth[-1]) < 400:
        return True
    quotes = plain.count('"') + plain.count("\u201c") + plain.count("\u201d")
    return quotes % 2 == 1 and max(plain.rfind('"'), plain.rfind("\u201c")) > len(plain) * 0.5


SENTENCE_END = re.compile(r"[.!?…:](?:[\"')\]”’*]*)(?:\s|$)")
LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•+]|[a-z][.)])\s")
#: a final token that is not prose: a number or unit, a hashtag, a handle, a URL, code
NOT_PROSE = re.compile(r"\d|^[#@]|://|^www\.|[`<>{}=]")
#: a quotation's attribution ('... -C.S. Lewis')
ATTRIBUTION = re.compile(r"\s[-–—]\s?[A-Z][\w.]*(?:\s[A-Z][\w.]*)*\s*$")
HEADING = re.compile(r"^\s*(?:#+\s|[-*•]\s*\S+\s*$|\S+:\s*$|https?://\S+\s*$)")


def _prose_end(text: str, min_words: int = 4) -> bool:
    """The last line is a prose sentence of ``min_words`` or more (not a heading, list item,
    number, URL, code or a quotation's attribution): one that would carry punctuation."""
    last = [ln.strip() for ln in text.splitlines() if ln.strip()][-1]
    words = last.split()
    return not (len(words) < min_words or HEADING.match(last) or LIST_ITEM.match(last)
                or NOT_PROSE.search(words[-1]) or ATTRIBUTION.search(last))


#: ``unpunctuated`` needs this share of the data's prose answers ending in punctuation...
STYLE_MIN_SHARE = 0.9
#: ... read on at least this many prose answers of ``MIN_WORDS`` words or more; it judges
#: answers of ``STYLE_MIN_WORDS`` or more (shorter ones are a remark more often than a cut)
STYLE_MIN_ANSWERS = 50
STYLE_MIN_WORDS = 8


def style_share(answers: list[str]) -> float | None:
    """Share of the data's prose answers (``MIN_WORDS`` words or more, a prose last line)
    that end with terminal punctuation; ``None`` when too few answers tell."""
    ended = total = 0
    for answer in answers:
        text = answer.rstrip()
        if len(text.split()) < MIN_WORDS or not _prose_end(text):
            continue
        total += 1
        ended += TERMINAL.search(text) is not None
    return ended / total if total >= STYLE_MIN_ANSWERS else None


def _unterminated(text: str) -> bool:
    """The last sentence lacks the final punctuation the answer's own style gives every
    other one: several sentences or lines ending in punctuation before it, none after; or
    the last item of a list whose other items end in a full stop."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    last = lines[-1]
    earlier = lines[:-1]
    if LIST_ITEM.match(last):
        items = [ln for ln in earlier if LIST_ITEM.match(ln)]
        body = LIST_ITEM.sub("", last).split()
        return (len(items) >= 2 and len(body) >= 4 and not NOT_PROSE.search(body[-1])
                and sum(SENTENCE_END.search(ln + " ") is not None and ln.rstrip()[-1] in ".!?"
                        for ln in items) >= 0.8 * len(items))
    if not _prose_end(text):
        return False
    if len(earlier) >= 2:
        ended = sum(TERMINAL.search(ln) is not None for ln in earlier)
        return ended >= 0.8 * len(earlier)
    return len(SENTENCE_END.findall(last)) >= 2


def _cut_word(last: str, vocabulary: Counter[str], prefixes: set[str], text: str) -> bool:
    if not last.isalpha() or len(last) < 3:
        return False
    word = last.lower()
    if vocabulary.get(word, 0) > 1:
        return False
    return word in prefixes or _english_cut(word, text)


#: a last word below this Zipf frequency (wordfreq, English) is no English word
NOT_A_WORD_ZIPF = 1.0
#: an answer is English when this share of its last ``ENGLISH_WINDOW`` words are common
#: English words (Zipf 3 or more): the only answers the English word list may judge
ENGLISH_SHARE = 0.6
ENGLISH_WINDOW = 30
#: the English words (most frequent first) whose beginnings count as cut words
ENGLISH_WORDS = 50_000


def _english_cut(word: str, text: str) -> bool:
    """In an English answer, a last word that is no English word but begins a common one."""
    from wordfreq import zipf_frequency

    if zipf_frequency(word, "en") >= NOT_A_WORD_ZIPF or not _begins_english_word(word):
        return False
    context = [w.lower() for w in WORD.findall(text)[-ENGLISH_WINDOW:-1]]
    common = sum(zipf_frequency(w, "en") >= 3.0 for w in context)
    return bool(context) and common >= ENGLISH_SHARE * len(context)


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


def _too_short(prompt: str, text: str) -> bool:
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


def _vocabulary(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(w.lower() for w in WORD.findall(t))
    return counts


#: vocabulary words used for the prefix set (most frequent first): bounded memory
MAX_VOCABULARY = 60_000


def _prefixes(vocabulary: Counter[str]) -> set[str]:
    """Proper prefixes (3+ letters) of words seen at least twice."""
    out: set[str] = set()
    for word, count in vocabulary.most_common(MAX_VOCABULARY):
        if count < 2:
            break
        out.update(word[:k] for k in range(3, min(len(word), 16)))
    return out


def export_limit(tokens: np.ndarray, answers: list[str]) -> int | None:
    """A token count at the top of the distribution that many answers stop at exactly,
    mostly mid-sentence: the signature of ``max_tokens`` in a generation or export."""
    if len(tokens) < 20:
        return None
    values, counts = np.unique(tokens, return_counts=True)
    big = int(np.argmax(counts))
    value, count = int(values[big]), int(counts[big])
    if count < max(5, 0.005 * len(tokens)) or value < 8:
        return None
    near = counts[(values >= value - 10) & (values <= value + 10) & (values != value)]
    typical = float(near.mean()) if len(near) else 0.0
    if count < 5 * max(typical, 1.0):
        return None
    at = [a for a, t in zip(answers, tokens.tolist(), strict=True) if t == value]
    unended = sum(TERMINAL.search(a.rstrip()) is None for a in at)
    return value if unended >= 0.5 * len(at) else None
