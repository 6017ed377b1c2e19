"""``--engine dask``: near-duplicate clusters and eval leakage over every row, exactly as the
single-machine duplicates check computes them.

The single path (``checks.duplicates.cluster``) signs each distinct normalized text, links
texts sharing an LSH bucket to the next text in first-occurrence order (a chain), keeps the
links whose estimated Jaccard reaches the threshold, and takes connected components. Here:

1. every shard emits (bucket, band, text hash, first order) for its distinct texts;
2. a hash shuffle on the bucket (``DataFrame.shuffle``, 4 bands at a time so a shuffle holds
   a quarter of the bucket rows) puts each bucket in one partition,
   where a text's first order over all shards is the minimum and the chain is formed: the
   candidate pairs, computed on the workers;
3. the candidate pairs are gathered on the driver (one pair of order keys each: they grow
   with the near-duplicate texts, not with rows) and verified on the workers, each pair by
   the shard that holds the left text's signature, the right one fetched from its shard;
4. connected components of the verified edges on the driver (scipy, linear in edges): a map
   from each text in a non-trivial component to its component's first text, broadcast back;
5. per row (on the workers) the example key (input component, label, target component), and
   the counts by shuffles: redundant rows, clusters, prompt clusters with different answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tuneready.engine.shardscan import ORDER_BITS

BUCKET_META = {"bucket": "uint64", "band": "uint8", "hash": "uint64", "order": "int64"}
PAIR_META = {"left": "int64", "right": "int64"}


def chain_pairs(part: pd.DataFrame) -> pd.DataFrame:
    """In one shuffled partition: each text once per bucket (its first order over all
    shards), then each text linked to the next in the bucket (``minhash.near_pairs``)."""
    if not len(part):
        return pd.DataFrame({k: pd.Series(dtype=v) for k, v in PAIR_META.items()})
    part = part.groupby(["band", "bucket", "hash"], sort=False)["order"].min().reset_index()
    part = part.sort_values(["band", "bucket", "order"], kind="stable")
    band, bucket = part["band"].to_numpy(), part["bucket"].to_numpy()
    order = part["order"].to_numpy()
    same = np.flatnonzero((bucket[1:] == bucket[:-1]) & (band[1:] == band[:-1]))
    return pd.DataFrame({"left": order[same], "right": order[same + 1]})


#: LSH bands per shuffle: four shuffles of 4 bands hold a quarter of the bucket rows each
BANDS_PER_SHUFFLE = 4


def candidate_pairs(client: Any, scans: list[Any], name: str, split: int,
                    bands: int) -> pd.DataFrame:
    """Unique candidate pairs (left < right, order keys) of one field, from the shuffles."""
    found = [_band_pairs(client, scans, name, split, range(b, min(bands, b + BANDS_PER_SHUFFLE)))
             for b in range(0, bands, BANDS_PER_SHUFFLE)]
    pairs = pd.concat(found, ignore_index=True).drop_duplicates()
    return pairs.sort_values(["left", "right"]).reset_index(drop=True)


def _band_pairs(client: Any, scans: list[Any], name: str, split: int,
                bands: range) -> pd.DataFrame:
    import dask.dataframe as dd

    from tuneready.engine.shardscan import bucket_frame

    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in BUCKET_META.items()})
    frames = dd.from_delayed(client.map(bucket_frame, scans, name=name, bands=bands,
                                        pure=False), meta=meta, verify_meta=False)
    # one output partition per shard at least: 4 bucket rows per distinct text and band group
    shuffled = frames.shuffle("bucket", npartitions=max(split, len(scans)))
    pair_meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in PAIR_META.items()})
    pairs = shuffled.map_partitions(chain_pairs, meta=pair_meta).drop_duplicates(
        split_out=split)
    return pairs.compute()


def verified(client: Any, scans: list[Any], name: str, pairs: pd.DataFrame,
             threshold: float) -> pd.DataFrame:
    """The candidate pairs whose estimated Jaccard reaches ``threshold`` (computed on the
    workers: signatures never come to the driver)."""
    from tuneready.engine.shardscan import sig_rows, verify

    if not len(pairs):
        return pairs.assign(sim=np.zeros(0, np.float32))
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    home, away = left >> ORDER_BITS, right >> ORDER_BITS
    sims = np.zeros(len(pairs), dtype=np.float32)
    jobs = []
    for shard in np.unique(home):
        rows = np.flatnonzero(home == shard)
        others, at = {}, {}
        for other in np.unique(away[rows]):
            pick = np.flatnonzero(away[rows] == other)
            wanted = client.scatter(right[rows[pick]])  # data, not graph: no large graphs
            others[int(other)] = client.submit(sig_rows, scans[int(other)], name, wanted,
                                               pure=False)
            at[int(other)] = pick
        sides = client.scatter([left[rows], right[rows], at])
        jobs.append((rows, client.submit(verify, scans[int(shard)], name, sides[0], sides[1],
                                         others, sides[2], pure=False)))
    for rows, job in jobs:
        sims[rows] = job.result()
    out = pairs.assign(sim=sims)
    return out[out["sim"] >= threshold].reset_index(drop=True)


def roots(edges: pd.DataFrame, hash_of: dict[int, int]) -> pd.Series:
    """Text hash -> hash of its component's first text, for texts in a verified edge."""
    from tuneready.evidence.minhash import components

    if not len(edges):
        return pd.Series(dtype="uint64")
    nodes, codes = np.unique(np.concatenate([edges["left"], edges["right"]]),
                             return_inverse=True)
    half = len(edges)
    comp = components(len(nodes), codes[:half], codes[half:])
    first = pd.Series(nodes).groupby(comp).transform("min").to_numpy()
    return pd.Series([hash_of[int(o)] for o in first],
                     index=pd.Index([hash_of[int(o)] for o in nodes], dtype="uint64"),
                     dtype="uint64")


def field_roots(client: Any, scans: list[Any], name: str, threshold: float,
                split: int, bands: int) -> tuple[pd.Series, dict[str, int]]:
    """The component map of one field (input or target) and its pair counts."""
    from tuneready.engine.shardscan import distinct_hashes

    pairs = candidate_pairs(client, scans, name, split, bands)
    edges = verified(client, scans, name, pairs, threshold)
    orders = np.unique(np.concatenate([edges["left"], edges["right"]]))
    hash_of = _hash_of(client, scans, name, orders, distinct_hashes)
    stats = {"candidate_pairs": len(pairs), "near_pairs": len(edges)}
    return roots(edges, hash_of), stats


def _hash_of(client: Any, scans: list[Any], name: str, orders: np.ndarray,
             fn: Any) -> dict[int, int]:
    shard = orders >> ORDER_BITS
    jobs = [(orders[shard == s], client.submit(fn, scans[int(s)], name, orders[shard == s],
                                               pure=False)) for s in np.unique(shard)]
    out: dict[int, int] = {}
    for o, job in jobs:
        out.update(zip(o.tolist(), job.result().tolist(), strict=True))
    return out


def example_keys(scan: Any, inputs: pd.Series, targets: pd.Series | None) -> pd.DataFrame:
    """Per row: its input component and example key (component, label, target component),
    as ``checks.duplicates.example_clusters`` factorizes them."""
    parts = scan.parts
    comp = _mapped(parts["prompt"], inputs)
    key = {"c": comp, "l": parts["label"].fillna("\x00")}
    if targets is not None:
        key["t"] = _mapped(parts["target"], targets)
    ex = pd.util.hash_pandas_object(pd.DataFrame(key), index=False).to_numpy()
    return pd.DataFrame({"comp": comp.to_numpy(), "ex": ex})


def _mapped(hashes: pd.Series, root: pd.Series) -> pd.Series:
    """Each hash's component root, the hash itself outside any edge (uint64 throughout:
    ``Series.map`` would pass through float64 and round 64-bit hashes)."""
    values = hashes.to_numpy(np.uint64)
    if not len(root):
        return pd.Series(values, index=hashes.index)
    pos = pd.Index(root.index).get_indexer(values)
    out = np.where(pos >= 0, root.to_numpy(np.uint64)[np.maximum(pos, 0)], values)
    return pd.Series(out.astype(np.uint64), index=hashes.index)


def near_clusters(client: Any, scans: list[Any], threshold: float, has_targets: bool,
                  raw_n: int, distinct_n: int, split: int, bands: int) -> dict[str, Any]:
    """The duplicates check's metrics over every row (see the module docstring)."""
    import dask
    import dask.dataframe as dd

    inputs, stats = field_roots(client, scans, "input", threshold, split, bands)
    targets = None
    if has_targets:
        targets, tstats = field_roots(client, scans, "target", threshold, split, bands)
        stats.update({f"target_{k}": v for k, v in tstats.items()})
    shared_inputs = client.scatter(inputs, broadcast=True)
    shared_targets = None if targets is None else client.scatter(targets, broadcast=True)
    meta = pd.DataFrame({"comp": pd.Series(dtype="uint64"), "ex": pd.Series(dtype="uint64")})
    keys = dd.from_delayed(client.map(example_keys, scans, inputs=shared_inputs,
                                      targets=shared_targets, pure=False),
                           meta=meta, verify_meta=False)
    sizes = keys["ex"].value_counts(split_out=split)
    per_comp = keys.drop_duplicates(split_out=split).groupby("comp").size(split_out=split)
    n_ex, n_clusters, n_conflicting = dask.compute(sizes.size, (sizes > 1).sum(),
                                                   (per_comp > 1).sum())
    redundant = raw_n - int(n_ex)
    exact = raw_n - distinct_n
    return {"rows": raw_n, "exact_duplicates": exact, "near_duplicates": redundant - exact,
            "redundant_rows": redundant,
            "redundant_share": round(redundant / raw_n, 4) if raw_n else 0.0,
            "clusters": int(n_clusters), "near_threshold": threshold,
            "prompt_clusters_with_different_answers": int(n_conflicting),
            "near_texts": len(inputs), **stats}
