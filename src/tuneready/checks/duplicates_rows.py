"""The duplicates check's flagged rows: which row each copy repeats, and how closely.

Kept apart from ``checks/duplicates.py`` so the check stays small. A copy names the row it
repeats: an exact copy the earliest row with the same normalized input, answer and label; a
near copy the first row of its cluster, with the MinHash estimate of the two inputs' Jaccard
similarity (clusters are connected components, so a member can be joined to the first row
through other rows and sit below the threshold from it: the evidence then says so). Copies,
shared prompts and leaked prompts are facts about the text (no precision, ``""``); a
paraphrase is a judgement of the sentence vectors (``checks.duplicates_semantic``), whose
precision nothing on this data has measured (``config.heldout.unmeasured``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.checks.flagrows import Flags, numbered
from tuneready.evidence.minhash import similarity

if TYPE_CHECKING:  # checks.duplicates imports this module
    from tuneready.checks.duplicates import Clustering

LEAKED_LISTED = 1000  # rows of the Dask engine's leakage table (``engine.exact.leakage``)


def _first(labels: np.ndarray) -> np.ndarray:
    """Position of the first row of each row's group."""
    return pd.Series(np.arange(len(labels))).groupby(labels).transform("min").to_numpy()


def _jaccard(inp: Clustering, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash estimate of the Jaccard similarity of the inputs at positions a and b (1.0
    for the same normalized input; NaN where either input has no shingle to compare)."""
    out = np.ones(len(a), dtype=np.float64)
    ca, cb = inp.codes[a], inp.codes[b]
    differ = np.flatnonzero(ca != cb)
    if len(differ) and inp.sig is not None:
        sig = inp.sig
        out[differ] = similarity(sig.sig, ca[differ], cb[differ])
        out[differ[~(sig.valid[ca[differ]] & sig.valid[cb[differ]])]] = np.nan
    return out


def flag_redundant(flags: Flags, ids: np.ndarray, row_hash: np.ndarray, inp: Clustering,
                   ex: Clustering, threshold: float) -> None:
    """Every row that is not the first of its example cluster (the rows excluded)."""
    red = ex.redundant
    same = _first(row_hash)[red]
    exact = same != red
    keep = np.where(exact, same, _first(ex.labels)[red])
    reason = np.where(exact, numbered("exact copy of row ", ids[keep]),
                      numbered("near duplicate of row ", ids[keep]))
    sim = _jaccard(inp, red, keep)
    near = pd.Series(sim).map(lambda s: "input Jaccard n/a (too short to compare)"
                              if s != s else f"input Jaccard {s:.2f} (MinHash estimate)")
    below = ~exact & (np.nan_to_num(sim, nan=1.0) < threshold)
    near = near.where(~below, near + ", joined through other rows of the cluster")
    same_input = ~exact & (inp.codes[red] == inp.codes[keep])
    near = near.where(~same_input, "same input, answer a near copy")
    evidence = np.where(exact, "same input, answer and label after folding case and spacing",
                        near.to_numpy(dtype=object))
    flags.add("duplicates.redundant_rows", None, reason, evidence, positions=red)


def flag_conflicting(flags: Flags, ids: np.ndarray, inp: Clustering,
                     mask: np.ndarray) -> None:
    """Rows whose prompt cluster holds more than one answer or label."""
    pos = np.flatnonzero(mask)
    first = _first(inp.labels)[pos]
    size = pd.Series(inp.labels[pos]).map(pd.Series(inp.labels[pos]).value_counts())
    reason = np.where(first == pos, "first row of a prompt shared with other answers",
                      numbered("same prompt as row ", ids[first], ", another answer or label"))
    flags.add("duplicates.same_prompt_different_answers", None, reason,
              (size.astype(str) + " rows share this prompt").to_numpy(dtype=object),
              positions=pos)


def flag_leakage(flags: Flags, train_rows: list[int], table: list[dict[str, Any]],
                 complete: bool) -> None:
    """Training rows whose prompt is in the eval set, each naming its first eval row.
    ``complete``: the table lists every match (the Dask engine lists the first
    ``LEAKED_LISTED``; the other training rows are named without their eval row)."""
    rows = np.asarray(sorted(set(train_rows)), dtype=np.int64)
    if not len(rows):
        return
    reason = np.full(len(rows), "prompt also in the eval set", dtype=object)
    evidence = np.full(len(rows), "" if complete else
                       f"matched over every row; eval rows listed for the first "
                       f"{LEAKED_LISTED:,} matches only", dtype=object)
    if table:
        t = pd.DataFrame(table)
        t["exact"] = t["kind"] == "exact"
        per = t.sort_values("eval_row_id").groupby("row_id").agg(
            eval_row=("eval_row_id", "first"), n=("eval_row_id", "size"),
            exact=("exact", "any"), sim=("similarity", "max"))
        at = pd.Index(per.index.to_numpy(dtype=np.int64)).get_indexer(pd.Index(rows))
        hit = at >= 0
        p = per.iloc[at[hit]]
        more = np.where(p["n"].to_numpy() > 1, " and " + (p["n"] - 1).astype(str) + " more",
                        "")
        reason[hit] = numbered("prompt also in eval row ", p["eval_row"].to_numpy()) + more
        evidence[hit] = np.where(p["exact"].to_numpy(), "exact (after folding case and spacing)",
                                 "near, Jaccard " + p["sim"].map("{:.2f}".format).to_numpy(
                                     dtype=object))
    flags.add("duplicates.eval_leakage", rows, reason, evidence)


def flag_semantic_leakage(flags: Flags, table: list[dict[str, Any]]) -> None:
    """Training rows an eval prompt paraphrases (``table``: every match, before the report
    caps it), each naming its most similar eval row."""
    from tuneready.config.heldout import unmeasured

    if not table:
        return
    t = pd.DataFrame(table).sort_values(["row_id", "similarity", "eval_row_id"],
                                        ascending=[True, False, True])
    per = t.groupby("row_id").agg(eval_row=("eval_row_id", "first"),
                                  n=("eval_row_id", "size"), sim=("similarity", "first"))
    more = np.where(per["n"].to_numpy() > 1, " and " + (per["n"] - 1).astype(str) + " more",
                    "")
    flags.add("duplicates.semantic_leakage", per.index.to_numpy(dtype=np.int64),
              numbered("paraphrased by eval row ", per["eval_row"].to_numpy()) + more,
              ("sentence-vector cosine " + per["sim"].map("{:.2f}".format)).to_numpy(
                  dtype=object), precision=unmeasured("duplicates.semantic_leakage"))
