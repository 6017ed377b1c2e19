"""The Dask engine at scale: 10M rows as 40 compressed JSONL shards, 1 and 2 local workers.

    python bench/scale.py                        # 10M rows, 40 shards
    python bench/scale.py --rows 200000 --shards 8 --workers 1 2

Shards are built once into ``bench/out/shards_<rows>`` from ``bench/common.build_rows`` (real
SMS/TREC texts resampled and perturbed). For each worker count the exact passes run on a fresh
``LocalCluster`` (``engine.cluster.load_on_cluster`` with a 200k-row sample gathered): wall
seconds, rows per second, peak memory of the driver and of the whole process tree (PSS summed,
``bench/run.tree_rss_mb``, sampled every 0.5 s). Worker counts run one after another in one
process: on a shared machine read the speed-up as rough.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import build_rows  # noqa: E402
from bench.run import tree_rss_mb  # noqa: E402


def build_shards(rows: int, shards: int) -> list[Path]:
    folder = HERE / "out" / f"shards_{rows}"
    paths = [folder / f"part-{i:05d}.jsonl.gz" for i in range(shards)]
    if all(p.exists() for p in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    per = -(-rows // shards)
    for i, path in enumerate(paths):
        chunk = build_rows(min(per, rows - i * per), seed=i)
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk)
    return paths


def run(paths: list[Path], workers: int, sample: int) -> dict[str, float]:
    from tuneready.engine.cluster import Cluster, load_on_cluster
    from tuneready.io import LoadOptions

    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], tree_rss_mb(os.getpid()))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    data = load_on_cluster(paths, LoadOptions(format="classification"),
                           Cluster(workers=workers), sample)
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    rows = int(data.population["raw_n"])
    return {"workers": workers, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "total_mb": peak[0],
            "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--shards", type=int, default=40)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sample", type=int, default=200_000)
    args = ap.parse_args()
    paths = build_shards(args.rows, args.shards)
    results = [run(paths, w, args.sample) for w in args.workers]
    print("| workers | rows | wall s | rows/s | peak MB total | driver max RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['workers']} | {r['rows']:,} | {r['seconds']:.0f} | {r['rows_per_s']:,.0f} | "
              f"{r['total_mb']:,.0f} | {r['driver_mb']:,.0f} |")
    if len(results) > 1:
        print(f"\nspeed-up {results[-1]['workers']} vs {results[0]['workers']} workers: "
              f"{results[-1]['rows_per_s'] / results[0]['rows_per_s']:.2f}x")


if __name__ == "__main__":
    main()
