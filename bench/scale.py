"""The Dask engine at scale: 10M rows as 40 compressed JSONL shards, 1 and 2 local workers.

    python bench/scale.py                        # 10M rows, 40 shards
    python bench/scale.py --rows 200000 --shards 8 --workers 1 2

Shards are built once into ``bench/out/shards_<rows>`` from ``bench/common.build_rows`` (real
SMS/TREC texts resampled and perturbed). For each worker count the exact passes run on a fresh
``LocalCluster`` (``engine.cluster.load_on_cluster``: every exact pass, then a 200k-row
sample gathered): wall seconds per phase, rows per second (all of it, and the exact passes
without the sample gathering), peak memory of each worker, of the driver and of the whole
process tree (PSS summed, ``bench/run.tree_rss_mb``), sampled every 0.5 s. Worker counts run
one after another in one process: on a shared machine read the speed-up as rough, and the
load average printed at the end says how shared it was.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

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


class Watch:
    """Peak memory while a run goes: the driver, each child process (the workers), and the
    whole tree (PSS summed, ``bench/run.tree_rss_mb``), sampled every 0.5 s."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.driver = 0.0
        self.children: dict[int, float] = {}
        self.total = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        while not self.done.wait(0.5):
            self.driver = max(self.driver, self.me.memory_info().rss / 2**20)
            for child in self.me.children(recursive=True):
                try:
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.children[child.pid] = max(self.children.get(child.pid, 0.0), rss)
            self.total = max(self.total, tree_rss_mb(os.getpid()))

    def __enter__(self) -> Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def run(paths: list[Path], workers: int, sample: int) -> dict[str, Any]:
    from tuneready.engine.cluster import Cluster, load_on_cluster
    from tuneready.io import LoadOptions

    timings: dict[str, float] = {}
    with Watch() as watch:
        start = time.perf_counter()
        data = load_on_cluster(paths, LoadOptions(format="classification"),
                               Cluster(workers=workers), sample, timings=timings)
        seconds = time.perf_counter() - start
    rows = int(data.population["raw_n"])
    # the largest children are the workers (the others: multiprocessing's resource tracker)
    per_worker = sorted(watch.children.values(), reverse=True)[:workers]
    return {"workers": workers, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "exact_s": seconds - timings.get("sample", 0.0), "timings": timings,
            "total_mb": watch.total, "driver_mb": watch.driver, "worker_mb": per_worker,
            "near": data.population["duplicates"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--shards", type=int, default=40)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sample", type=int, default=200_000)
    args = ap.parse_args()
    t = time.perf_counter()
    paths = build_shards(args.rows, args.shards)
    print(f"shards ready in {time.perf_counter() - t:.0f} s: {paths[0].parent}")
    results = []
    for w in args.workers:
        results.append(run(paths, w, args.sample))
        r = results[-1]
        print(f"{w} worker(s): {r['seconds']:.0f} s; phases " + ", ".join(
            f"{k} {v:.0f} s" for k, v in r["timings"].items()), flush=True)
    print("| workers | rows | wall s | rows/s | exact passes rows/s | peak MB per worker | "
          "peak MB total | driver peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['workers']} | {r['rows']:,} | {r['seconds']:.0f} | {r['rows_per_s']:,.0f} | "
              f"{r['rows'] / r['exact_s']:,.0f} | "
              f"{' / '.join(f'{m:,.0f}' for m in r['worker_mb'])} | {r['total_mb']:,.0f} | "
              f"{r['driver_mb']:,.0f} |")
    near = results[-1]["near"]
    print(f"\nnear duplicates: {near['near_duplicates']:,} rows, {near['clusters']:,} clusters, "
          f"{near['candidate_pairs']:,} candidate pairs, {near['near_pairs']:,} verified")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"speed-up {b['workers']} vs {a['workers']} workers: "
              f"{b['rows_per_s'] / a['rows_per_s']:.2f}x wall, "
              f"{a['exact_s'] / b['exact_s']:.2f}x exact passes")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
