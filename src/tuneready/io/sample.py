"""``--sample N``: audit a stratified sample, count the whole file exactly.

For files too large to audit in full, every row is still read once (a streaming parse for
JSONL) to count rows, distinct examples and labels exactly; the checks then run on a seeded
sample stratified by label, and the report says which numbers are sample-based estimates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tuneready.io.text import normalize


def population_counts(frame: pd.DataFrame) -> dict[str, Any]:
    """Exact counts over every row: raw, distinct (normalized), per label."""
    key = pd.DataFrame({"i": frame["input"].map(normalize), "t": frame["target"].map(normalize),
                        "l": frame["label"].fillna("\x00")})
    hashes = pd.util.hash_pandas_object(key, index=False)
    counts = frame["label"].dropna().value_counts().sort_index()
    return {"raw_n": len(frame), "distinct_n": int(hashes.nunique()),
            "label_counts": {str(k): int(v) for k, v in counts.items()}}


def stratified_sample(frame: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` rows, each label represented in proportion (at least one row per label)."""
    if len(frame) <= n:
        return frame
    rng = np.random.default_rng(seed)
    # Integer codes, unlabelled rows -1 (drawn first, as before): a string sentinel for the
    # missing label does not survive numpy's comparison ("\x00" == "" for numpy strings).
    codes, _ = pd.factorize(frame["label"], sort=True)
    keep: list[np.ndarray] = []
    fraction = n / len(frame)
    for value in np.unique(codes):
        positions = np.flatnonzero(codes == value)
        take = max(1, round(len(positions) * fraction))
        keep.append(rng.choice(positions, size=min(take, len(positions)), replace=False))
    chosen = np.sort(np.concatenate(keep))
    return frame.iloc[chosen].reset_index(drop=True)
