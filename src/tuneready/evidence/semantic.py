"""Pairs of texts whose sentence vectors are close: paraphrases, found without an n x n matrix.

MinHash (``evidence.minhash``) finds texts that share their characters; "When is Boxing Day?"
and "What date is Boxing Day?" share too few 5-grams to be caught, yet teach a model the same
thing. Their static sentence vectors (``evidence.sentence``) are close (cosine 0.91), so a
cosine threshold on those vectors finds them. Comparing every pair is quadratic; instead:

1. **Random-hyperplane LSH.** Each vector gets ``bands x bits`` sign bits (one seeded Gaussian
   projection); the ``bits`` signs of a band form a bucket key. Two vectors at angle ``a``
   agree on a sign with probability ``1 - a / pi``, so they share at least one of the bands'
   keys with probability ``1 - (1 - (1 - a/pi)^bits)^bands``: 0.97 at cosine 0.92 and more
   above it with the defaults (12 bits, 16 bands); unrelated texts (cosine ~0.1) almost never.
2. **Sorted neighbourhood.** Within a band, vectors are sorted by key (ties by a further
   projection, so neighbours in the order are close); each is compared with the next
   ``window`` vectors of the same key only. A huge bucket (one template a thousand times)
   therefore costs ``window`` comparisons per vector, not its size squared: work is
   ``n x bands x window``, linear in ``n``.
3. **Packed-sign prefilter.** All the sign bits, packed into 64-bit words, estimate each
   candidate's angle by the Hamming distance; only candidates within a generous margin of the
   threshold are kept (band by band, before any deduplication) and get an exact dot product.

Only pairs with at least one *query* are kept, so a caller can search a seeded sample of
queries against every text and estimate shares from the sample with a stated interval.
The search is approximate: a pair at the threshold can be missed (recall measured against
exact search in ``bench/semantic.py``); it never reports a pair below the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LshParams:
    bits: int = 12
    bands: int = 16
    window: int = 4
    seed: int = 0


@dataclass
class Pairs:
    """``left[k]``, ``right[k]``: positions into the searched vectors, ``left < right``."""

    left: np.ndarray
    right: np.ndarray
    cosine: np.ndarray


def empty() -> Pairs:
    z = np.zeros(0, dtype=np.int64)
    return Pairs(z, z.copy(), np.zeros(0, dtype=np.float32))


def similar_pairs(vectors: np.ndarray, threshold: float, queries: np.ndarray | None = None,
                  params: LshParams = LshParams(), allowed: np.ndarray | None = None) -> Pairs:
    """Pairs of rows of ``vectors`` (unit length) with cosine >= ``threshold``, at least one of
    them in ``queries`` (positions; all rows when ``None``); rows whose ``allowed`` is False
    (e.g. empty texts) are never paired."""
    n = len(vectors)
    if n < 2:
        return empty()
    is_query = np.ones(n, dtype=bool) if queries is None else _mask(n, queries)
    ok = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    proj = _projections(vectors, params)
    signs = proj[:, :params.bands * params.bits] > 0
    left, right = _candidates(signs, proj[:, -1], is_query & ok, ok, params,
                              _max_hamming(threshold, signs.shape[1]))
    cos = _dots(vectors, left, right)
    keep = cos >= threshold
    return Pairs(left[keep], right[keep], cos[keep])


def cross_pairs(base: np.ndarray, query: np.ndarray, threshold: float,
                params: LshParams = LshParams(), base_ok: np.ndarray | None = None,
                query_ok: np.ndarray | None = None) -> Pairs:
    """Pairs (base position, query position) with cosine >= ``threshold``: the same search
    over the two sets stacked, keeping only pairs across them."""
    nb = len(base)
    stacked = np.vstack([base, query]) if nb and len(query) else np.zeros((0, 1))
    if not len(stacked):
        return empty()
    ok = np.concatenate([np.ones(nb, bool) if base_ok is None else base_ok,
                         np.ones(len(query), bool) if query_ok is None else query_ok])
    found = similar_pairs(stacked, threshold, np.arange(nb, len(stacked)), params, ok)
    across = (found.left < nb) & (found.right >= nb)
    return Pairs(found.left[across], found.right[across] - nb, found.cosine[across])


def _mask(n: int, positions: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[np.asarray(positions, dtype=np.int64)] = True
    return out


def _projections(vectors: np.ndarray, params: LshParams) -> np.ndarray:
    """``bands x bits`` hyperplane projections plus one for tie-breaking, float32."""
    rng = np.random.default_rng(params.seed)
    planes = rng.standard_normal((vectors.shape[1], params.bands * params.bits + 1))
    return np.asarray(vectors, dtype=np.float32) @ planes.astype(np.float32)


def _candidates(signs: np.ndarray, tie: np.ndarray, is_query: np.ndarray, ok: np.ndarray,
                params: LshParams, max_hamming: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left < right) pairs sharing a band key within ``window`` in sorted order
    whose packed signs differ in at most ``max_hamming`` bits (filtered band by band, so
    the far candidates of a dense bucket are never collected)."""
    n = len(signs)
    packed = _pack(signs)
    weights = (1 << np.arange(params.bits, dtype=np.int64))
    found = []
    for band in range(params.bands):
        keys = signs[:, band * params.bits:(band + 1) * params.bits] @ weights
        keys = np.where(ok, keys, -1 - np.arange(n))  # excluded rows get a key of their own
        order = np.lexsort((tie, keys))
        sorted_keys = keys[order]
        for d in range(1, min(params.window, n - 1) + 1):
            a, b = order[:-d], order[d:]
            hit = np.flatnonzero((sorted_keys[:-d] == sorted_keys[d:])
                                 & (is_query[a] | is_query[b]))
            if not len(hit):
                continue
            a, b = a[hit], b[hit]
            close = _hamming(packed, a, b) <= max_hamming
            found.append(np.minimum(a[close], b[close]) * n + np.maximum(a[close], b[close]))
    codes = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    codes = codes[np.concatenate([[True], codes[1:] != codes[:-1]])] if len(codes) else codes
    return codes // n, codes % n


def _pack(signs: np.ndarray) -> np.ndarray:
    """Sign bits packed into rows of uint64 words (zero padded)."""
    width = -(-signs.shape[1] // 64) * 64
    padded = np.zeros((len(signs), width), dtype=bool)
    padded[:, :signs.shape[1]] = signs
    return np.packbits(padded, axis=1).view(np.uint64)


def _hamming(packed: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.zeros(len(left), dtype=np.int64)
    for start in range(0, len(left), CHUNK):
        a, b = left[start:start + CHUNK], right[start:start + CHUNK]
        out[start:start + len(a)] = np.bitwise_count(packed[a] ^ packed[b]).sum(axis=1)
    return out


def _max_hamming(threshold: float, bits: int) -> float:
    """Hamming distance a pair exactly at ``threshold`` stays under with probability ~0.999
    (binomial mean ``bits * angle / pi`` plus 3 standard deviations; pairs above the
    threshold have a smaller mean): the prefilter drops almost no true pair, only far ones."""
    p = float(np.arccos(np.clip(threshold, -1.0, 1.0)) / np.pi)
    return bits * p + 3.0 * float(np.sqrt(bits * p * (1 - p))) + 1.0


def _dots(vectors: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.zeros(len(left), dtype=np.float32)
    for start in range(0, len(left), CHUNK):
        a, b = left[start:start + CHUNK], right[start:start + CHUNK]
        # an elementwise product and a row sum: several times faster than the same einsum
        out[start:start + len(a)] = (vectors[a] * vectors[b]).sum(axis=1)
    return out


#: candidate pairs compared at a time: the gathered rows (16 MB) stay small and warm
CHUNK = 16_384
