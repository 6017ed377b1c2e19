"""Which rows a signal built on an English-only resource may judge, and what it says when the
data is in another language.

Several signals read text through English-only resources: the static sentence vectors
(wordllama's ``l2_supercat``: Vendi score, k-means topics, paraphrase search, coverage),
wordfreq's English word list and English question patterns (the knowledge share behind the
retrieval complement), the identity-term lexicon and the English refusal phrases (bias). On
Chinese prompts the Vendi score of English token vectors called alpaca_zh_demo "medium
narrow-domain risk": a number about nothing. Each such signal asks ``english_rows`` which
rows it may judge (``Evidence.languages``: the row's text is English, or too short to tell in
a data set whose main language is English) and then:

- judges only those rows (rows in other languages are left out, and the report says how
  many);
- is not computed at all when they are fewer than the table's ``english_min_share`` of the
  rows it reads (``default.toml`` says what that was measured on): its metric is absent, it
  counts toward no cap, warning or complement, and an INFO finding or note says
  "not measured: 98 % of inputs are not in English (zh 98%, en 2%); ... uses English-only ...".

The word-based lexical measures of the domain check (distinct-n, vocabulary growth, repeated
openings) are not English-only but split words at spaces, which Chinese, Japanese and Thai do
not use: ``spaced_rows`` tells those rows apart by their script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tuneready.evidence.diversity import UNSPACED

if TYPE_CHECKING:
    from tuneready.evidence.languages import Languages
    from tuneready.evidence.store import Evidence

_UNSPACED = f"[{UNSPACED}]"
#: a row is unspaced (Latin) when at least this share of its word characters (letters) is in
#: those scripts (a-z): a definition, not a tuned number: "most of the text"
MAJORITY = 0.5

#: the resources, as the notes name them
STATIC_VECTORS = "English-only static sentence vectors (wordllama)"
WORDFREQ = "English-only wordfreq word frequencies and English question patterns"
IDENTITY_LEXICON = "the English-only identity-term lexicon"
REFUSAL_PHRASES = "English-only refusal phrases"
SPACES = "words split at spaces"


@dataclass(frozen=True)
class Readable:
    """Per row: whether a signal may read it, and whether there are enough such rows.

    ``what``: the texts judged ("inputs", "answers"); ``mix``: the language mix in words
    (``Languages.describe``); ``reason``/``kept``: what the unreadable/readable rows are
    ("not in English"/"in English")."""

    mask: np.ndarray
    min_share: float
    what: str
    mix: str
    reason: str = "not in English"
    kept: str = "in English"

    @property
    def rows(self) -> int:
        return int(self.mask.sum())

    @property
    def share(self) -> float:
        return float(self.mask.mean()) if len(self.mask) else 0.0

    @property
    def measured(self) -> bool:
        """Enough readable rows for the signal to speak for the data set."""
        return bool(len(self.mask)) and self.rows > 0 and self.share >= self.min_share

    @property
    def complete(self) -> bool:
        """Every row is readable: the signal reads exactly what it read before languages
        were considered."""
        return bool(self.mask.all())

    def not_measured(self, signal: str, resource: str) -> str:
        """Why ``signal`` was not computed."""
        return (f"{signal}: not measured: {1 - self.share:.0%} of {self.what} are "
                f"{self.reason} ({self.mix}) and it reads text through {resource} "
                f"(measured when {self.min_share:.0%} of {self.what} are {self.kept})")

    def left_out(self, signal: str) -> str:
        """What a measured signal left aside ("" when it read every row)."""
        if self.complete:
            return ""
        gone = len(self.mask) - self.rows
        return (f"{signal} judged on the {self.rows:,} {self.what} {self.kept}; "
                f"{gone:,} {self.reason} left out")


def english_rows(languages: Languages, side: str, min_share: float,
                 positions: np.ndarray | None = None, texts: pd.Series | None = None
                 ) -> Readable:
    """The rows (or ``positions`` of them) whose ``side`` ("input" or "target") an
    English-only signal may judge. With ``texts`` (the rows' texts on that side), a text too
    short or unsure to identify must also be in the Latin alphabet; when nothing at all was
    identified (a set of short commands), a row in the Latin alphabet is given the benefit of
    the doubt (as before languages were read) and any other script is not (English vectors
    and word lists read nothing in it)."""
    mask = np.asarray(languages.rows_in("en", side=side), dtype=bool)
    if texts is not None:
        latin = latin_rows(texts)
        side_langs = languages.input if side == "input" else languages.target
        unsure = np.fromiter((lang is None for lang in side_langs), dtype=bool,
                             count=len(side_langs))
        # a text too short to identify takes the main language only in the Latin alphabet
        # (a short Chinese prompt in an English set is not English); with no main language
        # at all, the Latin alphabet alone decides
        mask = np.where(unsure, latin & (mask | (languages.main is None)), mask)
    if positions is not None:
        mask = mask[np.asarray(positions, dtype=np.int64)]
    what = "inputs" if side == "input" else "answers"
    return Readable(mask, min_share, what, languages.describe())


def english_rows_of(evidence: Evidence, side: str, min_share: float,
                    positions: np.ndarray | None = None) -> Readable:
    """``english_rows`` of the audited data's inputs or answers."""
    return english_rows(evidence.languages, side, min_share, positions,
                        evidence.data.frame[side])


def latin_rows(texts: pd.Series) -> np.ndarray:
    """Rows whose letters are mostly a-z (empty rows count too)."""
    text = texts.fillna("").astype(str)
    latin = text.str.count(r"[A-Za-z]").to_numpy(dtype=np.float64)
    letters = text.str.count(r"[^\W\d_]").to_numpy(dtype=np.float64)
    return np.asarray(latin >= MAJORITY * letters, dtype=bool)


def spaced_rows(texts: pd.Series, min_share: float, what: str, mix: str) -> Readable:
    """Rows whose words are separated by spaces (fewer than half their word characters are
    Han, kana, Thai, Lao, Khmer or Myanmar); empty rows count as spaced. Linear in rows."""
    text = texts.fillna("").astype(str)
    dense = text.str.count(_UNSPACED).to_numpy(dtype=np.float64)
    word = text.str.count(r"\w").to_numpy(dtype=np.float64)
    unspaced = dense >= MAJORITY * np.maximum(word, 1.0)
    return Readable(~(unspaced & (dense > 0)), min_share, what, mix,
                    reason="written without spaces between words",
                    kept="written with spaces between words")


def static_vectors_in_use(evidence: Evidence) -> bool:
    """The shared embedding is wordllama's English vectors (not the user's ``--embeddings``,
    nor the TF-IDF SVD used when wordllama is missing, which read any script)."""
    from tuneready.evidence.sentence import available

    return evidence._user_embeddings is None and available()
