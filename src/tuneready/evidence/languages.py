"""The language of every input and answer, once per audit, and whether English-only signals
may act on a row.

Several signals rest on English-only resources: the static sentence vectors (wordllama, and
MiniLM for off-topic pairs), wordfreq's English word list, the refusal and truncation
lexicons, the identity-term lexicon. On text in another language they measure nothing
meaningful: a Vendi score of English token vectors over Chinese prompts, an English "cut
word" list applied to German. Each such signal asks ``Languages`` which rows it may judge and
says so in its finding when it skipped rows or the whole data set.

``py3langid`` 0.4 (BSD-3-Clause, Lui & Baldwin's langid.py modernised by A. Barbaresi) ships
its naive-Bayes model (97 languages) inside the wheel and needs only numpy: offline, about
30 microseconds per short text after a one-off model load. Short texts are where any
identifier guesses ("Hello there" reads as Sesotho, "Yes." as Kabyle), so a text is given a
language only with at least ``MIN_WORDS`` words (a CJK character counts as a word) and a
normalised probability of at least the caller's confidence; each distinct text is read once.
A row too short to tell takes the data set's main language (``main``) when a signal asks.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

#: words a text needs before its language is read
MIN_WORDS = 5
#: characters of a text that are read
MAX_CHARS = 1000
#: confidence a row's language needs (normalised probability of py3langid)
ROW_CONFIDENCE = 0.9
#: Han, kana, hangul and other scripts written without spaces between words: each character
#: counts as a word when deciding whether a text is long enough to identify
_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def word_count(text: str) -> int:
    """Words of a text for the length rule: space-separated words plus dense-script
    characters (a Chinese sentence is one "word" to ``split``)."""
    dense = len(_DENSE.findall(text))
    return len(text.split()) + dense


def identify(texts: list[str], min_confidence: float) -> list[str | None]:
    """Each text's language code, or ``None`` when too short or unsure; each distinct text
    is classified once."""
    ident = _identifier()
    seen: dict[str, str | None] = {}
    out = []
    for text in texts:
        if text not in seen:
            seen[text] = None
            if word_count(text) >= MIN_WORDS:
                lang, prob = ident.classify(text[:MAX_CHARS])
                seen[text] = str(lang) if prob >= min_confidence else None
        out.append(seen[text])
    return out


@dataclass(frozen=True)
class Languages:
    """Per-row languages of the inputs and the answers (``None``: too short or unsure)."""

    input: tuple[str | None, ...]
    target: tuple[str | None, ...]

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """Rows per identified language over inputs and answers, most frequent first."""
        mix = Counter(lang for lang in self.input + self.target if lang)
        return dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def main(self) -> str | None:
        """The most frequent identified language (``None``: nothing long enough)."""
        return next(iter(self.counts), None)

    def share(self, language: str = "en") -> float | None:
        """Share of identified texts in ``language`` (``None``: none identified)."""
        total = sum(self.counts.values())
        return self.counts.get(language, 0) / total if total else None

    def rows_in(self, language: str = "en", side: str = "input") -> list[bool]:
        """Per row: its text (``input`` or ``target``) is in ``language``, or too short to
        tell in a data set whose main language it is. What an English-only signal may judge."""
        langs = self.input if side == "input" else self.target
        fallback = self.main == language
        return [lang == language or (lang is None and fallback) for lang in langs]

    def describe(self, top: int = 4) -> str:
        """The mix in words: "en 62 %, zh 30 %, de 8 %"."""
        total = sum(self.counts.values())
        if not total:
            return "no text long enough to identify"
        return ", ".join(f"{k} {v / total:.0%}" for k, v in list(self.counts.items())[:top])


def detect(inputs: list[str], targets: list[str],
           min_confidence: float = ROW_CONFIDENCE) -> Languages:
    return Languages(tuple(identify(inputs, min_confidence)),
                     tuple(identify(targets, min_confidence)))
