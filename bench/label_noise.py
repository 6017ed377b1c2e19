"""Label-noise benchmark: tuneready's range and review against plain cleanlab, public cases.

    python bench/label_noise.py [--cases sms_spam,trec_coarse,trec_fine,chatterbot,vader]

The cases (``bench/noise_cases.py``, data in ``../shared/data``, never committed): SMS spam and
TREC coarse labels with 0, 10 and 20 % random flips (the source labels taken as clean), TREC
fine labels and chatterbot categories as published (no known truth), and VADER tweets (one
rater's label against the other raters' consensus). For each case:

- ``tuneready``: the label_noise check end to end (TF-IDF + sentence-vector stack, cleanlab
  count and ranking, rejections by both views, planted-flip probe): proxy accuracy, point
  estimate, range and whether it is resolved, precision/recall of the flagged rows and of
  the confirmed ones, the share of rows cut from the effective size, the cap, and then the
  estimate after a **simulated review**: the rows of ``review.csv`` answered from the truth
  and fed back through ``--review``'s code path, with its 95 % interval;
- ``plain``: ``TfidfVectorizer(ngram_range=(1, 2))`` + ``LogisticRegression`` 5-fold
  out-of-fold probabilities and ``cleanlab.filter.find_label_issues`` with its defaults
  (estimated rate = share flagged).

Real errors in the source labels count against both methods (precision is a lower bound).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.noise_cases import SEED, Case, cases  # noqa: E402


def score(flagged: np.ndarray, truth: np.ndarray | None) -> tuple[float | None, float | None]:
    if truth is None:
        return None, None
    hit = len(np.intersect1d(flagged, truth))
    precision = hit / len(flagged) if len(flagged) else (1.0 if not len(truth) else 0.0)
    recall = hit / len(truth) if len(truth) else 1.0
    return round(precision, 3), round(recall, 3)


def f1(pr: tuple[float | None, float | None]) -> float | None:
    p, r = pr
    if p is None or r is None or not (p + r):
        return None
    return round(2 * p * r / (p + r), 3)


def run_tuneready(case: Case) -> dict[str, Any]:
    from tuneready.checks import get_check
    from tuneready.config.policy import load_policy
    from tuneready.engine.runner import run_one
    from tuneready.evidence.store import Evidence

    policy = load_policy()
    start = time.perf_counter()
    evidence = Evidence(case.data, seed=SEED)
    result = run_one(get_check("label_noise"), case.data, evidence, policy)
    seconds = time.perf_counter() - start
    issues = evidence.label_issues
    assert issues is not None, result.error
    m = result.metrics
    caps = [f.caps.value for f in result.findings if f.caps is not None]
    row = {"proxy_acc": m.get("oof_accuracy"), "estimate": m["noise_rate"],
           "range": f"{m['noise_rate_lo']:.3f}-{m['noise_rate_hi']:.3f}",
           "resolved": m["estimate_resolved"],
           "flags_pr": score(issues.flagged_positions, case.truth),
           "confirmed_pr": score(issues.confirmed_positions, case.truth),
           "cut": round(len(result.excluded_rows) / case.data.n, 4),
           "cap": caps[0] if caps else "-", "status": result.status.value,
           "seconds": round(seconds, 1)}
    row["flags_f1"] = f1(row["flags_pr"])
    row["contains"] = (None if case.true_rate is None else
                       bool(m["noise_rate_lo"] <= case.true_rate <= m["noise_rate_hi"]))
    row.update(simulated_review(case, evidence, result.tables.get("review_sample", [])))
    return row


def simulated_review(case: Case, evidence: Any, sample: list[dict[str, Any]]) -> dict[str, Any]:
    """Answer the review sample from the truth and re-estimate through ``--review``'s path."""
    from tuneready.config.policy import load_policy
    from tuneready.evidence.label_issues import NoiseSettings
    from tuneready.io import review_file

    if case.correct is None or not sample:
        return {"review_rows": len(sample), "reviewed": "-"}
    position = {str(r): i for i, r in enumerate(case.data.frame["row_id"].tolist())}
    answers = [review_file.Answer(line, str(r["row_id"]), r["input_hash"],
                                  str(case.correct[position[str(r["row_id"])]]))
               for line, r in enumerate(sample, start=2)]
    classes = sorted(str(v) for v in case.data.frame["label"].dropna().unique())
    matched = review_file.match(answers, case.data.frame, classes, "simulated")
    evidence.noise_settings = NoiseSettings.from_policy(
        load_policy().for_check("label_noise"), matched)
    evidence.__dict__.pop("label_issues", None)
    issues = evidence.label_issues
    review = issues.review
    within = abs(review.rate - (case.true_rate or 0.0)) <= 0.04
    covers = review.lower <= (case.true_rate or 0.0) <= review.upper
    return {"review_rows": len(sample),
            "reviewed": f"{review.rate:.3f} ({review.lower:.3f}-{review.upper:.3f})",
            "review_ok": bool(within and covers)}


def run_plain(case: Case) -> dict[str, Any]:
    from cleanlab.filter import find_label_issues
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    start = time.perf_counter()
    frame = case.data.frame
    counts = frame["label"].value_counts()
    keep = np.flatnonzero(frame["label"].map(counts).to_numpy() >= 2)  # k-fold needs 2 a class
    texts = frame["input"].fillna("").iloc[keep].tolist()
    labels = frame["label"].iloc[keep]
    classes = sorted(set(labels))
    y = np.asarray([classes.index(v) for v in labels])
    folds = int(min(5, np.bincount(y).min()))
    x = TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    probs = cross_val_predict(LogisticRegression(max_iter=1000), x, y,
                              cv=StratifiedKFold(folds, shuffle=True, random_state=SEED),
                              method="predict_proba")
    mask = find_label_issues(labels=y, pred_probs=probs)
    pr = score(keep[mask], case.truth)
    return {"proxy_acc": round(float((probs.argmax(1) == y).mean()), 3),
            "estimate": round(float(mask.mean()), 4), "flags_pr": pr, "flags_f1": f1(pr),
            "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", default="")
    args = parser.parse_args()
    rows = []
    for case in cases([c for c in args.cases.split(",") if c] or None):
        ours, plain = run_tuneready(case), run_plain(case)
        rows.append({"case": case.name, "n": case.data.n,
                     "truth": None if case.true_rate is None else round(case.true_rate, 4),
                     **{f"tr_{k}": v for k, v in ours.items()},
                     **{f"cl_{k}": v for k, v in plain.items()}})
        print(rows[-1], file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
