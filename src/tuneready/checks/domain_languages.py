"""Which breadth measures of the domain check can read this data's languages and scripts.

- The Vendi score and the k-means topics read the shared embedding; when that is wordllama's
  English static vectors they judge only the inputs in English, and are not measured when
  fewer than ``english_min_share`` of the inputs are (``checks.english_only``). Coverage of a
  ``--reference`` sample then uses the TF-IDF instead (``checks.domain_coverage``).
- Distinct-n and vocabulary growth count words split at spaces; they read only the texts
  written with spaces, and are not measured when fewer than ``spaced_min_share`` of the texts
  are (Chinese, Japanese, Thai). Compression (bytes), template share (character shingles),
  openings (``opening_chars`` characters of a text written without spaces) and the length
  spread (a Chinese character counts as a word, ``evidence.diversity.word_counts``) read any
  script.

A measure not measured is absent from the metrics, so it counts toward no risk; an INFO
finding says why. On data where every row is readable nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuneready.checks.english_only import (
    SPACES,
    STATIC_VECTORS,
    Readable,
    english_rows_of,
    spaced_rows,
    static_vectors_in_use,
)
from tuneready.core.results import Finding, Severity

if TYPE_CHECKING:  # checks.domain imports this module
    from tuneready.checks.domain import DomainSettings
    from tuneready.evidence.store import Evidence

#: the measures each reader gates (their metric names in ``checks.domain``)
WORD_MEASURES = ("distinct_1", "distinct_2", "vocab_growth")
VECTOR_MEASURES = ("vendi", "topics_effective", "largest_topic_share")
WORD_SIGNAL = "distinct-n and vocabulary growth"
VECTOR_SIGNAL = "the Vendi score and k-means topics"


@dataclass(frozen=True)
class Readers:
    """``spaced``: the judged texts written with spaces; ``english``: the inputs the English
    static vectors may judge (``None`` when the embedding is not those vectors)."""

    spaced: Readable
    english: Readable | None

    def _gates(self) -> list[tuple[Readable, str, str, tuple[str, ...]]]:
        out: list[tuple[Readable, str, str, tuple[str, ...]]] = [
            (self.spaced, WORD_SIGNAL, SPACES, WORD_MEASURES)]
        if self.english is not None:
            out.append((self.english, VECTOR_SIGNAL, STATIC_VECTORS, VECTOR_MEASURES))
        return out

    def metrics(self) -> dict[str, Any]:
        """Nothing when every row was read; else the shares read and what was not measured."""
        if all(g.complete for g, *_ in self._gates()):
            return {}
        out: dict[str, Any] = {"languages": self.spaced.mix,
                               "spaced_share": round(self.spaced.share, 4)}
        if self.english is not None:
            out["english_input_share"] = round(self.english.share, 4)
        out["not_measured"] = [m for g, _, _, ms in self._gates() if not g.measured
                               for m in ms]
        return out

    def findings(self) -> list[Finding]:
        missing = [g for g in self._gates() if not g[0].measured]
        partial = [g for g in self._gates() if g[0].measured and not g[0].complete]
        out = []
        if missing:
            first = missing[0][0]
            out.append(Finding(
                "domain.not_measured", Severity.INFO,
                "; ".join(g.not_measured(signal, resource)
                          for g, signal, resource, _ in missing)
                + "; they count toward no risk here",
                observed=round(first.share, 4), threshold=first.min_share,
                remedy="judge the breadth of this data by reading a sample, or pass "
                       "--embeddings from a model that reads its language"))
        if partial:
            out.append(Finding(
                "domain.rows_left_out", Severity.INFO,
                "; ".join(g.left_out(signal) for g, signal, _, _ in partial),
                observed=round(partial[0][0].share, 4), threshold=partial[0][0].min_share))
        return out

    def summary(self) -> str:
        missing = [signal for g, signal, _, _ in self._gates() if not g.measured]
        return f"; not measured: {', '.join(missing)} (language)" if missing else ""


def readers(evidence: Evidence, texts: pd.Series, column: str,
            cfg: DomainSettings) -> Readers:
    """What each group of measures may read in ``texts`` (the judged ``column``) and in the
    inputs behind the embedding."""
    languages = evidence.languages
    what = "inputs" if column == "input" else "answers"
    spaced = spaced_rows(texts, cfg.spaced_min_share, what, languages.describe())
    english = (english_rows_of(evidence, "input", cfg.english_min_share)
               if static_vectors_in_use(evidence) else None)
    return Readers(spaced, english)
