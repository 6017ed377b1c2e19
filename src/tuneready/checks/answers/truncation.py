"""Truncated answers, read from evidence of a cut rather than from a missing full stop.

A generation or export cut at a token limit leaves traces a reader sees at once; each is a
separate reason (finding type ``truncated.<reason>``):

- ``unclosed_fence``: an odd number of ```` ``` ```` fences;
- ``unclosed_bracket``: a bracket or double quote opened near the end and never closed
  (emoticons such as ``:(`` and list markers ``1)`` are ignored; in code, brackets inside
  string literals and comments are not counted);
- ``dangling_word``: the answer stops on a comma, a hyphen or an opening bracket; a single
  line ending on a colon; a bare list marker ("3."); or a word this data's sentences go on
  after and (almost) never end on (``endings``: "stay in the", "y luego de"; learned from
  the data, in any language; for English rows with too few uses of the word in the data to
  tell, an English lexicon of articles, conjunctions and prepositions);
- ``cut_copy``: the beginning of another answer of the data, cut inside one of its words, or
  at a word boundary of a reply the data repeats;
- ``mid_word``: the last word is the beginning of longer words of the data and is almost
  never used alone (``endings``), or, in English rows, is no English word of wordfreq's list
  but begins a common one ("explanat");
- ``token_limit``: many distinct answers stop at exactly one token count at the top of the
  distribution (a ``max_tokens`` limit) without ending a sentence;
- ``too_short``: an English prompt asks for a length ("in 300 words", "list 10 ...") and the
  answer has well under half of it.

A missing full stop alone is never a reason: in casual chat many complete replies end without
one ("i don't know you"), and how many do is a matter of style, not of truncation. So an
answer without terminal punctuation is flagged only with evidence that does not depend on
style: a cut word, a word sentences do not end on, an unclosed structure, a cut copy, a
pile-up at one token count. Code answers (``code``) are read only for their structure.
Everything is per row, or one pass over the answers: linear in rows.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tuneready.checks.answers import english
from tuneready.checks.answers.code import is_code
from tuneready.checks.answers.endings import (
    GOES_ON_MIN,
    LEVELS,
    MIN_COMPLETE,
    Calibration,
    Endings,
    calibrate,
    final_word,
    last_token,
    learn,
)
from tuneready.evidence.languages import word_count

TERMINAL = re.compile(r"[.!?…)\]}\"'”’`*:;>|~。！？）」』：；]\s*$"
                      r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*$|[:;=][\-']?[()\[\]DPpO3]\s*$")
#: an answer that trails off ("well, i thought..."): neither complete nor open
TRAILING_DOTS = re.compile(r"(?:\.\.|…|--|—)\W*$")
#: a last mark that cannot end an answer: a comma, a hyphen or dash, an opening bracket
DANGLING_MARK = re.compile(r"[,(\[{/\-–—、，]\s*$")
REASONS = ("unclosed_fence", "unclosed_bracket", "dangling_word", "cut_copy", "mid_word",
           "token_limit", "too_short")
PAIRS = {")": "(", "]": "[", "}": "{"}
#: ":(" ";-)" "=]": not brackets
EMOTICON = re.compile(r"(?<![\w\d])[:;=][\-']?[()\[\]{}]")
#: a numbered or lettered list marker "1)" "a)": a closer without an opener
LIST_MARKER = re.compile(r"(?m)^\s*\w{1,3}\)")
#: string literals and comments of code: their brackets are text
CODE_TEXT = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
                       r"|(?:^|(?<=[;{}]))\s*//[^\n]*", re.MULTILINE)
#: answers of at least this many words (a CJK character counts as one) are read for a cut
#: or dangling word ("I am but a": three words cannot end on "a"; "Hi" is a whole reply)
MIN_WORDS = 3
#: ... and for a word wordfreq does not know
ENGLISH_MIN_WORDS = 5
#: a last line that is only a list marker ("3.", "-"): the item never came
BARE_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[-*•])$")
#: a cut copy keeps at most this share of the answer it copies
COPY_MAX_SHARE = 0.8


@dataclass
class Reading:
    """Each answer's first truncation reason (``None``: none), and what was read how."""

    reasons: list[str | None]
    #: answers the English-only parts (lexicon, wordfreq) did not read
    english_skipped: int
    #: answers read as code (only their structure is read)
    code_rows: int
    #: punctuated sentence ends the data's endings were learned from
    sentences: int
    #: what the cut-word and continuation-word rules measured on this data's complete
    #: answers, and the level each used (``endings.calibrate``)
    calibration: dict[str, Calibration] = field(default_factory=dict)


@dataclass(frozen=True)
class _Word:
    """An answer's last word, as the word rules read it."""

    token: str
    english: bool
    text: str


def truncation_reasons(prompts: list[str], answers: list[str], tokens: np.ndarray,
                       min_precision: float, english_answers: Sequence[bool] | None = None,
                       english_prompts: Sequence[bool] | None = None) -> list[str | None]:
    """The first reason each answer looks cut off, or ``None`` (``english_*``: rows the
    English-only rules may read; all of them when not given)."""
    return read(prompts, answers, tokens, min_precision, english_answers,
                english_prompts).reasons


def read(prompts: list[str], answers: list[str], tokens: np.ndarray, min_precision: float,
         english_answers: Sequence[bool] | None = None,
         english_prompts: Sequence[bool] | None = None) -> Reading:
    """Every answer's truncation reason. ``min_precision``: the share of its flags the word
    rules must be estimated to get right on this data (``endings.calibrate``) to flag."""
    n = len(answers)
    eng_a = list(english_answers) if english_answers is not None else [True] * n
    eng_p = list(english_prompts) if english_prompts is not None else [True] * n
    endings = learn(answers)
    squashed = [_squash(a) for a in answers]
    counts = Counter(squashed)
    whole = sorted(counts)
    texts = [a.rstrip() for a in answers]
    code = [bool(t) and is_code(t) for t in texts]
    out: list[str | None] = [None] * n
    open_words: dict[int, _Word] = {}
    complete: list[_Word] = []
    for i, text in enumerate(texts):
        if text:
            out[i] = _structure(text, code[i], whole, counts, open_words, complete, i,
                                eng_a[i])
    calibration = _word_rules(out, open_words, complete, endings, min_precision)
    limit = export_limit(tokens, answers)
    for i, text in enumerate(texts):
        if text and out[i] is None:
            out[i] = _late(prompts[i], text, int(tokens[i]), limit, eng_p[i])
    skipped = sum(1 for a, e in zip(answers, eng_a, strict=True) if a.strip() and not e)
    return Reading(out, skipped, sum(code), endings.sentences, calibration)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _structure(text: str, code: bool, whole: list[str], counts: Counter[str],
               open_words: dict[int, _Word], complete: list[_Word], i: int,
               eng: bool) -> str | None:
    """The reasons that need nothing but the answer and its copies; an answer left open
    (no terminal punctuation) or complete is kept for the word rules."""
    if text.count("```") % 2 == 1:
        return "unclosed_fence"
    if _unclosed(text, code):
        return "unclosed_bracket"
    ended = TERMINAL.search(text) is not None
    if not ended and cut_copy(text, whole, counts):
        return "cut_copy"
    if code or word_count(text) < MIN_WORDS:
        return None
    if not ended and DANGLING_MARK.search(text) and "://" not in text.split()[-1]:
        return "dangling_word"
    raw = last_token(text) if not ended else final_word(text)
    if raw is None or (raw[:1].isupper() and not text.isupper()):
        return None  # a name or another capitalised word ends many a complete answer
    word = _Word(raw.lower(), eng, text)
    if ended:
        if not TRAILING_DOTS.search(text):  # "i thought the..." trails off: not complete
            complete.append(word)
    else:
        open_words[i] = word
    return None


def _word_rules(out: list[str | None], open_words: dict[int, _Word],
                complete: list[_Word], endings: Endings, min_precision: float
                ) -> dict[str, Calibration]:
    """Cut words, then continuation words, each at the level its calibration on this
    data's complete answers allows. With too few complete answers to calibrate (a small
    data set), only the English lexicon and word list read English rows: an answer ending
    on "and" or "explanat" is cut whatever the style."""
    def cut(w: _Word, level: float, own: int) -> bool:
        return endings.cut_word(w.token, level, own) or _english_cut(w)

    def goes_on(w: _Word, level: float, own: int) -> bool:
        return endings.continues(w.token, level, own) or _english_dangling(w, endings, own)

    result: dict[str, Calibration] = {}
    left = dict(open_words)
    for name, rule, prior, reason in (
            ("cut_word", cut, _english_cut, "mid_word"),
            ("continues", goes_on, lambda w: _english_dangling(w, endings, 0),
             "dangling_word")):
        found = calibrate(rule, LEVELS[name], complete, list(left.values()), min_precision)
        result[name] = found
        uncalibrated = found.complete < MIN_COMPLETE
        for i, word in list(left.items()):
            if (rule(word, found.level, 0) if found.level is not None
                    else uncalibrated and prior(word)):
                out[i] = reason
                del left[i]
    return result


def _english_cut(w: _Word) -> bool:
    return w.english and word_count(w.text) >= ENGLISH_MIN_WORDS \
        and english.english_cut(w.token, w.text)


def _english_dangling(w: _Word, endings: Endings, own: int) -> bool:
    """An English article, conjunction or preposition the data uses too rarely to judge."""
    sparse = endings.goes_on.get(w.token, 0) < GOES_ON_MIN \
        and endings.ends.get(w.token, 0) <= own
    return w.english and sparse and w.token in english.DANGLING_WORDS


def _late(prompt: str, text: str, n_tokens: int, limit: int | None,
          eng_prompt: bool) -> str | None:
    ended = TERMINAL.search(text) is not None
    if _dangling_line(text, word_count(text), ended):
        return "dangling_word"
    if limit is not None and n_tokens == limit and not ended:
        return "token_limit"
    if eng_prompt and english.too_short(prompt, text):
        return "too_short"
    return None


def _dangling_line(text: str, n_words: int, ended: bool) -> bool:
    """A bare list marker as the last line, or one line ending on a colon with nothing
    after it ("Here's a generic function:")."""
    last_line = text.splitlines()[-1].strip()
    if BARE_MARKER.match(last_line) and n_words >= 5:
        return True
    return text.endswith(":") and "\n" not in text and n_words >= MIN_WORDS


def cut_copy(text: str, whole: list[str], counts: Counter[str]) -> bool:
    """The answer is the beginning of another answer of the data that goes on well past it,
    cut inside one of that answer's words, or at a word boundary when the data gives the
    longer answer more than once (a repeated reply) and this one only once. ``whole``: the
    data's distinct answers, whitespace squashed, sorted (one binary search per answer).
    A cut right before a comma or a full stop of the longer answer could be a shorter
    complete reply ("Sto bene" of "Sto bene, grazie."): not a cut copy."""
    key = _squash(text)
    words = key.split()
    if len(words) < 2 or counts.get(key, 0) > 1:
        return False
    start = bisect.bisect_right(whole, key)
    for longer in whole[start:start + 20]:  # the answers that begin with it come first
        if not longer.startswith(key):
            return False
        if len(key) > COPY_MAX_SHARE * len(longer):
            continue
        after = longer[len(key)]
        if key[-1].isalnum() and after.isalnum():
            return True
        if after.isspace() and len(words) >= 3 and counts[longer] >= 2:
            return True
    return False


def _unclosed(text: str, code: bool) -> bool:
    """A bracket or a double quote still open at the end (outside code fences; in code,
    outside string literals and comments)."""
    if "```" in text:
        return False  # code is read by the fence rule; its brackets are the code's business
    plain = CODE_TEXT.sub(" ", text) if code else LIST_MARKER.sub(" ", EMOTICON.sub(" ", text))
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
    if code:
        return False
    quotes = plain.count('"') + plain.count("\u201c") + plain.count("\u201d")
    return quotes % 2 == 1 and max(plain.rfind('"'), plain.rfind("\u201c")) > len(plain) * 0.5


def export_limit(tokens: np.ndarray, answers: list[str]) -> int | None:
    """A token count at the top of the distribution that many distinct answers stop at
    exactly, mostly mid-sentence: the signature of ``max_tokens`` in a generation or export.
    Distinct answers: one reply repeated many times is a template (``canned``), not a
    limit."""
    if len(tokens) < 20:
        return None
    first: dict[str, int] = {}
    for answer, n in zip(answers, tokens.tolist(), strict=True):
        first.setdefault(answer, int(n))
    counted = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    values, counts = np.unique(counted, return_counts=True)
    big = int(np.argmax(counts))
    value, count = int(values[big]), int(counts[big])
    if count < max(5, 0.005 * len(counted)) or value < 8:
        return None
    near = counts[(values >= value - 10) & (values <= value + 10) & (values != value)]
    typical = float(near.mean()) if len(near) else 0.0
    if count < 5 * max(typical, 1.0):
        return None
    at = [a for a, t in first.items() if t == value]
    unended = sum(TERMINAL.search(a.rstrip()) is None for a in at)
    return value if unended >= 0.5 * len(at) else None
