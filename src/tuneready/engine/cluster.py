"""``--engine dask``: the exact passes on a Dask cluster, shard by shard; models on a sample.

A data set too large for one machine is read on the workers, one task per shard, each with
tuneready's own loader (same parsing, mapping and normalization as the single-machine path).
Workers return one small frame per shard (row hashes, label, length) and a seeded sample of
their rows; the driver never holds all rows. Exact over every row, computed on the cluster:

- records, and the malformed records by shard and line (the loader's problems);
- distinct examples (normalized input + target + label) and so exact duplicates, by a hash
  shuffle (``drop_duplicates(split_out=...)``), never a set of every hash on one process;
- prompts with conflicting labels (same normalized input, more than one label), also shuffled;
- per-label counts and input lengths (characters).

The model-based checks then run on the driver over the gathered sample, as ``--sample``
does: the report says which numbers are exact (``Dataset.population``) and which sampled.
Dask (``pip install 'tuneready[dask]'``) is imported only here, inside functions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tuneready.io import Dataset, LoadOptions

#: the cluster's partial frames: one row per record
PARTIAL_COLUMNS = {"example": "uint64", "prompt": "uint64", "label": "str", "chars": "int64"}


@dataclass(frozen=True)
class Cluster:
    """Where to run: a local cluster of ``workers`` processes, or an existing ``scheduler``."""

    workers: int = 2
    scheduler: str | None = None
    threads_per_worker: int = 1


def require_dask() -> None:
    """Fail closed, with the install line, when the optional extra is missing."""
    from tuneready.config.errors import InputError

    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise InputError("--engine dask needs Dask: pip install 'tuneready[dask]'") from None


def client_for(cluster: Cluster) -> Any:
    """A ``distributed.Client``: connected to ``scheduler`` or over a new ``LocalCluster``
    (worker processes, so the shards are parsed in parallel outside the driver's GIL)."""
    from distributed import Client, LocalCluster

    if cluster.scheduler:
        return Client(cluster.scheduler)
    local = LocalCluster(n_workers=cluster.workers, threads_per_worker=cluster.threads_per_worker,
                         processes=True, dashboard_address=":0")
    return Client(local)


def close(client: Any) -> None:
    """Close the client, and the local cluster when it started one (not a user's)."""
    local = client.cluster
    client.close()
    if local is not None:
        local.close()


def partials(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per record: the hashes ``io.sample.population_counts`` counts, label, length.

    The same hash as the single-machine path (``pd.util.hash_pandas_object`` of the
    normalized input, target and label), so the distinct counts are identical.
    """
    from tuneready.io.text import normalize

    inp = frame["input"].map(normalize)
    key = pd.DataFrame({"i": inp, "t": frame["target"].map(normalize),
                        "l": frame["label"].fillna("\x00")})
    return pd.DataFrame({
        "example": pd.util.hash_pandas_object(key, index=False).to_numpy(),
        "prompt": pd.util.hash_pandas_object(inp, index=False).to_numpy(),
        "label": frame["label"].astype("str").where(frame["label"].notna(), None),
        "chars": frame["input"].fillna("").str.len().to_numpy(dtype=np.int64)})


def sample_keys(frame: pd.DataFrame, shard: str, seed: int) -> np.ndarray:
    """A seeded pseudo-random key per record, from its shard, row and input: the same rows
    are drawn however the shards are spread over workers."""
    key = pd.DataFrame({"s": shard, "r": frame["row_id"].astype("int64"),
                        "i": frame["input"].fillna("")})
    return pd.util.hash_pandas_object(key, index=False,
                                      hash_key=f"tuneready{seed:07d}"[:16]).to_numpy()


@dataclass
class Shard:
    """One loaded shard, kept on its worker: rows, sample keys, problems, line span."""

    name: str
    frame: pd.DataFrame
    keys: np.ndarray
    problems: list[Any]
    span: int
    meta: dict[str, Any]


def load_shard(path: str, name: str, options: LoadOptions, seed: int) -> Shard:
    """On a worker: one shard read by tuneready's own loader (row ids local to the shard)."""
    from tuneready.io import load_dataset

    data = load_dataset(path, replace(options, sample=None))
    span = int(data.sources[0]["last_row"]) if data.sources else int(data.records_read)
    meta = {"format": data.format, "reader": data.reader, "mapping": data.mapping,
            "records_read": data.records_read, "sha256": data.sha256,
            "notes": [n for n in data.notes if not n.startswith("audited a stratified")]}
    return Shard(name, data.frame, sample_keys(data.frame, name, seed), data.problems, span,
                 meta)


def shard_summary(shard: Shard) -> tuple[str, int, list[Any], dict[str, Any]]:
    return shard.name, shard.span, shard.problems, shard.meta


def shard_partials(shard: Shard) -> pd.DataFrame:
    return partials(shard.frame)


def smallest_keys(shard: Shard, wanted: dict[str, int]) -> dict[str, np.ndarray]:
    """Per label, the shard's ``wanted[label]`` smallest sample keys (unlabelled: "")."""
    labels = shard.frame["label"].fillna("").to_numpy(dtype=object)
    out = {}
    for label, k in wanted.items():
        keys = shard.keys[labels == label]
        out[label] = np.sort(keys)[:k]
    return out


def sampled_rows(shard: Shard, first_row: int, cut: dict[str, np.uint64]) -> pd.DataFrame:
    """The shard's rows whose key is at or below its label's cut, ids made global."""
    labels = shard.frame["label"].fillna("").to_numpy(dtype=object)
    cuts = np.asarray([cut.get(v, np.uint64(0)) for v in labels], dtype=np.uint64)
    has = np.asarray([v in cut for v in labels], dtype=bool)
    frame = shard.frame[has & (shard.keys <= cuts)].copy()
    frame["row_id"] = frame["row_id"].astype("int64") + first_row
    return frame


def exact_counts(parts: Any, workers: int) -> dict[str, Any]:
    """The exact numbers over every row from the cluster's partial frames (a Dask frame).

    Distinct examples and conflicting prompts by hash shuffles (``split_out``): each output
    partition holds one hash range, so no process holds every hash.
    """
    import dask

    split = max(2, workers * 2)
    distinct = parts["example"].drop_duplicates(split_out=split).size
    pairs = parts[["prompt", "label"]].dropna().drop_duplicates(split_out=split)
    per_prompt = pairs.groupby("prompt", sort=False).size(split_out=split)
    conflicts = (per_prompt > 1).sum()
    labels = parts["label"].dropna().value_counts()
    chars = parts["chars"]
    raw, n_distinct, n_conflicts, label_counts, total, longest = dask.compute(
        parts.shape[0], distinct, conflicts, labels, chars.sum(), chars.max())
    counts = pd.Series(label_counts).sort_index()
    return {"raw_n": int(raw), "distinct_n": int(n_distinct),
            "exact_duplicates": int(raw) - int(n_distinct),
            "conflicting_prompts": int(n_conflicts),
            "label_counts": {str(k): int(v) for k, v in counts.items()},
            "input_chars_total": int(total), "input_chars_max": int(longest)}


def load_on_cluster(paths: list[Path], options: LoadOptions, cluster: Cluster,
                    sample_n: int) -> Dataset:
    """The data set as the single-machine loader would give it with ``--sample sample_n``:
    a stratified sample in ``frame``, the exact counts in ``population``, all computed on
    the cluster (see the module docstring)."""
    require_dask()
    from tuneready.io.sources import resolve

    source = resolve(paths, options.split)
    client = client_for(cluster)
    try:
        files = [str(f) for f in source.files]
        shards = client.map(load_shard, files, [source.label(f) for f in source.files],
                            options=options, seed=options.seed, pure=False)
        exact = cluster_counts(client, shards, cluster.workers)
        summaries = client.gather(client.map(shard_summary, shards))
        frame = gather_sample(client, shards, exact, summaries, sample_n)
        del shards
    finally:
        close(client)
    return _dataset(source.name, summaries, frame, exact, sample_n)


def cluster_counts(client: Any, shards: list[Any], workers: int) -> dict[str, Any]:
    import dask.dataframe as dd

    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in PARTIAL_COLUMNS.items()})
    parts = dd.from_delayed(client.map(shard_partials, shards), meta=meta, verify_meta=False)
    return exact_counts(parts, workers)


def quotas(label_counts: dict[str, int], unlabelled: int, n: int) -> dict[str, int]:
    """Rows to draw per label ("" = unlabelled), by ``io.sample.stratified_sample``'s rule."""
    total = unlabelled + sum(label_counts.values())
    fraction = min(1.0, n / total) if total else 1.0
    counts = dict(label_counts, **({"": unlabelled} if unlabelled else {}))
    return {k: min(v, max(1, round(v * fraction))) for k, v in counts.items()}


def gather_sample(client: Any, shards: list[Any], exact: dict[str, Any],
                  summaries: list[Any], n: int) -> pd.DataFrame:
    """Per label, the rows with the smallest sample keys over all shards: two small
    rounds (each shard's smallest keys, then the rows under the cut), no full scan."""
    unlabelled = exact["raw_n"] - sum(exact["label_counts"].values())
    wanted = quotas(exact["label_counts"], unlabelled, n)
    keys = client.gather(client.map(smallest_keys, shards, wanted=wanted))
    cut = {}
    for label, k in wanted.items():
        pooled = np.sort(np.concatenate([part[label] for part in keys]))
        cut[label] = pooled[k - 1]
    offsets = np.concatenate([[0], np.cumsum([span for _, span, _, _ in summaries])[:-1]])
    frames = client.gather(client.map(sampled_rows, shards, [int(o) for o in offsets],
                                      cut=cut))
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values("row_id", kind="stable").reset_index(drop=True)


def _dataset(name: str, summaries: list[Any], frame: pd.DataFrame, exact: dict[str, Any],
             sample_n: int) -> Dataset:
    from tuneready.config.errors import InputError
    from tuneready.io import Dataset
    from tuneready.io.dataset import LoadProblem

    formats = {meta["format"] for _, _, _, meta in summaries}
    if len(formats) > 1:
        raise InputError(f"shards were read as different formats ({', '.join(sorted(formats))});"
                         " name one with --format", path=name)
    problems: list[LoadProblem] = []
    malformed: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    offset = 0
    for shard, span, shard_problems, meta in summaries:
        problems += [LoadProblem(p.line + offset, p.field, p.message, p.code)
                     for p in shard_problems]
        malformed += [{"shard": shard, "line": p.line, "message": p.message}
                      for p in shard_problems]
        sources.append({"path": shard, "first_row": offset + 1, "last_row": offset + span,
                        "records": meta["records_read"] - len(shard_problems),
                        "problems": len(shard_problems), "sha256": meta["sha256"]})
        offset += span
    first = summaries[0][3]
    population = dict(exact, malformed_records=len(malformed), malformed=malformed[:100],
                      engine="dask")
    notes = [
        *first["notes"],
        f"dask engine: exact counts over all {exact['raw_n']:,} rows on the cluster; the "
        f"checks ran on a stratified sample of {len(frame):,} rows (other numbers estimates)"]
    return Dataset(path=name, format=first["format"], reader=first["reader"], frame=frame,
                   mapping=first["mapping"], problems=problems,
                   sha256=first["sha256"] if len(summaries) == 1 else "",
                   records_read=sum(m["records_read"] for _, _, _, m in summaries),
                   notes=notes, population=population, sources=sources)
