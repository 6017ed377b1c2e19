"""Coverage of a ``--reference`` sample (production inputs) by the training inputs.

A reference input is *covered* when its nearest training input is at least as close as
training inputs are to each other: the threshold is the ``coverage_quantile`` (5 %) order
statistic of the leave-one-out nearest-neighbour cosines of a seeded sample of distinct
training inputs (split-conformal calibration). Why not a fixed cosine: how close "close" is
depends on the domain (nearest-neighbour cosines of held-out TREC questions to the others
have median 0.50, of held-out alpaca instructions 0.43), so a fixed cut calls half of an
in-distribution sample uncovered in one set and a foreign one covered in another. With the
calibrated cut, a reference sample drawn like the training data is about 95 % covered by
construction, whatever the domain; a shift shows as a lower share. Measured with the shipped
sentence vectors (``bench/semantic.py``): held-out halves of TREC, SMS, chatterbot and alpaca
94-96 %; TREC questions covering SMS 30 %, chatterbot 63 %; alpaca covering TREC 47 %.

Vectors: the shipped sentence vectors (they see that "refund" and "money back" are close,
TF-IDF does not), else the TF-IDF. The sentence vectors are English-only: when fewer than
``english_min_share`` of the training inputs or of the reference inputs are in English, the
TF-IDF (word and character n-grams of any script) is used and ``coverage_vectors`` says why.
Search: exact, in chunks, over all distinct training inputs, for at most
``reference_max_rows`` reference rows and ``coverage_calibration_rows`` calibration rows:
linear in the training rows. The share carries a Wilson interval over the reference rows
searched (none when all were).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.checks.english_only import Readable, english_rows
from tuneready.evidence import diversity as dv
from tuneready.evidence.stats import wilson
from tuneready.evidence.store import Evidence

if TYPE_CHECKING:  # checks.domain imports this module
    from tuneready.checks.domain import DomainSettings

TEXT_LIMIT = 300


def coverage(evidence: Evidence, cfg: DomainSettings, english: Readable | None = None
             ) -> tuple[dict[str, Any], list[dict]]:
    """Share of (sampled) reference inputs covered, with its interval, and the uncovered
    regions (k-means over the uncovered reference rows) with their farthest examples.
    ``english``: the training inputs the English sentence vectors may read (``None``: they
    are not in use)."""
    ref = evidence.reference_data
    if ref is None or not len(ref.frame) or not len(evidence.data.frame):
        return {}, []
    frame = ref.frame
    pos = np.sort(dv.sample_positions(len(frame), cfg.reference_max_rows, evidence.seed))
    texts = frame["input"].fillna("").astype(str).iloc[pos].tolist()
    base, query, method = _vectors(evidence, texts,
                                   _english(english, texts, cfg.english_min_share))
    cut, calibration = threshold(base, cfg.coverage_quantile, cfg.coverage_calibration_rows,
                                 evidence.seed)
    sim = dv.nearest_similarity(query, base)
    covered = sim >= cut
    k, m = int(covered.sum()), len(pos)
    low, high = (k / m, k / m) if m == len(frame) else _interval(k, m)
    out: dict[str, Any] = {
        "reference_rows": m, "reference_rows_total": len(frame),
        "coverage": round(k / m, 4), "coverage_low": round(low, 4),
        "coverage_high": round(high, 4), "coverage_similarity": round(cut, 4),
        "coverage_calibration_rows": calibration, "coverage_vectors": method}
    return out, _gap_table(frame, pos, query, sim, covered, cfg.gap_regions, evidence.seed)


def _english(english: Readable | None, texts: list[str], min_share: float) -> str | None:
    """Why the English sentence vectors may not read these inputs ("" when they may;
    ``None`` when they are not in use)."""
    if english is None:
        return None
    from tuneready.evidence.languages import detect

    reference = english_rows(detect(texts, [""] * len(texts)), "input", min_share,
                             texts=pd.Series(texts, dtype=object))
    short = [f"{1 - r.share:.0%} of {name} inputs are not in English ({r.mix})"
             for r, name in ((english, "training"), (reference, "reference"))
             if not r.measured]
    return "; ".join(short)


def _vectors(evidence: Evidence, texts: list[str], not_english: str | None = None
             ) -> tuple[Any, Any, str]:
    """Distinct training vectors and the reference vectors, in the same space: the sentence
    vectors unless ``not_english`` says why the inputs are not theirs to read."""
    first = np.flatnonzero(~pd.Series(evidence.input_hash).duplicated().to_numpy())
    if not_english:
        return (evidence.tfidf[first], evidence.tfidf_of(texts),
                f"TF-IDF (the sentence vectors are English-only: {not_english})")
    if evidence.sentence_vectors is not None:
        from tuneready.evidence.sentence import embed

        query = embed(texts)
        assert query is not None
        return evidence.sentence_vectors[first], query, "sentence vectors"
    return evidence.tfidf[first], evidence.tfidf_of(texts), "TF-IDF"


def threshold(base: Any, q: float, calibration_rows: int, seed: int) -> tuple[float, int]:
    """The calibrated cosine and how many training rows calibrated it: the
    ``ceil(q (s + 1)) - 1``-th smallest leave-one-out nearest cosine of ``s`` sampled
    distinct training rows (split conformal: an exchangeable reference row falls below it with
    probability at most ``q``). Fewer than 2 rows: no neighbour, every row is uncovered."""
    n = base.shape[0]
    if n < 2:
        return math.inf, 0
    sample = np.sort(dv.sample_positions(n, calibration_rows, seed))
    loo = _leave_one_out(base, sample)
    rank = max(0, min(len(loo) - 1, math.ceil(q * (len(loo) + 1)) - 1))
    return float(np.sort(loo)[rank]), len(sample)


def _leave_one_out(base: Any, sample: np.ndarray, chunk: int = 128) -> np.ndarray:
    """Max cosine of each sampled row to any OTHER distinct training row."""
    import scipy.sparse as sp

    out = np.zeros(len(sample), dtype=np.float32)
    for s in range(0, len(sample), chunk):
        rows = sample[s:s + chunk]
        block = base[rows] @ base.T
        block = np.asarray(block.toarray() if sp.issparse(block) else block, dtype=np.float32)
        block[np.arange(len(rows)), rows] = -np.inf
        out[s:s + len(rows)] = block.max(axis=1)
    return out


def _gap_table(frame: pd.DataFrame, pos: np.ndarray, query: Any, sim: np.ndarray,
               covered: np.ndarray, n_regions: int, seed: int) -> list[dict[str, Any]]:
    miss = np.flatnonzero(~covered)
    regions = dv.gap_regions(query[miss], min(n_regions, len(miss)), seed)
    ids, inputs = frame["row_id"].to_numpy(), frame["input"].to_numpy()
    table = []
    for region in sorted(set(regions.tolist()), key=lambda r: -int((regions == r).sum())):
        members = miss[regions == region]
        for i in members[np.argsort(sim[members], kind="stable")][:5]:
            table.append({"region": int(region) + 1, "region_size": len(members),
                          "reference_row_id": int(ids[pos[i]]),
                          "input": str(inputs[pos[i]])[:TEXT_LIMIT],
                          "nearest_similarity": round(float(sim[i]), 3)})
    return table


def _interval(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of k in n, as plain floats."""
    low, high = wilson(k, n)
    return float(low), float(high)
