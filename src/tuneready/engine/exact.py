"""``--engine dask``, on the driver: the per-shard partials merged into exact numbers.

Everything here reads the ``Scan`` summaries (small: histograms, counts, eval matches) and
returns numbers the checks use as they would their own (``Dataset.population``):

- token statistics from the exact per-value histogram (``np.percentile``'s interpolation);
- identity-term group counts (the bias check's lexicon), summed over shards;
- train/eval leakage, exact and near, with ``checks.duplicates._leakage``'s choices.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tuneready.engine.shardscan import ORDER_BITS

_LOW = np.int64((1 << ORDER_BITS) - 1)


def global_rows(orders: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Row ids of the whole data set from order keys (shard offset + row id in the shard)."""
    orders = np.asarray(orders, dtype=np.int64)
    return offsets[orders >> ORDER_BITS] + (orders & _LOW)


def _quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``np.percentile(expanded, q)`` (method "linear") without expanding the histogram."""
    n = int(counts.sum())
    h = (n - 1) * (q / 100.0)  # numpy's order of operations
    lo = int(np.floor(h))
    cum = np.cumsum(counts)
    a = float(values[np.searchsorted(cum, lo + 1)])
    b = float(values[np.searchsorted(cum, min(lo + 1, n - 1) + 1)])
    t = h - lo
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def token_stats(parts: list[dict[str, Any]], limit: int, encoding: str) -> dict[str, Any]:
    """The schema check's token metrics over every row, and its histogram table."""
    values = np.concatenate([p["values"] for p in parts]) if parts else np.zeros(0, np.int64)
    counts = np.concatenate([p["counts"] for p in parts]) if parts else np.zeros(0, np.int64)
    if not counts.sum():
        return {"total_tokens": 0, "context_limit": limit, "encoding": encoding}
    merged = pd.Series(counts).groupby(values).sum().sort_index()
    v, c = merged.index.to_numpy(np.int64), merged.to_numpy(np.int64)
    top = max(1.0, _quantile(v, c, 99))
    hist, edges = np.histogram(np.minimum(v, top), bins=20, range=(0.0, top), weights=c)
    return {
        "total_tokens": int((v * c).sum()),
        "input_tokens": sum(int(p["input"]) for p in parts),
        "target_tokens": sum(int(p["target"]) for p in parts),
        "tokens_p50": int(_quantile(v, c, 50)), "tokens_p95": int(_quantile(v, c, 95)),
        "tokens_max": int(v.max()),
        "over_context_limit": int(c[v > limit].sum()) if limit else 0,
        "context_limit": limit, "encoding": encoding,
        "histogram": [{"lo": round(float(lo), 1), "hi": round(float(hi), 1), "count": int(n)}
                      for lo, hi, n in zip(edges[:-1], edges[1:], hist, strict=True)]}


def identity_stats(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows per lexicon group and category, and rows with any identity term."""
    groups: dict[str, dict[str, int]] = {}
    for part in parts:
        for cat, counts in part.get("groups", {}).items():
            into = groups.setdefault(cat, {})
            for g, n in counts.items():
                into[g] = into.get(g, 0) + int(n)
    return {"groups": {c: dict(sorted(g.items())) for c, g in sorted(groups.items())},
            "rows_with_identity_terms": sum(int(p.get("rows", 0)) for p in parts)}


def leakage(eval_frame: pd.DataFrame, eval_hash: np.ndarray, nonempty: np.ndarray,
            exact_parts: list[pd.DataFrame], near_parts: list[pd.DataFrame],
            offsets: np.ndarray, threshold: float) -> dict[str, Any]:
    """Eval rows whose prompt is in the training data, exactly or nearly (``_leakage``)."""
    from tuneready.checks.duplicates import TEXT_LIMIT
    from tuneready.evidence.minhash import best_of

    m = len(eval_frame)
    train = np.full(m, -1, dtype=np.int64)
    sim = np.zeros(m, dtype=np.float64)
    found = pd.concat(exact_parts, ignore_index=True) if exact_parts else pd.DataFrame()
    exact = np.zeros(m, dtype=bool)
    if len(found):
        first = found.groupby("prompt")["order"].min()
        pos = pd.Index(first.index.to_numpy(np.uint64)).get_indexer(pd.Index(eval_hash))
        exact = nonempty & (pos >= 0)
        train[exact] = first.to_numpy(np.int64)[pos[exact]]
        sim[exact] = 1.0
    near = pd.concat(near_parts, ignore_index=True) if near_parts else pd.DataFrame()
    if len(near):
        todo = nonempty & ~exact
        near = near[todo[near["q"].to_numpy()]]
        near = near.sort_values(["q", "band", "order"], kind="stable").drop_duplicates(
            ["q", "band"])  # the first text of each bucket over all shards
        q, b, s = best_of(near["q"].to_numpy(), near["order"].to_numpy(),
                          near["sim"].to_numpy(), threshold)
        train[q], sim[q] = b, s
    leaked = np.flatnonzero(train >= 0)
    rows = global_rows(train[leaked], offsets) if len(leaked) else np.zeros(0, np.int64)
    eval_rows = eval_frame["row_id"].to_numpy()
    inputs = eval_frame["input"].to_numpy()
    table = [{"row_id": int(r), "eval_row_id": int(eval_rows[i]),
              "kind": "exact" if exact[i] else "near", "similarity": round(float(sim[i]), 3),
              "input": str(inputs[i])[:TEXT_LIMIT]} for i, r in zip(leaked, rows, strict=True)]
    share = len(leaked) / m if m else 0.0
    metrics = {"eval_rows": m, "leaked_eval_rows": len(leaked),
               "leaked_train_rows": len(set(rows.tolist())),
               "leaked_exact": int(exact.sum()), "leaked_near": len(leaked) - int(exact.sum()),
               "leaked_share": round(share, 4)}
    return {"metrics": metrics, "table": table[:1000],
            "train_rows": sorted(set(int(r) for r in rows)),
            "eval_row_ids": [int(eval_rows[i]) for i in leaked]}
