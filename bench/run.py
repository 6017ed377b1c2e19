"""End-to-end performance: tuneready audit vs the floor and vs cleanlab Datalab, same rows.

    python bench/run.py                 # 10k, 50k, 100k rows, 3 runs each (medians)
    python bench/run.py --million       # also 1M and 3M rows whole, time and memory per 1M
    python bench/run.py --sizes 10000 --repeats 1 --no-peer

Every measurement runs in its own process; wall seconds from a monotonic clock, and peak
memory as the larger of the OS's max RSS (``os.wait4``) and the process tree's summed
proportional set size (``tree_rss_mb``). Floor, audit and peer run round-robin, and the
Datalab/audit ratio is the median of the per-round ratios: runs made back to back on the same
machine, never absolute targets baked into tests.

* floor: load the file with tuneready's loader and fit one TF-IDF pass, nothing else;
* tuneready: ``tuneready audit`` with every check on, JSON, Markdown, JUnit and HTML written;
* peer: ``cleanlab.Datalab.find_issues`` for label, near_duplicate and outlier issues, given
  the same features (tuneready's dense embedding) and out-of-fold probabilities precomputed
  and saved to disk beforehand, so its time and memory are Datalab's own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import build_rows, write_jsonl  # noqa: E402

OUT = HERE / "out"
FLOOR = """
import sys
from sklearn.feature_extraction.text import TfidfVectorizer
from tuneready.io import load_dataset
data = load_dataset(sys.argv[1])
TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(
    data.frame["input"].tolist())
"""
PREP = """
import sys, numpy as np
from tuneready.evidence.store import Evidence
from tuneready.io import load_dataset
ev = Evidence(load_dataset(sys.argv[1]))
proxy = ev.proxy
np.save(sys.argv[2], ev.embedding[proxy.index])
np.save(sys.argv[3], proxy.pred_probs)
np.save(sys.argv[4], proxy.labels)
"""
PEER = """
import sys, numpy as np, pandas as pd
from cleanlab import Datalab
feats, probs, labels = (np.load(p) for p in sys.argv[1:4])
lab = Datalab(data=pd.DataFrame({"label": labels}), label_name="label", verbosity=0)
lab.find_issues(features=feats, pred_probs=probs,
                issue_types={"label": {}, "near_duplicate": {}, "outlier": {}})
"""


def tree_rss_mb(root: int) -> float:
    """Memory (MB) of ``root`` and all its descendants right now (Linux ``/proc``).

    Proportional set size (``Pss`` in ``smaps_rollup``): a page shared by a parent and its
    forked worker counts half in each, so the sum is what the tree really occupies (summing
    ``VmRSS`` would count the copy-on-write pages of a fork twice). ``VmRSS`` where the kernel
    has no ``smaps_rollup``.
    """
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parent[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(kids)
        frontier = kids
    return sum(_process_kb(pid) for pid in tree) / 1024


def _process_kb(pid: int) -> int:
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            text = Path(name).read_text()
        except OSError:
            continue
        return next((int(line.split()[1]) for line in text.splitlines()
                     if line.startswith(key)), 0)
    return 0


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one child process.

    Peak memory is the larger of the OS's max RSS of the process (``os.wait4``) and the
    memory of its whole process tree (``tree_rss_mb``), sampled every 0.5 s: the audit runs
    some checks in forked workers, whose memory counts too.
    """
    import threading

    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak[0] = max(peak[0], tree_rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1 = audited, not ready
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
    return seconds, max(usage.ru_maxrss / 1024, peak[0])


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """Median seconds and median peak MB of several runs."""
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))


def dataset(n: int) -> Path:
    path = OUT / f"rows_{n}.jsonl"
    if not path.exists():
        write_jsonl(build_rows(n, seed=n), path)
    return path


def audit_cmd(path: Path, out: Path, sample: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "tuneready", "audit", str(path), "--out", str(out)]
    return cmd + (["--sample", str(sample)] if sample else [])


def stages(out: Path, wall: float) -> dict[str, float]:
    """Own seconds per stage from the audit's ``meta`` (load, each evidence stage, each check
    without the shared evidence it triggered), plus what happens outside ``run_audit``:
    interpreter start-up and imports, rendering and writing the four reports."""
    seconds = json.loads((out / "audit.json").read_text())["meta"].get("seconds", {})
    out_stages = {k: v for k, v in seconds.items() if k != "total"}
    out_stages["startup + render"] = max(0.0, wall - float(seconds.get("total", 0.0)))
    return out_stages


def bench_size(n: int, repeats: int, peer: bool, sample: int | None) -> dict[str, object]:
    """Floor, audit and peer measured round-robin (floor, audit, peer, floor, ...): a slow
    phase of a shared machine then falls on all three alike, and the ratios stay fair."""
    path = dataset(n)
    py = sys.executable
    row: dict[str, object] = {"rows": n}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        arrays = [str(Path(tmp) / f"{name}.npy") for name in ("f", "p", "y")]
        if peer:
            subprocess.run([py, "-c", PREP, str(path), *arrays], check=True)
        commands = {"floor": [py, "-c", FLOOR, str(path)], "audit": audit_cmd(path, out, sample)}
        if peer:
            commands["peer"] = [py, "-c", PEER, *arrays]
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for _ in range(repeats):
            for name, cmd in commands.items():
                runs[name].append(measure(cmd))
        for name, measured in runs.items():
            row[f"{name}_s"], row[f"{name}_mb"] = medians(measured)
        if peer:  # median of the per-round ratios: each pair ran back to back
            row["peer_ratio"] = statistics.median(
                p[0] / a[0] for p, a in zip(runs["peer"], runs["audit"], strict=True))
        row["stages"] = stages(out, runs["audit"][-1][0])
    return row


def machine() -> str:
    """CPU model, cores and RAM (Linux ``/proc``; just the architecture elsewhere)."""
    cpu, ram = platform.machine(), ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                   if line.startswith("model name"))
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{ram}, Python {platform.python_version()}"


def print_table(rows: list[dict[str, object]]) -> None:
    print(f"\nmachine: {machine()}; medians of the runs\n")
    print("| rows | floor s | floor MB | audit s | audit MB | audit/floor | Datalab s | "
          "Datalab MB | Datalab/audit |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        peer = (f"{r['peer_s']:.1f} | {r['peer_mb']:.0f} | "
                f"{float(r['peer_ratio']):.1f}x"  # type: ignore[arg-type]
                if "peer_s" in r else "- | - | -")
        print(f"| {r['rows']:,} | {r['floor_s']:.1f} | {r['floor_mb']:.0f} | "
              f"{r['audit_s']:.1f} | {r['audit_mb']:.0f} | "
              f"{float(r['audit_s']) / float(r['floor_s']):.1f}x | {peer} |")  # type: ignore[arg-type]
    print("\nper-stage seconds of the last audit run:")
    for r in rows:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(
            r["stages"].items(), key=lambda kv: -kv[1]))  # type: ignore[union-attr]
        print(f"- {r['rows']:,} rows: {parts}")


#: the sizes ``--million`` audits whole: linear cost means the 3M time is about 3x the 1M time
MILLIONS = (1_000_000, 3_000_000)


def print_per_million(rows: list[dict[str, object]]) -> None:
    """Audit seconds and peak memory per million rows, and how the largest size compares with
    the smallest: for a linear audit the time ratio is about the row ratio."""
    print("\nwhole-file audits, per million rows:\n")
    print("| rows | audit s | peak MB | s per 1M rows | MB per 1M rows |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        millions = int(r["rows"]) / 1e6  # type: ignore[call-overload]
        seconds, mb = float(r["audit_s"]), float(r["audit_mb"])  # type: ignore[arg-type]
        print(f"| {r['rows']:,} | {seconds:.0f} | {mb:.0f} | {seconds / millions:.0f} | "
              f"{mb / millions:.0f} |")
    first, last = rows[0], rows[-1]
    print(f"\n{last['rows']:,} rows took "
          f"{float(last['audit_s']) / float(first['audit_s']):.2f}x the time of "  # type: ignore[arg-type]
          f"{first['rows']:,} ({int(last['rows']) / int(first['rows']):.0f}x the rows)")  # type: ignore[call-overload]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also 1M and 3M rows, audited "
                    "whole (Datalab skipped: it is quadratic), and their cost per 1M rows")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="skip cleanlab Datalab")
    args = ap.parse_args()
    rows = [bench_size(n, args.repeats, not args.no_peer and n <= 100_000, None)
            for n in args.sizes]
    if args.million:
        rows += [bench_size(n, 1, False, None) for n in MILLIONS]
    print_table(rows)
    if args.million:
        print_per_million(rows[-len(MILLIONS):])


if __name__ == "__main__":
    main()
