"""``--engine dask``: the exact passes on a Dask cluster, shard by shard; models on a sample.

A data set too large for one machine is read on the workers, one task per shard, each with
tuneready's own loader (same parsing, mapping and normalization as the single-machine path),
ONCE: ``engine.shardscan.scan_shard`` reduces the shard to hashes, distinct-text signatures,
histograms and sample candidates and drops the rows. Exact over every row, on the cluster:

- records, and the malformed records by shard and line (the loader's problems);
- distinct examples (normalized input + target + label) and so exact duplicates, by a hash
  shuffle (``drop_duplicates(split_out=...)``), never a set of every hash on one process;
- prompts with conflicting labels (same normalized input, more than one label), also shuffled;
- per-label counts and input lengths (characters), token counts (the schema check's);
- near-duplicate clusters (MinHash, LSH band shuffle, ``engine.near``), train/eval leakage
  (exact and near, ``engine.exact.leakage``), identity-term group counts (the bias lexicon).

The model-based checks then run on the driver over a seeded stratified sample gathered from
the scans' candidates, as ``--sample`` does: the report says which numbers are exact
(``Dataset.population``) and which sampled. The driver holds the sample, per-shard summaries,
the near-duplicate candidate pairs (they grow with near-duplicate texts, not with rows) and
the eval set. Dask (``pip install 'tuneready[dask]'``) is imported only inside functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.engine.exact import identity_stats, leakage, token_stats
from tuneready.engine.near import near_clusters
from tuneready.engine.shardscan import Scan, ScanSpec
from tuneready.evidence.minhash import MinHashParams

if TYPE_CHECKING:
    from tuneready.io import Dataset, LoadOptions

#: the cluster's partial frames: one row per record (``engine.shardscan.partials``)
PARTIAL_COLUMNS = {"example": "uint64", "prompt": "uint64", "target": "uint64",
                   "label": "object", "chars": "int64", "order": "int64"}


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
    import logging

    from distributed import Client, LocalCluster

    # the p2p shuffle's scheduler plugin logs a WARNING each time a shuffle starts and ends
    # (dozens per audit, routine, not a problem): they would bury the audit's own output
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
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


@dataclass(frozen=True)
class Passes:
    """The settings of the exact passes that the checks' policy decides (the duplicates
    check's MinHash, the schema check's tokenizer and context limit) and the eval set."""

    params: MinHashParams = field(default_factory=MinHashParams)
    threshold: float = 0.8
    encoding: str = "cl100k_base"
    context_limit: int = 8192
    eval_data: Dataset | None = None
    identity: bool = True


def scan_summary(scan: Scan) -> dict[str, Any]:
    """The small part of a scan, for the driver: no per-row column."""
    return {"name": scan.name, "span": scan.span, "problems": scan.problems,
            "meta": scan.meta, "has_targets": scan.has_targets, "tokens": scan.tokens,
            "identity": scan.identity, "bounds": scan.bounds,
            "eval_exact": scan.eval_exact, "eval_near": scan.eval_near}


def scan_parts(scan: Scan) -> pd.DataFrame:
    return scan.parts


def load_on_cluster(paths: list[Path], options: LoadOptions, cluster: Cluster,
                    sample_n: int, passes: Passes | None = None,
                    timings: dict[str, float] | None = None) -> Dataset:
    """The data set as the single-machine loader would give it with ``--sample sample_n``:
    a stratified sample in ``frame``, the exact numbers in ``population``, all computed on
    the cluster (see the module docstring). ``timings``: seconds per phase, filled in."""
    require_dask()
    from tuneready.engine.shardscan import scan_shard
    from tuneready.io.sources import resolve

    passes = passes or Passes()
    clock = _Clock(timings if timings is not None else {})
    source = resolve(paths, options.split)
    files = [str(f) for f in source.files]
    names = [source.label(f) for f in source.files]
    query = _eval_query(passes)
    spec = ScanSpec(options, options.seed, passes.params, passes.encoding, len(files),
                    sample_n, query[1], query[2], passes.identity)
    client = client_for(cluster)
    split = max(2, cluster.workers * 2)
    try:
        shared = client.scatter(spec, broadcast=True)  # the eval signatures: sent once
        scans = client.map(scan_shard, files, names, range(len(files)), spec=shared,
                           pure=False)
        summaries = clock("scan", lambda: client.gather(client.map(scan_summary, scans,
                                                                   pure=False)))
        exact = clock("counts", lambda: cluster_counts(client, scans, cluster.workers))
        offsets = np.concatenate([[0], np.cumsum([s["span"] for s in summaries])[:-1]])
        offsets = offsets.astype(np.int64)
        has_targets = any(s["has_targets"] for s in summaries)
        exact["duplicates"] = clock("near", lambda: near_clusters(
            client, scans, passes.threshold, has_targets, exact["raw_n"], exact["distinct_n"],
            split, passes.params.bands))
        frame = clock("sample", lambda: gather_sample(client, scans, exact, summaries, offsets,
                                                      files, shared, sample_n))
        scans.clear()  # release the scans on the workers before closing
    finally:
        close(client)
    exact["tokens"] = token_stats([s["tokens"] for s in summaries], passes.context_limit,
                                  passes.encoding)
    if passes.identity:
        exact["identity"] = identity_stats([s["identity"] for s in summaries])
    if passes.eval_data is not None:
        exact["leakage"] = leakage(passes.eval_data.frame, query[0], query[3],
                                   [s["eval_exact"] for s in summaries],
                                   [s["eval_near"] for s in summaries], offsets,
                                   passes.threshold)
    return _dataset(source.name, summaries, frame, exact, sample_n)


class _Clock:
    """Seconds per phase (``bench/scale.py`` prints them; never in the audit's JSON)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    def __call__(self, name: str, fn: Any) -> Any:
        start = time.perf_counter()
        out = fn()
        self.into[name] = self.into.get(name, 0.0) + time.perf_counter() - start
        return out


def _eval_query(passes: Passes) -> tuple[Any, Any, Any, Any]:
    """The eval set's prompt hashes (all rows, and the unique non-empty ones), signatures
    and which rows are non-empty: computed once on the driver, shipped to every shard."""
    if passes.eval_data is None:
        return None, None, None, None
    from tuneready.evidence.minhash import signatures
    from tuneready.io.text import normalize

    norm = passes.eval_data.frame["input"].map(normalize)
    hashes = pd.util.hash_pandas_object(norm, index=False).to_numpy()
    nonempty = (norm.fillna("").str.len() > 0).to_numpy()
    sig = signatures(norm.fillna("").tolist(), passes.params)
    return hashes, np.unique(hashes[nonempty]), sig, nonempty


def cluster_counts(client: Any, scans: list[Any], workers: int) -> dict[str, Any]:
    import dask.dataframe as dd

    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in PARTIAL_COLUMNS.items()})
    parts = dd.from_delayed(client.map(scan_parts, scans, pure=False), meta=meta,
                            verify_meta=False)
    return exact_counts(parts, workers)


def quotas(label_counts: dict[str, int], unlabelled: int, n: int) -> dict[str, int]:
    """Rows to draw per label ("" = unlabelled), by ``io.sample.stratified_sample``'s rule."""
    total = unlabelled + sum(label_counts.values())
    fraction = min(1.0, n / total) if total else 1.0
    counts = dict(label_counts, **({"": unlabelled} if unlabelled else {}))
    return {k: min(v, max(1, round(v * fraction))) for k, v in counts.items()}


def candidate_keys(scan: Scan) -> dict[str, np.ndarray]:
    labels = scan.candidates["label"].fillna("").to_numpy(dtype=object)
    keys = scan.candidates["_key"].to_numpy(np.uint64)
    return {str(v): np.sort(keys[labels == v]) for v in pd.unique(labels)}


def rows_at_or_below(frame: pd.DataFrame, first_row: int,
                     cut: dict[str, int]) -> pd.DataFrame:
    """Candidate rows whose key is at or below their label's cut, ids made global."""
    labels = frame["label"].fillna("").to_numpy(dtype=object)
    limit = np.asarray([cut.get(str(v), -1) for v in labels], dtype=object)
    has = limit != -1
    keep = np.zeros(len(frame), dtype=bool)
    keep[has] = frame["_key"].to_numpy(np.uint64)[has] <= limit[has].astype(np.uint64)
    out = frame[keep].drop(columns="_key")
    out["row_id"] = out["row_id"].astype("int64") + first_row
    return out


def scan_sample(scan: Scan, first_row: int, cut: dict[str, int]) -> pd.DataFrame:
    return rows_at_or_below(scan.candidates, first_row, cut)


def gather_sample(client: Any, scans: list[Any], exact: dict[str, Any],
                  summaries: list[dict[str, Any]], offsets: np.ndarray, files: list[str],
                  spec: Any, n: int) -> pd.DataFrame:
    """Per label, the rows with the smallest sample keys over all shards, from the
    candidates each scan kept; a shard whose candidates do not reach a label's cut (shards
    of very unequal size) is read again for the rows under the cut."""
    unlabelled = exact["raw_n"] - sum(exact["label_counts"].values())
    wanted = quotas(exact["label_counts"], unlabelled, n)
    keys = client.gather(client.map(candidate_keys, scans, pure=False))
    pooled = {label: np.sort(np.concatenate([part.get(label, np.zeros(0, np.uint64))
                                             for part in keys])) for label in wanted}
    short = {label: k for label, k in wanted.items() if len(pooled[label]) < k}
    if short:  # candidates too few for a quota (very unequal shards): read the keys again
        from tuneready.engine.shardscan import smallest_keys

        again = client.gather(client.map(smallest_keys, files, [s["name"] for s in summaries],
                                         spec=spec, wanted=short, pure=False))
        pooled.update({label: np.sort(np.concatenate([part[label] for part in again]))
                       for label in short})
    cut = {label: int(pooled[label][k - 1]) for label, k in wanted.items()}
    jobs = []
    for i, summary in enumerate(summaries):
        reached = all(cut[label] <= summary["bounds"].get(label, cut[label]) for label in cut)
        if not reached:
            jobs.append(client.submit(_reread, files[i], summary["name"], spec, cut,
                                      int(offsets[i]), pure=False))
        else:
            jobs.append(client.submit(scan_sample, scans[i], int(offsets[i]), cut, pure=False))
    frames = client.gather(jobs)
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values("row_id", kind="stable").reset_index(drop=True)


def _reread(path: str, name: str, spec: ScanSpec, cut: dict[str, int],
            first_row: int) -> pd.DataFrame:
    from tuneready.engine.shardscan import rows_under

    return rows_at_or_below(rows_under(path, name, spec, cut), first_row, cut)

def _dataset(name: str, summaries: list[Any], frame: pd.DataFrame, exact: dict[str, Any],
             sample_n: int) -> Dataset:
    from tuneready.config.errors import InputError
    from tuneready.io import Dataset
    from tuneready.io.dataset import LoadProblem

    formats = {s["meta"]["format"] for s in summaries}
    if len(formats) > 1:
        raise InputError(f"shards were read as different formats ({', '.join(sorted(formats))});"
                         " name one with --format", path=name)
    problems: list[LoadProblem] = []
    malformed: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    offset = 0
    for summary in summaries:
        shard, span, shard_problems = summary["name"], summary["span"], summary["problems"]
        meta = summary["meta"]
        problems += [LoadProblem(p.line + offset, p.field, p.message, p.code)
                     for p in shard_problems]
        malformed += [{"shard": shard, "line": p.line, "message": p.message}
                      for p in shard_problems]
        sources.append({"path": shard, "first_row": offset + 1, "last_row": offset + span,
                        "records": meta["records_read"] - len(shard_problems),
                        "problems": len(shard_problems), "sha256": meta["sha256"]})
        offset += span
    first = summaries[0]["meta"]
    population = dict(exact, malformed_records=len(malformed), malformed=malformed[:100],
                      engine="dask")
    notes = [
        *first["notes"],
        f"dask engine: exact counts, token counts, near duplicates, leakage and identity-term "
        f"counts over all {exact['raw_n']:,} rows on the cluster; the model-based checks ran "
        f"on a stratified sample of {len(frame):,} rows (their numbers are estimates)"]
    return Dataset(path=name, format=first["format"], reader=first["reader"], frame=frame,
                   mapping=first["mapping"], problems=problems,
                   sha256=first["sha256"] if len(summaries) == 1 else "",
                   records_read=sum(s["meta"]["records_read"] for s in summaries),
                   notes=notes, population=population, sources=sources)
