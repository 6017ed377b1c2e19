"""The README's worked examples, rebuilt from real questions and audited.

    python bench/examples.py

Builds four CSVs from the TREC question set (Li & Roth; ``../shared/data/trec_questions``,
deduplicated, coarse labels ABBR/DESC/ENTY/HUM/LOC/NUM) under ``bench/out/examples/`` and
runs the exact command the README shows for each, printing the verdict it gets:

1. 60 rows: prompt engineering;
2. 400 clean rows: LoRA;
3. 5,000 clean, broad rows at 2M calls a month: full fine-tune;
4. the same 5,000 rows with 25 % of labels flipped at random: not ready.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import require_shared  # noqa: E402

OUT = HERE / "out" / "examples"


def trec_unique() -> pd.DataFrame:
    from tuneready.io import LoadOptions, load_dataset
    from tuneready.io.text import normalize

    data = load_dataset(require_shared() / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1")).frame
    frame = pd.DataFrame({"question": data["input"],
                          "label": data["label"].str.split(":").str[0]})
    frame = frame[~frame["question"].map(normalize).duplicated()]
    return frame.sample(frac=1.0, random_state=7).reset_index(drop=True)


def stratified(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """n rows in label proportion (at least 10 per label where the label has them)."""
    shares = frame["label"].value_counts(normalize=True)
    parts = [frame[frame["label"] == lab].head(max(10, round(share * n)))
             for lab, share in shares.items()]
    out = pd.concat(parts)
    return out.sample(n=min(n, len(out)), random_state=1).reset_index(drop=True)


def flip(frame: pd.DataFrame, share: float, seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    labels = sorted(frame["label"].unique())
    out = frame.copy()
    for i in rng.sample(range(len(out)), round(share * len(out))):
        out.loc[i, "label"] = rng.choice([x for x in labels if x != out.loc[i, "label"]])
    return out


def run(name: str, frame: pd.DataFrame, extra: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.csv"
    frame.to_csv(path, index=False)
    cmd = ["tuneready", "audit", f"{name}.csv", *extra]
    proc = subprocess.run([sys.executable, "-m", "tuneready", *cmd[1:], "--json", "--out",
                           str(OUT / name)], cwd=OUT, capture_output=True, text=True)
    if proc.returncode == 2:
        raise SystemExit(proc.stderr)
    audit = json.loads(proc.stdout)
    rec = audit["recommendation"]
    print(f"$ {' '.join(cmd)}\n  -> {rec['verdict']} (data supports {rec['data_verdict']}, "
          f"{rec['effective_n']:,} effective examples, exit {proc.returncode})")
    for reason in rec["reasons"][:3]:
        print(f"     - [{reason['code']}] {reason['message']}")
    for c in audit["context"].get("costs", []):  # the cheapest provider per path, dated
        print(f"     cost {c['path']}: {c['provider']} {c['model']} (prices as of "
              f"{c['as_of']}) ${c['total_monthly']:,.2f}/month, one-off ${c['one_off']:,.2f}")
    for c in rec.get("complements", []):
        print(f"     + {c['code']}: {c['message'][:160]}")
    for c in rec.get("crossovers", []):
        print(f"     crossover: {c['message']}")


def main() -> None:
    trec = trec_unique()
    broad = stratified(trec, 5000)
    run("trec_60", stratified(trec, 60), [])
    run("trec_400", stratified(trec, 400), [])
    run("trec_5000", broad, ["--calls-per-month", "2000000", "--task", "behaviour"])
    noisy = flip(broad, 0.25)
    run("trec_5000_noisy", noisy, ["--calls-per-month", "2000000"])
    answer_review(OUT / "trec_5000_noisy" / "review.csv", broad, OUT / "reviewed.csv")
    run("trec_5000_noisy", noisy, ["--calls-per-month", "2000000", "--review", "reviewed.csv"])


def answer_review(sample: Path, truth: pd.DataFrame, out: Path) -> None:
    """A simulated reviewer: ``correct_label`` of every row of the sample from the clean
    labels (CSV row ids: line 1 is the header, so row id r is frame row r - 2)."""
    reviewed = pd.read_csv(sample, dtype=str, keep_default_na=False)
    reviewed["correct_label"] = [truth["label"].iat[int(r) - 2] for r in reviewed["row_id"]]
    reviewed.to_csv(out, index=False)


if __name__ == "__main__":
    main()
