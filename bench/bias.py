"""Acceptance run of the bias check on real data (``../shared/data``); prints what it reports.

    python bench/bias.py            # all sets
    python bench/bias.py cps trec   # some of them

Sets:
- ``cps``: CPS 1985 wages (Berndt; 534 workers). Label: wage above its median. Groups: gender
  and race (plus their intersection). The input text describes the non-sensitive covariates
  (education, experience, union, region, occupation, sector, marital status), so the shared
  proxy learns wages from them and its errors can be compared by group.
- ``trec``: TREC questions (Li & Roth), deduplicated, coarse labels; no group column, so
  groups come from identity terms in the questions.
- ``sms`` and ``sms_planted``: SMS spam as is, then with 30 % of the ham messages that mention
  a woman/girl term relabelled spam: a planted term-label bias the check must find.
- ``alpaca``: LlamaFactory's Alpaca demo (instruction -> output): refusal rate and answer
  length by identity-term group.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import require_shared
from tuneready.checks.bias.check import BiasCheck
from tuneready.checks.bias.lexicon import match_terms
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult
from tuneready.evidence.store import Evidence
from tuneready.io import Dataset, LoadOptions, load_dataset, load_frame

COLUMNS = ("attribute", "group", "n", "share", "label", "label_rate", "label_rate_lo",
           "label_rate_hi", "error_rate", "error_lo", "error_hi", "recall", "noise_rate",
           "refusal_rate", "answer_tokens", "status")


def cps() -> tuple[Dataset, dict[str, Any]]:
    frame = pd.read_csv(require_shared() / "cps_wages_1985" / "data.csv")
    median = frame["wage"].median()
    text = ("education " + frame["education"].astype(str) + " years, experience "
            + frame["experience"].astype(str) + " years, union " + frame["union"].astype(str)
            + ", south " + frame["south"].astype(str) + ", occupation " + frame["occupation"]
            + ", sector " + frame["sector"] + ", married " + frame["married"].astype(str))
    data = pd.DataFrame({"text": text, "label": np.where(frame["wage"] > median, "above_median",
                                                         "at_or_below_median"),
                         "gender": frame["gender"], "race": frame["race"]})
    print(f"CPS: {len(data)} rows, median wage {median}, label shares "
          f"{data['label'].value_counts().to_dict()}")
    return (load_frame(data, LoadOptions(groups=("gender", "race")), name="cps_wages_1985"),
            {"intersect": [["gender", "race"]]})


def trec() -> tuple[Dataset, dict[str, Any]]:
    lines = (require_shared() / "trec_questions" / "question_labels.txt").read_text("latin-1")
    rows = []
    for line in lines.splitlines():
        head, _, question = line.partition(" ")
        if question.strip():
            rows.append({"text": question.strip(), "label": head.split(":")[0]})
    frame = pd.DataFrame(rows).drop_duplicates("text").reset_index(drop=True)
    return load_frame(frame, name="trec_coarse_unique"), {}


def _sms_frame() -> pd.DataFrame:
    sms = load_dataset(require_shared() / "sms_spam" / "sms-spam.csv").frame
    return pd.DataFrame({"text": sms["input"], "label": np.where(sms["label"] == "1", "spam",
                                                                 "ham")})


def sms() -> tuple[Dataset, dict[str, Any]]:
    return load_frame(_sms_frame(), name="sms_spam"), {}


def sms_planted() -> tuple[Dataset, dict[str, Any]]:
    frame = _sms_frame()
    women = (match_terms(frame["text"]).groups["gender"] == "women").to_numpy()
    ham = (frame["label"] == "ham").to_numpy()
    rng = np.random.default_rng(0)
    flip = women & ham & (rng.random(len(frame)) < 0.3)
    frame.loc[flip, "label"] = "spam"
    print(f"SMS planted: {int((women & ham).sum())} ham rows mention women terms; "
          f"{int(flip.sum())} relabelled spam")
    return load_frame(frame, name="sms_spam_planted"), {}


def alpaca() -> tuple[Dataset, dict[str, Any]]:
    path = require_shared() / "llamafactory_demo" / "alpaca_en_demo.json"
    return load_dataset(path), {}


SETS = {"cps": cps, "trec": trec, "sms": sms, "sms_planted": sms_planted, "alpaca": alpaca}


def run(name: str) -> CheckResult:
    data, overrides = SETS[name]()
    params = load_policy().for_check("bias")
    params.update(overrides)
    evidence = Evidence(data, seed=0)
    start = time.perf_counter()
    if data.has_labels:
        _ = evidence.proxy, evidence.label_issues  # shared evidence, timed apart
    shared = time.perf_counter() - start
    start = time.perf_counter()
    result = BiasCheck().run(data, evidence, params)
    own = time.perf_counter() - start
    print(f"\n=== {name}: {data.n:,} rows, format {data.format} ===")
    print(f"status {result.status.value}: {result.summary}")
    print(f"seconds: shared evidence (proxy, label issues) {shared:.1f}, bias check {own:.1f}")
    for f in result.findings:
        print(f"- [{f.severity.value}] {f.code}: {f.message}")
        if f.remedy and f.severity.value != "info":
            print(f"    remedy: {f.remedy}")
    groups = pd.DataFrame(result.tables.get("groups", []))
    if len(groups):
        shown = groups[[c for c in COLUMNS if c in groups]].dropna(axis=1, how="all")
        if name in ("trec", "sms", "sms_planted", "alpaca"):
            shown = shown[shown["n"] >= 30]
        with pd.option_context("display.width", 200, "display.max_columns", 30,
                               "display.max_rows", 80):
            print(shown.to_string(index=False))
    terms = pd.DataFrame(result.tables.get("terms", []))
    if len(terms):
        print("terms (top 12 by p):")
        cols = ["term", "category", "label", "count", "cooccurrence", "label_rate_with_term",
                "label_rate", "npmi", "p_adjusted", "flagged"]
        print(terms[cols].head(12).to_string(index=False))
    return result


def main(names: list[str]) -> None:
    for name in names or list(SETS):
        run(name)


if __name__ == "__main__":
    main(sys.argv[1:])
