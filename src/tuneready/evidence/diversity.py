"""Cheap measures of how broad a dataset is, each linear (or n log n) in rows.

A model fine-tuned on one corner of a task overfits to it. Nothing here sees the model: these
are properties of the text (lexical diversity, repeated openings, length spread), of the shared
embedding (how many distinct directions and topics it spans), of the shared proxy model (how
much it memorizes, whether more of the same data still helps) and, with a reference sample,
of how much of the real input distribution the training data covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd

#: scripts written without spaces between words: Han, hiragana, katakana, Thai, Lao, Khmer,
#: Myanmar (Korean separates words with spaces, so hangul is not here)
UNSPACED = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff"
            "\u1780-\u17ff\u1000-\u109f")
#: combining marks Python's ``\w`` leaves out: Latin diacritics, Hebrew points, Arabic
#: vowels and the vowel signs of the Indic scripts (``\w+`` splits the Hindi "सकता" into
#: "सकत"; measured: chatterbot Hindi read as high narrow-domain risk from word fragments)
MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u0900-\u0dff"
#: a word: a run of word characters and marks, except that each character of the scripts
#: without spaces is a word of its own (to ``\w+`` a Chinese clause is one word). Text in
#: the Latin alphabet without diacritic marks splits exactly as ``\w+``.
_WORD = re.compile(f"[{UNSPACED}]|(?:[^\\W{UNSPACED}]|[{MARKS}])+")


# --- lexical ----------------------------------------------------------------------------
def sample_positions(n: int, size: int, seed: int) -> np.ndarray:
    """A seeded sample of positions, in random order (prefixes are random subsets too)."""
    rng = np.random.default_rng(seed)
    return rng.permutation(n)[:size]


def token_stream(token_lists: list[list[str]], budget: int) -> list[str]:
    """The first ``budget`` tokens of rows in (already random) order: ratios such as
    distinct-n fall as text grows, so sets are compared at the same number of tokens."""
    out: list[str] = []
    for toks in token_lists:
        out.extend(toks)
        if len(out) >= budget:
            break
    return out[:budget]


def distinct_n(stream: list[str], order: int) -> float:
    """Distinct n-grams over all n-grams (Li et al. 2016): 1.0 means no n-gram repeats."""
    grams = [tuple(stream[i:i + order]) for i in range(len(stream) - order + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def compression_ratio(texts: list[str], budget: int) -> float:
    """zlib-compressed size over raw size of the first ``budget`` characters of the (random
    order) rows: repeated templates compress far better than varied text."""
    import zlib

    blob = "\n".join(texts)[:budget].encode("utf-8")
    return len(zlib.compress(blob, 9)) / len(blob) if blob else 1.0


def heaps_exponent(stream: list[str]) -> float | None:
    """beta in V ~ K * T^beta (Heaps' law), fitted on the growing token stream.

    Natural text has beta around 0.4-0.7; a closed template vocabulary stops growing (beta
    near 0): new rows bring no new words.
    """
    if len(stream) < 200:
        return None
    _, first = np.unique(np.asarray(stream, dtype=object).astype(str), return_index=True)
    first = np.sort(first)
    checkpoints = np.unique(np.geomspace(50, len(stream), 20).astype(np.int64))
    vocab = np.searchsorted(first, checkpoints, side="left")
    slope = np.polyfit(np.log(checkpoints), np.log(np.maximum(vocab, 1)), 1)[0]
    return float(slope)


def tokens(texts: list[str]) -> list[list[str]]:
    return [_WORD.findall(t.casefold()) for t in texts]


def word_counts(texts: pd.Series) -> np.ndarray:
    """Words per text (``_WORD``: a character of Chinese or Japanese counts as a word), so a
    length spread means the same in any script."""
    return texts.fillna("").astype(str).str.count(_WORD.pattern).to_numpy(dtype=np.float64)


def openings(texts: pd.Series, words: int, unspaced: np.ndarray | None = None,
             chars: int = 0) -> pd.Series:
    """The first ``words`` words of each non-empty text (case-folded); of a text written
    without spaces (``unspaced``, per row), its first ``chars`` words (``_WORD``: one
    character of Chinese or Japanese each). The word search stops after that many matches
    instead of listing every word of every row (3x faster)."""
    text = texts.fillna("").astype(str).tolist()
    counts = np.full(len(text), words) if unspaced is None else \
        np.where(np.asarray(unspaced, dtype=bool), chars, words)
    heads = [" ".join(m.group() for m in islice(_WORD.finditer(t.casefold()), int(k)))
             for t, k in zip(text, counts, strict=True)]
    head = pd.Series(heads, index=texts.index, dtype=object)
    return head[head.str.len() > 0]


def length_table(lengths: np.ndarray, bins: int = 20) -> list[dict[str, Any]]:
    if not len(lengths):
        return []
    top = max(1.0, float(np.percentile(lengths, 99)))
    counts, edges = np.histogram(np.minimum(lengths, top), bins=bins, range=(0, top))
    return [{"lo": round(float(lo), 1), "hi": round(float(hi), 1), "count": int(c)}
            for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)]


# --- semantic -----------------------------------------------------------------------------
#: k-means and the Vendi score read at most this many rows (a seeded sample): 256-d sentence
#: vectors of 100k rows cost 4-5 s in k-means alone, and neither statistic needs more
FIT_ROWS = 20_000


def vendi_score(emb: np.ndarray) -> float:
    """Vendi score (Friedman & Dieng 2023) of unit rows from the d x d matrix E^T E / n.

    The non-zero eigenvalues of E^T E / n equal those of the n x n similarity matrix K / n, so
    exp(entropy of the eigenvalues) is the effective number of distinct items at O(n d^2).
    """
    if not len(emb):
        return 0.0
    if len(emb) > FIT_ROWS:  # a population statistic: a seeded 20k-row sample estimates it
        emb = emb[np.sort(sample_positions(len(emb), FIT_ROWS, 0))]
    cov = (emb.T.astype(np.float64) @ emb.astype(np.float64)) / len(emb)
    eig = np.clip(np.linalg.eigvalsh(cov), 0, None)
    total = eig.sum()
    if total <= 0:
        return 1.0
    p = eig[eig > 0] / total
    return float(np.exp(-(p * np.log(p)).sum()))


@dataclass
class Topics:
    k: int
    labels: np.ndarray
    effective: float  # exp(entropy of cluster shares)
    largest_share: float


def topics(emb: Any, k: int, seed: int) -> Topics:
    """Seeded mini-batch k-means on the embedding; linear in rows."""
    from sklearn.cluster import MiniBatchKMeans

    n = emb.shape[0]
    k = max(1, min(k, n))
    if k < 2:
        return Topics(k, np.zeros(n, dtype=np.int64), 1.0, 1.0)
    km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096)
    if n > FIT_ROWS:  # fitted on a seeded sample, then every row assigned: linear in rows
        km.fit(emb[np.sort(sample_positions(n, FIT_ROWS, seed))])
        labels = np.asarray(km.predict(emb), dtype=np.int64)
    else:
        labels = np.asarray(km.fit_predict(emb), dtype=np.int64)
    shares = np.bincount(labels, minlength=k) / len(labels)
    p = shares[shares > 0]
    return Topics(k, labels, float(np.exp(-(p * np.log(p)).sum())), float(shares.max()))


# --- proxy: learning curve ------------------------------------------------------------------
@dataclass
class Curve:
    points: list[tuple[int, float]]
    a: float | None = None
    b: float | None = None
    c: float | None = None

    def fit(self, n: float) -> float | None:
        if self.a is None or self.b is None or self.c is None:
            return None
        return self.a - self.b * n ** (-self.c)

    def needed(self, within: float) -> float | None:
        """Training rows at which the fit comes within ``within`` of its plateau ``a``."""
        if self.b is None or self.c is None or self.b <= 0:
            return None
        return float((self.b / within) ** (1 / self.c))


def learning_curve(x: Any, y: np.ndarray, fractions: list[float], seed: int,
                   model_factory: Any) -> Curve:
    """Proxy accuracy on one stratified held-out fifth, trained on growing fractions of the
    rest (each fraction a stratified prefix of one seeded shuffle), then a - b n^-c fitted."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=0.2, random_state=seed, stratify=y)
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(seed)
    train = rng.permutation(train)
    parts = [train[:max(2, round(f * len(train)))] for f in fractions]
    parts = [part for part in parts if len(np.unique(y[part])) >= 2]

    def score(part: np.ndarray) -> tuple[int, float]:
        model = model_factory().fit(x[part], y[part])
        return len(part), float((model.predict(x[test]) == y[test]).mean())

    # two threads, largest fits first: the solver releases the GIL (as for the proxy's folds)
    with ThreadPoolExecutor(max_workers=2) as pool:
        points = list(pool.map(score, parts[::-1]))[::-1]
    return fit_power_law(points)


def fit_power_law(points: list[tuple[int, float]]) -> Curve:
    """a - b n^-c by scipy's curve_fit, bounded (a <= 1, b >= 0, 0.05 <= c <= 2)."""
    from scipy.optimize import curve_fit

    curve = Curve(points)
    if len(points) < 4:
        return curve
    n = np.asarray([p[0] for p in points], dtype=np.float64)
    s = np.asarray([p[1] for p in points], dtype=np.float64)

    def f(nn: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
        return np.asarray(a - b * nn ** (-c))

    try:
        (a, b, c), _ = curve_fit(f, n, s, p0=[min(1.0, s.max() + 0.02), 1.0, 0.5],
                                 bounds=([0.0, 0.0, 0.05], [1.0, 1e6, 2.0]), maxfev=20000)
    except (RuntimeError, ValueError):
        return curve
    curve.a, curve.b, curve.c = float(a), float(b), float(c)
    return curve


# --- coverage ---------------------------------------------------------------------------------
def nearest_similarity(query: Any, base: Any, chunk: int = 128) -> np.ndarray:
    """Max cosine of each query row to any base row (L2 rows, sparse or dense), in chunks of
    query rows: memory is chunk x n, never m x n."""
    import scipy.sparse as sp

    out = np.zeros(query.shape[0], dtype=np.float32)
    if not base.shape[0]:
        return out
    for s in range(0, query.shape[0], chunk):
        block = query[s:s + chunk] @ base.T
        best = block.max(axis=1)
        out[s:s + chunk] = np.asarray(best.toarray() if sp.issparse(best) else best).ravel()
    return out


def gap_regions(emb: Any, k: int, seed: int) -> np.ndarray:
    """Group uncovered reference rows into ``k`` regions so the report shows topics, not a
    list of stray rows."""
    return topics(emb, k, seed).labels if emb.shape[0] else np.zeros(0, dtype=np.int64)

