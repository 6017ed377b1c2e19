"""engine.exact: numbers merged from per-shard histograms equal those of the expanded rows."""

from __future__ import annotations

import numpy as np

from tuneready.engine.exact import token_stats


def test_token_stats_from_histograms_equal_the_rows() -> None:
    rng = np.random.default_rng(3)
    shards = [rng.integers(0, 900, size=n) for n in (1, 17, 5000, 333)]
    parts = []
    for tokens in shards:
        values, counts = np.unique(tokens, return_counts=True)
        parts.append({"input": int(tokens.sum()), "target": 0, "values": values,
                      "counts": counts})
    every = np.concatenate(shards)
    stats = token_stats(parts, limit=800, encoding="cl100k_base")
    assert stats["total_tokens"] == int(every.sum())
    assert stats["tokens_p50"] == int(np.percentile(every, 50))
    assert stats["tokens_p95"] == int(np.percentile(every, 95))
    assert stats["tokens_max"] == int(every.max())
    assert stats["over_context_limit"] == int((every > 800).sum()) > 0
    top = max(1.0, float(np.percentile(every, 99)))
    counts, _ = np.histogram(np.minimum(every, top), bins=20, range=(0.0, top))
    assert [b["count"] for b in stats["histogram"]] == counts.tolist()


def test_token_stats_of_nothing() -> None:
    assert token_stats([], 10, "cl100k_base")["total_tokens"] == 0
