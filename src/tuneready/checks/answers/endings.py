"""How this data set ends its sentences, learned from its own answers: which words never end
one, which last words are the beginning of another word, and how often its own complete
answers would be mistaken for cut ones.

A cut-off answer stops wherever the cut fell: inside a word ("it's kind of an annual tradi")
or after a word that a sentence of this data never ends on ("stay in the"). A complete answer
without a full stop ("i don't know you") ends on a word that ends sentences all the time.
Neither needs an English word list, nor punctuation at the end of the answer judged: both are
read from the rest of the data, in any language written with spaces. Chinese, Japanese and
Korean (``DENSE``) are written without spaces between words: one character is no word
("こんにちは" ends on the particle "は", which goes on in most of its uses), so neither rule
reads them (on chatterbot's Japanese and Chinese chit-chat a per-character version flagged
complete greetings: precision 0.50 and 0.33 in ``bench/answers.py``).

From one pass over the answers, for every token (a word):

- ``ends``: how often a sentence ends on it (terminal punctuation follows);
- ``goes_on``: how often another word follows it with nothing between (the sentence goes on);
- ``seen``: how often it occurs anywhere but as the last token of an answer;
- ``begins``: how many word occurrences of the data it is a proper beginning of.

A last token is a **cut word** when the data uses it as the beginning of longer words at least
``BEGINS_MIN`` times and ``ratio`` times more often than alone; a **continuation word** when
another word follows it at least ``GOES_ON_MIN`` times and a sentence ends on it at most
``ratio`` times as often, relative to how often this data's words end sentences at all
(``base``).

How strict ``ratio`` must be depends on the data's style, which is what ``calibrate`` reads:
the answers that do end with terminal punctuation are complete, so the share of them whose
last word the rule would call cut (each counted without its own use) is the rate at which the
rule mistakes a complete answer for a cut one in this data. Times the number of answers
without terminal punctuation, that is how many of the rule's flags could be complete answers
at most. The loosest level of ``LEVELS`` whose flags exceed that by the required share is
used; when none does (data where many complete replies end without punctuation and end on
words the rule cannot tell from cuts) the rule flags nothing and says so. Linear in the
answers' length; the prefix table is bounded by ``MAX_VOCABULARY`` words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DENSE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_LETTER = r"(?:[^\W\d_]|[\u0900-\u0dff])"
#: a word (letters and inner apostrophes; Indic vowel signs kept inside), or one CJK char
TOKEN = re.compile(rf"[{DENSE}]|{_LETTER}+(?:['’]{_LETTER}+)*['’]?")
_DENSE_CHAR = re.compile(rf"[{DENSE}]")
SENTENCE_END = frozenset(".!?…。！？")
CLOSERS = "\"'”’)]}*»」』）"
#: an answer's closing marks, stripped to reach its last word
TRAILING = re.compile(r"[.!?…。！？\"”)\]}*»」』）\s]+$")
GOES_ON_MIN = 10
BEGINS_MIN = 3
#: the levels tried, loosest first: a continuation word ends at most this share of its
#: sentences relative to the data's base rate; a cut word begins this many times more words
#: than it is used alone
LEVELS: dict[str, tuple[float, ...]] = {"continues": (0.1, 0.05, 0.02, 0.0),
                                        "cut_word": (10.0, 30.0, 100.0)}
#: a continuation word needs this many sentence ends expected of it at the data's base rate
#: (so that "it never ends one" means something), per level
EXPECTED_ENDS = {0.1: 2.0, 0.05: 3.0, 0.02: 5.0, 0.0: 8.0}
MIN_SENTENCES = 200
#: complete answers needed to calibrate a rule
MIN_COMPLETE = 100
MAX_VOCABULARY = 100_000


@dataclass
class Endings:
    ends: Counter[str] = field(default_factory=Counter)
    goes_on: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    begins: Counter[str] = field(default_factory=Counter)

    #: sentence ends counted, and the share of word uses that end a sentence (ends / (ends +
    #: goes on)): set once by ``learn``
    sentences: int = 0
    base: float = 0.0

    def cut_word(self, token: str, ratio: float, own: int = 0) -> bool:
        """The data uses ``token`` as the beginning of longer words, almost never alone
        (``own``: uses of it to leave out, those of the answer judged)."""
        if _DENSE_CHAR.match(token):
            return False
        begins = self.begins.get(token, 0)
        return begins >= BEGINS_MIN and begins >= ratio * (self.seen.get(token, 0) - own + 1)

    def continues(self, token: str, ratio: float, own: int = 0) -> bool:
        """A sentence of this data goes on after ``token`` and (almost) never ends on it."""
        if self.sentences < MIN_SENTENCES or _DENSE_CHAR.match(token):
            return False
        goes_on = self.goes_on.get(token, 0)
        expected = self.base * goes_on
        if goes_on < GOES_ON_MIN or expected < EXPECTED_ENDS.get(ratio, 0.0):
            return False
        return self.ends.get(token, 0) - own <= ratio * expected


def learn(answers: list[str]) -> Endings:
    """One pass over ``answers``: each token's ends, goes-on and seen counts, then the
    beginnings of the most frequent words."""
    out = Endings()
    for text in answers:
        _count(text, out)
    for word, count in out.seen.most_common(MAX_VOCABULARY):
        for k in range(1, min(len(word), 16)):
            out.begins[word[:k]] += count
    out.sentences = sum(out.ends.values())
    total = out.sentences + sum(out.goes_on.values())
    out.base = out.sentences / total if total else 0.0
    return out


def _count(text: str, out: Endings) -> None:
    tokens = list(TOKEN.finditer(text))
    for j, m in enumerate(tokens):
        rest = text[m.end():]
        if not rest.strip():
            return  # the last token of an answer without a closing mark: what is judged
        token = m.group(0).lower()
        out.seen[token] += 1
        after = rest.lstrip(CLOSERS)
        if after[:1] in SENTENCE_END:
            out.ends[token] += 1
        elif j + 1 < len(tokens) and _adjacent(text, m.end(), tokens[j + 1].start(), token):
            out.goes_on[token] += 1


def _adjacent(text: str, end: int, start: int, token: str) -> bool:
    """Only spacing between two words (none between CJK characters)."""
    between = text[end:start]
    if _DENSE_CHAR.match(token):
        return between == ""
    return between.isspace() and "\n" not in between


def last_token(text: str) -> str | None:
    """The answer's last token (as written), when the text ends on it (no mark after it) and
    it stands alone (after a space, or a CJK character): not the "com" of "google.com"."""
    start = max(0, len(text) - 120)  # the last token lies in the tail
    tail = list(TOKEN.finditer(text, start))
    if not tail or tail[-1].end() != len(text) or (tail[-1].start() == start and start):
        return None
    found = tail[-1]
    token = found.group(0)
    before = text[found.start() - 1:found.start()]
    if not (before == "" or before.isspace() or _DENSE_CHAR.match(token)):
        return None
    return token


def final_word(text: str) -> str | None:
    """The last word of a complete answer, before its closing marks ("you" of "thank you.")."""
    return last_token(TRAILING.sub("", text))


@dataclass
class Calibration:
    """What one rule measured on this data's complete answers, and the level it uses."""

    #: complete answers read, and the share of them the chosen level would call cut
    complete: int = 0
    background: float | None = None
    #: answers without terminal punctuation judged, and those flagged
    open_answers: int = 0
    flagged: int = 0
    #: the level used (``None``: no level passed, the rule flags nothing)
    level: float | None = None
    #: 1 - background x open_answers / flagged at that level
    estimated_precision: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(self).items()}


#: rule(answer's last word as an item, level, own uses to leave out) -> bool
Rule = Callable[[Any, float, int], bool]


def calibrate(rule: Rule, levels: tuple[float, ...], complete: list[Any],
              candidates: list[Any], min_precision: float) -> Calibration:
    """The loosest level at which the rule's flags among ``candidates`` (last words of
    answers without terminal punctuation) exceed what its rate on ``complete`` (last words of
    answers with it) predicts by ``min_precision``."""
    out = Calibration(complete=len(complete), open_answers=len(candidates))
    if len(complete) < MIN_COMPLETE or not candidates:
        return out
    for level in levels:
        hits = sum(rule(t, level, 1) for t in complete)
        background = (hits + 0.5) / (len(complete) + 1)
        flagged = sum(rule(t, level, 0) for t in candidates)
        expected_false = background * len(candidates)
        if flagged and expected_false <= (1 - min_precision) * flagged:
            out.level, out.background, out.flagged = level, background, flagged
            out.estimated_precision = (flagged - expected_false) / flagged
            return out
        out.background = background
    return out
