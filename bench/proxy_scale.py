"""Bounded proxy fits at scale: label-noise precision/recall and proxy seconds, bounded vs all rows.

    python bench/proxy_scale.py --rows 1000000 --caps 0 200000
    python bench/proxy_scale.py --rows 3000000 --caps 0 200000 --refine 0 2

Rows come from ``bench/common.build_rows`` (real SMS/TREC texts resampled and perturbed) with
10 % of labels flipped to another class (seeded). The features (TF-IDF, sentence vectors) are
built once; then, for every setting, the proxy and the label issues are computed again and the
flagged rows scored against the flips. ``--caps 0`` means every training row (the old
behaviour). The settings run one after another in the same process, so a busy phase of a
shared machine may favour one of them: read the seconds as rough, the precision/recall as exact.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import build_rows  # noqa: E402


def flipped_frame(n: int, rate: float, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` benchmark rows with ``rate`` of the labels moved to another class at random."""
    frame = pd.DataFrame(build_rows(n, seed=n))
    labels = frame["label"].to_numpy().copy()
    classes = np.asarray(sorted(set(labels)))
    rng = np.random.default_rng(seed)
    flips = np.sort(rng.choice(n, size=round(rate * n), replace=False))
    code = np.searchsorted(classes, labels[flips])
    shift = rng.integers(1, len(classes), size=len(flips))
    labels[flips] = classes[(code + shift) % len(classes)]
    frame["label"] = labels
    return frame, flips


def score(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    hit = len(np.intersect1d(flagged, truth))
    return (round(hit / len(flagged), 4) if len(flagged) else 0.0, round(hit / len(truth), 4))


def main() -> None:
    from tuneready.evidence import proxy
    from tuneready.evidence.store import Evidence
    from tuneready.io import load_frame

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--caps", type=int, nargs="+", default=[0, proxy.SPARSE_FIT_ROWS])
    ap.add_argument("--refine", type=int, nargs="+", default=[proxy.REFINE_EPOCHS])
    ap.add_argument("--rate", type=float, default=0.1)
    args = ap.parse_args()
    frame, flips = flipped_frame(args.rows, args.rate, seed=0)
    start = time.perf_counter()
    evidence = Evidence(load_frame(frame))
    _ = evidence.tfidf, evidence.sentence_vectors
    print(f"{args.rows:,} rows, {len(flips):,} flips; features {time.perf_counter() - start:.0f} s",
          flush=True)
    print("| cap | refine epochs | proxy s | oof acc | precision | recall |")
    print("|---:|---:|---:|---:|---:|---:|")
    for cap in args.caps:
        for refine in args.refine if cap else [0]:
            proxy.SPARSE_FIT_ROWS = cap or args.rows
            proxy.REFINE_EPOCHS = refine
            for key in ("proxy", "label_issues"):
                evidence.__dict__.pop(key, None)
            start = time.perf_counter()
            result = evidence.proxy
            seconds = time.perf_counter() - start
            assert result is not None
            issues = evidence.label_issues
            assert issues is not None
            p, r = score(issues.flagged_positions, flips)
            print(f"| {cap or 'all'} | {refine} | {seconds:.0f} | {result.oof_accuracy:.4f} | "
                  f"{p:.4f} | {r:.4f} |", flush=True)


if __name__ == "__main__":
    main()
