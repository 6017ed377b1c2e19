"""Scale of the duplicates and domain checks: time and peak memory at 10k, 100k, 300k rows.

    python bench/domain.py                    # 10k, 100k, 300k labelled short texts
    python bench/domain.py 10000 50000        # other sizes
    python bench/domain.py --unlabelled       # label-free path (no proxy, no learning curve)
    python bench/domain.py --acceptance       # the issue's acceptance numbers on real sets

Rows are real short texts (SMS spam, TREC questions) sampled with replacement and lightly
perturbed (``bench/common.py``). Each size runs in a fresh process so its peak RSS is its own.
Shared evidence (TF-IDF, SVD embedding, the 5-fold proxy) is timed apart from the checks:
the checks read it, every other check reuses it, and it is not theirs to make faster.
"""

from __future__ import annotations

import glob
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import build_rows, require_shared

SIZES = (10_000, 100_000, 300_000)
STAGES = ("load", "tfidf", "embedding", "proxy", "duplicates", "domain")


def one(n: int, labelled: bool) -> dict[str, Any]:
    """Run the two checks on n rows; seconds per stage and peak RSS of this process."""
    import pandas as pd

    from tuneready.checks.domain import DomainCheck
    from tuneready.checks.duplicates import DuplicatesCheck
    from tuneready.config.policy import load_policy
    from tuneready.evidence.store import Evidence
    from tuneready.io import LoadOptions, load_frame

    frame = pd.DataFrame(build_rows(n))
    if not labelled:
        frame = frame[["text"]]
    policy = load_policy()
    out: dict[str, Any] = {"rows": n}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        out[name] = round(now - clock, 2)
        clock = now

    data = load_frame(frame, LoadOptions())
    lap("load")
    ev = Evidence(data, seed=policy.seed)
    _ = ev.tfidf
    lap("tfidf")
    _ = ev.embedding
    lap("embedding")
    _ = ev.proxy
    lap("proxy")
    dup = DuplicatesCheck().run(data, ev, policy.for_check("duplicates"))
    lap("duplicates")
    dom = DomainCheck().run(data, ev, policy.for_check("domain"))
    lap("domain")
    out["checks"] = round(out["duplicates"] + out["domain"], 2)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["redundant_share"] = dup.metrics["redundant_share"]
    out["risk"] = dom.metrics["risk"]
    return out


def table(sizes: list[int], labelled: bool) -> None:
    cols = ["rows", *STAGES, "checks", "peak_mb", "redundant_share", "risk"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for n in sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + ([] if labelled else ["--unlabelled"])
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode:
            print(f"| {n} | failed: {res.stderr.strip().splitlines()[-1:]} |")
            continue
        row = json.loads(res.stdout.strip().splitlines()[-1])
        print("| " + " | ".join(str(row.get(c, "")) for c in cols) + " |", flush=True)


def chatterbot() -> Any:
    import pandas as pd
    import yaml

    rows = []
    for path in sorted(glob.glob(str(require_shared() / "chatterbot_english" / "*.yml"))):
        doc = yaml.safe_load(Path(path).read_text("utf-8"))
        for conv in doc.get("conversations") or []:
            if not isinstance(conv, list):  # trivia.yml holds one bare string, not turns
                continue
            turns = [str(t) for t in conv if t is not None]
            rows += [{"prompt": a, "completion": b, "category": Path(path).stem}
                     for a, b in itertools.pairwise(turns)]
    return pd.DataFrame(rows)


def acceptance() -> None:
    """The issue's acceptance runs, printed."""
    import numpy as np
    import pandas as pd

    from tuneready.checks.domain import DomainCheck
    from tuneready.checks.duplicates import DuplicatesCheck
    from tuneready.config.policy import load_policy
    from tuneready.evidence.store import Evidence
    from tuneready.io import LoadOptions, load_dataset, load_frame

    policy = load_policy()
    root = require_shared()

    def domain(data: Any) -> str:
        m = DomainCheck().run(data, Evidence(data), policy.for_check("domain")).metrics
        return f"{m['risk']} ({m['narrow_signals']} signals)"

    frame = chatterbot()
    for cat in ("tech_support", "coding", "trivia", "emotion", "ai"):
        one_cat = frame[frame["category"] == cat]
        per = int(np.ceil(len(one_cat) / frame["category"].nunique()))
        mix = pd.concat([g.sample(min(per, len(g)), random_state=0)
                         for _, g in frame.groupby("category")])
        if len(mix) < len(one_cat):
            rest = frame.drop(mix.index)
            mix = pd.concat([mix, rest.sample(len(one_cat) - len(mix), random_state=0)])
        mix = mix.sample(len(one_cat), random_state=0)
        cols = ["prompt", "completion"]
        a = load_frame(one_cat[cols].reset_index(drop=True), LoadOptions())
        b = load_frame(mix[cols].reset_index(drop=True), LoadOptions())
        print(f"chatterbot {cat} ({len(one_cat)} rows): one category {domain(a)}; "
              f"mix of all categories {domain(b)}")
    demo = root / "llamafactory_demo"
    print(f"identity.json: {domain(load_dataset(demo / 'identity.json'))}")
    print(f"alpaca_en_demo.json: {domain(load_dataset(demo / 'alpaca_en_demo.json'))}")
    trec = load_dataset(root / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1"))
    r = DuplicatesCheck().run(trec, Evidence(trec), policy.for_check("duplicates"))
    print(f"TREC duplicates: {r.summary}")
    v1 = load_dataset(demo / "v1_sft_demo.jsonl")
    ev = Evidence(v1)
    ev.eval_data = load_dataset(demo / "alpaca_en_demo.json")
    r = DuplicatesCheck().run(v1, ev, policy.for_check("duplicates"))
    exact = {x["row_id"] for x in r.tables["leaked"] if x["kind"] == "exact"}
    print(f"v1_sft_demo --eval alpaca_en_demo: {r.metrics['leaked_eval_rows']} eval rows leaked "
          f"({r.metrics['leaked_exact']} exact, {r.metrics['leaked_near']} near) from "
          f"{r.metrics['leaked_train_rows']} training rows; {len(exact)} training prompts "
          "shared exactly")


def main(argv: list[str]) -> None:
    labelled = "--unlabelled" not in argv
    if "--one" in argv:
        print(json.dumps(one(int(argv[argv.index("--one") + 1]), labelled)))
        return
    if "--acceptance" in argv:
        acceptance()
        return
    require_shared()
    sizes = [int(a) for a in argv if a.isdigit()] or list(SIZES)
    table(sizes, labelled)


if __name__ == "__main__":
    main(sys.argv[1:])
