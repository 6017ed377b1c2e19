"""End-to-end performance: tuneready audit vs the floor and vs cleanlab Datalab, same rows.

    python bench/run.py                 # 10k, 50k, 100k rows, 3 runs each (medians)
    python bench/run.py --million       # also 1M rows (with --sample for the audit)
    python bench/run.py --sizes 10000 --repeats 1 --no-peer

Every measurement runs in its own process; wall seconds from a monotonic clock and peak
memory (max RSS) from the OS via ``os.wait4``. Ratios compare runs made in the same
invocation on the same machine, never absolute targets baked into tests.

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
from tuneready.evidence import Evidence
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


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0 and os.waitstatus_to_exitcode(status) not in (0, 1):
        err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def median_run(cmd: list[str], repeats: int) -> tuple[float, float]:
    runs = [measure(cmd) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def dataset(n: int) -> Path:
    path = OUT / f"rows_{n}.jsonl"
    if not path.exists():
        write_jsonl(build_rows(n, seed=n), path)
    return path


def audit_cmd(path: Path, out: Path, sample: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "tuneready", "audit", str(path), "--out", str(out)]
    return cmd + (["--sample", str(sample)] if sample else [])


def stages(out: Path) -> dict[str, float]:
    meta = json.loads((out / "audit.json").read_text())["meta"]
    return {k: v for k, v in meta.get("seconds", {}).items() if k != "total"}


def bench_size(n: int, repeats: int, peer: bool, sample: int | None) -> dict[str, object]:
    path = dataset(n)
    py = sys.executable
    row: dict[str, object] = {"rows": n}
    row["floor_s"], row["floor_mb"] = median_run([py, "-c", FLOOR, str(path)], repeats)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        row["audit_s"], row["audit_mb"] = median_run(audit_cmd(path, out, sample), repeats)
        row["stages"] = stages(out)
        if peer:
            arrays = [str(Path(tmp) / f"{name}.npy") for name in ("f", "p", "y")]
            subprocess.run([py, "-c", PREP, str(path), *arrays], check=True)
            row["peer_s"], row["peer_mb"] = median_run([py, "-c", PEER, *arrays], repeats)
    return row


def print_table(rows: list[dict[str, object]]) -> None:
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; medians of the runs\n")
    print("| rows | floor s | floor MB | audit s | audit MB | audit/floor | Datalab s | "
          "Datalab MB | Datalab/audit |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        peer = (f"{r['peer_s']:.1f} | {r['peer_mb']:.0f} | "
                f"{float(r['peer_s']) / float(r['audit_s']):.1f}x"  # type: ignore[arg-type]
                if "peer_s" in r else "- | - | -")
        print(f"| {r['rows']:,} | {r['floor_s']:.1f} | {r['floor_mb']:.0f} | "
              f"{r['audit_s']:.1f} | {r['audit_mb']:.0f} | "
              f"{float(r['audit_s']) / float(r['floor_s']):.1f}x | {peer} |")  # type: ignore[arg-type]
    print("\nper-stage seconds of the last audit run:")
    for r in rows:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(
            r["stages"].items(), key=lambda kv: -kv[1]))  # type: ignore[union-attr]
        print(f"- {r['rows']:,} rows: {parts}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also 1M rows (audited with "
                    "--sample 200000; Datalab skipped: it is quadratic)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="skip cleanlab Datalab")
    args = ap.parse_args()
    rows = [bench_size(n, args.repeats, not args.no_peer and n <= 100_000, None)
            for n in args.sizes]
    if args.million:
        rows.append(bench_size(1_000_000, 1, False, 200_000))
    print_table(rows)


if __name__ == "__main__":
    main()
