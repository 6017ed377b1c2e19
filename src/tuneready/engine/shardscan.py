"""``--engine dask``, on a worker: one pass over one shard that keeps no rows.

``scan_shard`` reads a shard once with tuneready's own loader and returns a ``Scan``: the
small per-row columns the hash shuffles need (example, prompt and target hashes, label,
length, an order key), the MinHash signatures of the shard's DISTINCT texts (what the band
shuffle and the pair verification need), exact token and identity-term counts, the eval
set's exact and bucket matches, and the sample candidates. The parsed rows are dropped when
the task returns, so a worker's memory grows with its shards' hashes and signatures (about
50 bytes a row plus 270 a distinct text), not with their text.

A row's ``order`` key is ``shard index << 40 | row id within the shard``: ordered like the
single-machine row position, so "first occurrence" and "position order" (LSH chains, best
match ties) mean the same on both paths, without knowing the other shards' sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.evidence.minhash import MinHashParams, Signatures

if TYPE_CHECKING:
    from tuneready.io import LoadOptions

#: bits of the order key that hold the row id within a shard (a trillion rows a shard)
ORDER_BITS = 40
#: per shard and label, the smallest sample keys always kept (rare labels, small shards)
MIN_CANDIDATES = 64
#: the sample keys kept per shard: up to this multiple of the shard's expected share
CANDIDATE_MARGIN = 2.0
_TOP = np.uint64(np.iinfo(np.uint64).max)


@dataclass(frozen=True)
class ScanSpec:
    """What every shard's pass computes: the same for all shards of one audit."""

    options: LoadOptions
    seed: int
    params: MinHashParams
    encoding: str = "cl100k_base"
    shards: int = 1
    sample_n: int = 200_000
    #: the eval set (``--eval``): unique normalized-input hashes and signatures of its rows
    eval_hashes: np.ndarray | None = None
    eval_sig: Signatures | None = None
    #: derive identity-term groups from the text (the bias check's lexicon)
    identity: bool = True


@dataclass
class Distinct:
    """One field's distinct texts in a shard, in first-occurrence order."""

    hashes: np.ndarray  # uint64
    orders: np.ndarray  # int64 order key of the first occurrence (ascending)
    sig: Signatures


@dataclass
class Scan:
    """What a shard's pass leaves on its worker (no row text except the sample candidates)."""

    index: int
    name: str
    span: int
    problems: list[Any]
    meta: dict[str, Any]
    parts: pd.DataFrame
    has_targets: bool
    tokens: dict[str, Any]
    distinct: dict[str, Distinct]
    candidates: pd.DataFrame
    bounds: dict[str, int]
    identity: dict[str, Any] = field(default_factory=dict)
    eval_exact: pd.DataFrame | None = None
    eval_near: pd.DataFrame | None = None


def scan_shard(path: str, name: str, index: int, spec: ScanSpec) -> Scan:
    """Read one shard and reduce it to a ``Scan`` (see the module docstring)."""
    from tuneready.io import load_dataset
    from tuneready.io.text import normalize

    data = load_dataset(path, replace(spec.options, sample=None))
    frame = data.frame
    span = int(data.sources[0]["last_row"]) if data.sources else int(data.records_read)
    meta = {"format": data.format, "reader": data.reader, "mapping": data.mapping,
            "records_read": data.records_read, "sha256": data.sha256,
            "notes": [n for n in data.notes if not n.startswith("audited a stratified")]}
    order = (np.int64(index) << np.int64(ORDER_BITS)) + frame["row_id"].to_numpy(np.int64)
    norm_in = frame["input"].map(normalize)
    norm_tg = frame["target"].map(normalize)
    parts = partials(frame, norm_in, norm_tg, order)
    has_targets = bool((frame["target"].str.len() > 0).any())
    distinct = {"input": distinct_texts(norm_in.fillna(""), parts["prompt"].to_numpy(), order,
                                        spec.params)}
    if has_targets:
        distinct["target"] = distinct_texts(norm_tg.fillna(""), parts["target"].to_numpy(),
                                            order, spec.params)
    keys = sample_keys(frame, name, spec.seed)
    candidates, bounds = sample_candidates(frame, keys, spec)
    scan = Scan(index, name, span, data.problems, meta, parts, has_targets,
                token_counts(frame, spec.encoding), distinct, candidates, bounds)
    if spec.identity:
        scan.identity = identity_counts(frame["input"])
    if spec.eval_hashes is not None and spec.eval_sig is not None:
        scan.eval_exact = eval_exact(parts, spec.eval_hashes)
        scan.eval_near = eval_candidates(spec.eval_sig, distinct["input"])
    return scan


def partials(frame: pd.DataFrame, norm_in: pd.Series, norm_tg: pd.Series,
             order: np.ndarray) -> pd.DataFrame:
    """One row per record: the single-machine path's hashes (``Evidence.row_hash``,
    ``input_hash``, the duplicates check's target hash), label, length and order key."""
    key = pd.DataFrame({"i": norm_in, "t": norm_tg, "l": frame["label"].fillna("\x00")})
    # labels as shared category strings: 8 bytes a row, not one str object per row
    label = frame["label"].astype("category").astype(object)
    return pd.DataFrame({
        "example": pd.util.hash_pandas_object(key, index=False).to_numpy(),
        "prompt": pd.util.hash_pandas_object(norm_in, index=False).to_numpy(),
        "target": pd.util.hash_pandas_object(norm_tg.fillna(""), index=False).to_numpy(),
        "label": label.where(frame["label"].notna(), None),
        "chars": frame["input"].fillna("").str.len().to_numpy(dtype=np.int64),
        "order": order})


def distinct_texts(texts: pd.Series, hashes: np.ndarray, order: np.ndarray,
                   params: MinHashParams) -> Distinct:
    """Signatures of the shard's distinct texts (by hash), as ``checks.duplicates.cluster``
    signs them: the text of the first occurrence."""
    from tuneready.evidence.minhash import signatures

    codes, uniques = pd.factorize(pd.Series(hashes), sort=False)
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    sig = signatures(texts.to_numpy()[first].tolist(), params)
    return Distinct(np.asarray(uniques, dtype=np.uint64), order[first], sig)


def sample_keys(frame: pd.DataFrame, shard: str, seed: int) -> np.ndarray:
    """A seeded pseudo-random key per record, from its shard, row and input: the same rows
    are drawn however the shards are spread over workers."""
    key = pd.DataFrame({"s": shard, "r": frame["row_id"].astype("int64"),
                        "i": frame["input"].fillna("")})
    return pd.util.hash_pandas_object(key, index=False,
                                      hash_key=f"tuneready{seed:07d}"[:16]).to_numpy()


def sample_candidates(frame: pd.DataFrame, keys: np.ndarray,
                      spec: ScanSpec) -> tuple[pd.DataFrame, dict[str, int]]:
    """The rows that can be in the sample: keys under the shard's expected cut (twice the
    share this shard would give if shards were equal) plus each label's smallest keys.

    ``bounds[label]``: every row of that label with a key at or below it is a candidate (the
    driver checks the global cut against it and re-reads a shard whose bound is too low).
    """
    labels = frame["label"].fillna("").to_numpy(dtype=object)
    fraction = CANDIDATE_MARGIN * spec.sample_n / max(1, len(frame) * spec.shards)
    cut = _TOP if fraction >= 1 else np.uint64(int(fraction * float(2**64)))
    keep = keys <= cut
    bounds: dict[str, int] = {}
    for label in pd.unique(labels):
        where = np.flatnonzero(labels == label)
        smallest = np.sort(keys[where])
        if len(where) <= MIN_CANDIDATES:
            keep[where] = True
            bounds[str(label)] = int(_TOP)
            continue
        kth = smallest[MIN_CANDIDATES - 1]
        keep[where[keys[where] <= kth]] = True
        bounds[str(label)] = int(max(kth, cut))
    out = frame[keep].copy()
    out["_key"] = keys[keep]
    return out, bounds


def rows_under(path: str, name: str, spec: ScanSpec, cut: dict[str, int]) -> pd.DataFrame:
    """The fallback: read the shard again for the rows at or below each label's cut."""
    from tuneready.io import load_dataset

    frame = load_dataset(path, replace(spec.options, sample=None)).frame
    keys = sample_keys(frame, name, spec.seed)
    labels = frame["label"].fillna("").to_numpy(dtype=object)
    limit = np.asarray([cut.get(str(v), -1) for v in labels], dtype=object)
    has = limit != -1
    keep = np.zeros(len(frame), dtype=bool)
    keep[has] = keys[has] <= limit[has].astype(np.uint64)
    out = frame[keep].copy()
    out["_key"] = keys[keep]
    return out


def smallest_keys(path: str, name: str, spec: ScanSpec,
                  wanted: dict[str, int]) -> dict[str, np.ndarray]:
    """The fallback's first step: read the shard again for each label's ``wanted`` smallest
    sample keys (when the candidates kept by the scans hold fewer than a label's quota)."""
    from tuneready.io import load_dataset

    frame = load_dataset(path, replace(spec.options, sample=None)).frame
    keys = sample_keys(frame, name, spec.seed)
    labels = frame["label"].fillna("").to_numpy(dtype=object)
    return {label: np.sort(keys[labels == label])[:k] for label, k in wanted.items()}


def token_counts(frame: pd.DataFrame, encoding: str) -> dict[str, Any]:
    """Exact token counts (``Evidence.input_tokens + target_tokens``) as a value histogram,
    so totals, percentiles and rows over any context limit follow exactly."""
    from tuneready.evidence.tokens import count_tokens

    inp = np.asarray(count_tokens(frame["input"].tolist(), encoding), dtype=np.int64)
    tgt = np.asarray(count_tokens(frame["target"].tolist(), encoding), dtype=np.int64)
    values, counts = np.unique(inp + tgt, return_counts=True)
    return {"input": int(inp.sum()), "target": int(tgt.sum()),
            "values": values, "counts": counts}


def identity_counts(texts: pd.Series) -> dict[str, Any]:
    """The bias check's lexicon groups per category (``checks.bias.lexicon.match_terms``)."""
    from tuneready.checks.bias.lexicon import match_terms

    matches = match_terms(texts)
    groups = {cat: {str(k): int(v) for k, v in vals.value_counts().items()}
              for cat, vals in matches.groups.items()}
    return {"groups": groups, "rows": int((matches.matrix.getnnz(axis=1) > 0).sum())}


def eval_exact(parts: pd.DataFrame, hashes: np.ndarray) -> pd.DataFrame:
    """First row (order key) in this shard of each eval prompt hash it contains."""
    hit = parts[np.isin(parts["prompt"].to_numpy(), hashes)]
    return hit.groupby("prompt", sort=True)["order"].min().reset_index()


def eval_candidates(query: Signatures, base: Distinct) -> pd.DataFrame:
    """Per eval row and band, this shard's first distinct text in the row's bucket and its
    estimated similarity (``evidence.minhash.bucket_firsts``): the driver keeps the first
    over all shards, as ``best_matches`` does over one file."""
    from tuneready.evidence.minhash import bucket_firsts, similarity

    q, band, b = bucket_firsts(query, base.sig)
    sim = similarity(query.sig, q, b, other=base.sig.sig) if len(q) else np.zeros(0, np.float32)
    return pd.DataFrame({"q": q, "band": band, "order": base.orders[b], "sim": sim})


def bucket_frame(scan: Scan, name: str, bands: range | None = None) -> pd.DataFrame:
    """One row per (band, distinct valid text) of a field: the band shuffle's input (the
    ``bands`` given, all by default: the driver shuffles a few bands at a time)."""
    dist = scan.distinct.get(name)
    if dist is None or not len(dist.hashes):
        return pd.DataFrame({"bucket": np.zeros(0, np.uint64), "band": np.zeros(0, np.uint8),
                             "hash": np.zeros(0, np.uint64), "order": np.zeros(0, np.int64)})
    chosen = np.asarray(bands if bands is not None else range(dist.sig.params.bands))
    keys = dist.sig.band_keys()[dist.sig.valid][:, chosen]
    n = keys.shape[0]
    return pd.DataFrame({"bucket": keys.ravel(),
                         "band": np.tile(chosen.astype(np.uint8), n),
                         "hash": np.repeat(dist.hashes[dist.sig.valid], len(chosen)),
                         "order": np.repeat(dist.orders[dist.sig.valid], len(chosen))})


def sig_rows(scan: Scan, name: str, orders: np.ndarray) -> np.ndarray:
    """Signatures of the distinct texts first seen at ``orders`` (all in this shard)."""
    dist = scan.distinct[name]
    return dist.sig.sig[np.searchsorted(dist.orders, orders)]


def verify(scan: Scan, name: str, left: np.ndarray, right: np.ndarray,
           others: dict[int, np.ndarray], right_at: dict[int, np.ndarray]) -> np.ndarray:
    """Estimated Jaccard of candidate pairs whose left text is first seen in this shard;
    the right texts' signatures come from their shards (``others``, positions ``right_at``)."""
    dist = scan.distinct[name]
    a = dist.sig.sig[np.searchsorted(dist.orders, left)]
    b = np.empty_like(a)
    for shard, rows in others.items():
        b[right_at[shard]] = rows
    return (a == b).mean(axis=1).astype(np.float32) if len(right) else np.zeros(0, np.float32)


def distinct_hashes(scan: Scan, name: str, orders: np.ndarray) -> np.ndarray:
    """Text hashes of the distinct texts first seen at ``orders`` (all in this shard)."""
    dist = scan.distinct[name]
    return dist.hashes[np.searchsorted(dist.orders, orders)]
