"""Conflicting duplicates: the same normalized input carrying different labels.

For annotation labels at least one copy of such an input is wrong whatever any model says:
the only evidence of label noise that is certain, and so the only one that counts towards the
lower bound of the noise range (``evidence.noise_range``) without a review. Both passes are
one groupby: linear in rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def conflicting_duplicates(hashes: np.ndarray, labels: pd.Series) -> tuple[np.ndarray, int]:
    """Positions of rows whose exact (normalized) input appears with another label.

    Within such a group the majority label is kept and the other rows are flagged; when no
    label has a strict majority, every row of the group is flagged (we cannot tell which is
    right). Returns (sorted positions, number of conflicting groups). Linear (one groupby).
    """
    mask = labels.notna().to_numpy()
    if not mask.any():
        return np.zeros(0, dtype=np.int64), 0
    frame = pd.DataFrame({"h": hashes[mask], "label": labels[mask].astype(str).to_numpy(),
                          "pos": np.flatnonzero(mask)})
    n_labels = frame.groupby("h")["label"].transform("nunique")
    frame = frame[n_labels.to_numpy() > 1]
    if frame.empty:
        return np.zeros(0, dtype=np.int64), 0
    sizes = frame.groupby(["h", "label"])["pos"].transform("size")
    top = sizes.groupby(frame["h"]).transform("max")
    n_top = (sizes == top).groupby(frame["h"]).transform("sum")
    unique_top = (sizes == top) & (n_top == top)  # the top label is the only one of that size
    flagged = frame["pos"].to_numpy()[~unique_top.to_numpy()]
    return np.sort(flagged).astype(np.int64), int(frame["h"].nunique())


def certainly_wrong(hashes: np.ndarray, labels: pd.Series) -> int:
    """How many labels are wrong for certain: in each group of one input carrying several
    labels, every row beyond the most frequent label's count (a 2-2 tie: 2). Linear."""
    mask = labels.notna().to_numpy()
    if not mask.any():
        return 0
    frame = pd.DataFrame({"h": hashes[mask], "label": labels[mask].astype(str).to_numpy()})
    sizes = frame.groupby(["h", "label"]).size()
    per_input = sizes.groupby(level="h")
    mixed = per_input.size() > 1
    wrong = (per_input.sum() - per_input.max())[mixed]
    return int(wrong.sum())
