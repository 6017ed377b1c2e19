"""semantic: LSH + sorted neighbourhood + packed-sign prefilter finds close vector pairs."""

from __future__ import annotations

import numpy as np

from tuneready.evidence.semantic import LshParams, _max_hamming, cross_pairs, similar_pairs


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def planted(n: int = 1500, pairs: int = 100, dims: int = 64, seed: int = 0
            ) -> tuple[np.ndarray, set[tuple[int, int]]]:
    """Random unit vectors, the last ``pairs`` of them small perturbations of the first."""
    rng = np.random.default_rng(seed)
    base = unit(rng.standard_normal((n, dims)))
    near = unit(base[:pairs] + 0.15 * rng.standard_normal((pairs, dims)) / np.sqrt(dims))
    return np.vstack([base, near]), {(i, n + i) for i in range(pairs)}


def exact(vectors: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    sim = vectors @ vectors.T
    left, right = np.nonzero(np.triu(sim >= threshold, 1))
    return set(zip(left.tolist(), right.tolist(), strict=True))


def found(p) -> set[tuple[int, int]]:
    return set(zip(p.left.tolist(), p.right.tolist(), strict=True))


def test_finds_the_planted_pairs_and_nothing_below_the_threshold() -> None:
    vectors, truth = planted()
    assert exact(vectors, 0.92) == truth  # random 64-d vectors are far apart
    result = similar_pairs(vectors, 0.92)
    assert len(found(result) & truth) >= 0.97 * len(truth)
    assert found(result) <= truth
    np.testing.assert_allclose(result.cosine, (vectors[result.left] * vectors[result.right])
                               .sum(axis=1), rtol=1e-5)
    assert (result.left < result.right).all()


def test_recall_against_exact_search_on_a_continuum_of_similarities() -> None:
    rng = np.random.default_rng(4)
    centres = unit(rng.standard_normal((200, 32)))
    vectors = unit(np.repeat(centres, 6, axis=0) + 0.08 * rng.standard_normal((1200, 32)))
    truth = exact(vectors, 0.9)
    assert len(truth) > 100  # pairs on both sides of the threshold
    got = found(similar_pairs(vectors, 0.9))
    assert got <= truth
    assert len(got) >= 0.9 * len(truth)


def test_only_pairs_with_a_query_and_never_an_excluded_row() -> None:
    vectors, _truth = planted()
    queries = np.arange(0, 50)
    got = found(similar_pairs(vectors, 0.92, queries))
    assert got and all(a in set(queries) or b in set(queries) for a, b in got)
    allowed = np.ones(len(vectors), dtype=bool)
    allowed[:10] = False
    got = found(similar_pairs(vectors, 0.92, allowed=allowed))
    assert got and all(a >= 10 and b >= 10 for a, b in got)


def test_a_huge_bucket_costs_a_window_per_row_not_its_square() -> None:
    same = np.tile(unit(np.ones((1, 16))), (3000, 1))
    result = similar_pairs(same, 0.99, params=LshParams(window=3))
    assert 0 < len(result.left) <= 3000 * 3


def test_cross_pairs_pair_the_two_sets_only() -> None:
    vectors, _truth = planted()
    base, query = vectors[:1500], vectors[1500:]
    result = cross_pairs(base, query, 0.92)
    assert found(result) <= {(i, i) for i in range(100)}
    assert len(result.left) >= 97


def test_seeded_and_deterministic() -> None:
    vectors, _ = planted(seed=3)
    a, b = similar_pairs(vectors, 0.9), similar_pairs(vectors, 0.9)
    assert np.array_equal(a.left, b.left) and np.array_equal(a.right, b.right)
    assert len(similar_pairs(vectors[:1], 0.9).left) == 0


def test_hamming_margin_keeps_pairs_at_the_threshold() -> None:
    bits = 192
    rng = np.random.default_rng(0)
    angle = np.arccos(0.92) / np.pi
    draws = rng.binomial(bits, angle, size=100_000)
    assert (draws <= _max_hamming(0.92, bits)).mean() > 0.998
    assert _max_hamming(0.95, bits) < _max_hamming(0.9, bits)
