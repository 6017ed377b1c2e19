"""Label-noise benchmark: tuneready label_noise vs plain cleanlab, real data, planted flips.

    python bench/label_noise.py [--rates 0,0.1,0.2] [--datasets sms_spam,trec_questions]

Data (``../shared/data``, never committed): SMS spam (ham/spam) and TREC questions, using the
*coarse* TREC label (the part before ':' in ``DESC:manner``: 6 classes), both deduplicated on the
normalized input (first copy kept; this also drops TREC's one question with two labels). For
each flip rate, that share of rows gets a different label drawn uniformly at random with a
fixed seed. Per dataset and rate we print the true rate, the estimated rate, precision and
recall of the flagged rows against the planted flips, and wall-clock seconds:

- ``tuneready``: the label_noise check end to end (TF-IDF word + char n-grams, the shared
  out-of-fold proxy, cleanlab count + ranking, conflicting duplicates, planted-flip probe);
  seconds include featurizing and the proxy fit;
- ``plain``: ``TfidfVectorizer()`` + ``LogisticRegression()`` 5-fold out-of-fold
  probabilities and ``cleanlab.filter.find_label_issues`` with its defaults; estimated rate =
  share flagged.

The original labels are treated as clean, so real label errors in the source data count as
false positives for both methods (precision is a lower bound).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import require_shared  # noqa: E402

SEED = 0


def load(name: str) -> Any:
    """The deduplicated dataset (tuneready ``Dataset``) for a benchmark name."""
    from tuneready.io import LoadOptions, load_dataset
    from tuneready.io.text import normalize

    root = require_shared()
    if name == "sms_spam":
        data = load_dataset(root / "sms_spam" / "sms-spam.csv")
    elif name == "trec_questions":
        data = load_dataset(root / "trec_questions" / "question_labels.txt",
                            LoadOptions(reader="label-lines", encoding="latin-1"))
        data.frame["label"] = data.frame["label"].str.split(":").str[0]
    else:
        raise SystemExit(f"unknown dataset {name}")
    frame = data.frame
    keep = ~frame["input"].map(normalize).duplicated(keep="first")
    return dataclasses.replace(data, frame=frame[keep.to_numpy()].reset_index(drop=True))


def flip(data: Any, rate: float, seed: int = SEED) -> tuple[Any, np.ndarray]:
    """A copy with ``rate`` of labels changed to another class at random; flipped positions."""
    frame = data.frame.copy()
    labels = frame["label"].to_numpy().copy()
    classes = sorted(set(labels))
    rng = np.random.default_rng(seed)
    n_flip = round(rate * len(frame))
    flipped = np.sort(rng.choice(len(frame), size=n_flip, replace=False))
    for i in flipped:
        others = [c for c in classes if c != labels[i]]
        labels[i] = others[int(rng.integers(len(others)))]
    frame["label"] = labels
    return dataclasses.replace(data, frame=frame), flipped


def score(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    hit = len(np.intersect1d(flagged, truth))
    precision = hit / len(flagged) if len(flagged) else (1.0 if not len(truth) else 0.0)
    recall = hit / len(truth) if len(truth) else 1.0
    return precision, recall


def run_tuneready(data: Any) -> dict[str, Any]:
    from tuneready.checks import get_check
    from tuneready.evidence import Evidence
    from tuneready.policy import load_policy
    from tuneready.runner import run_one

    start = time.perf_counter()
    evidence = Evidence(data, seed=SEED)
    result = run_one(get_check("label_noise"), data, evidence, load_policy())
    seconds = time.perf_counter() - start
    issues = evidence.label_issues
    assert issues is not None
    return {"flagged": issues.flagged_positions, "rate": issues.rate, "seconds": seconds,
            "status": result.status.value, "weak": bool(result.metrics.get("proxy_weak")),
            "accuracy": issues.oof_accuracy,
            "probe_recall": result.metrics.get("probe_recall")}


def run_plain(data: Any) -> dict[str, Any]:
    from cleanlab.filter import find_label_issues
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    start = time.perf_counter()
    texts = data.frame["input"].fillna("").tolist()
    classes = sorted(set(data.frame["label"]))
    y = np.asarray([classes.index(v) for v in data.frame["label"]])
    x = TfidfVectorizer().fit_transform(texts)
    probs = cross_val_predict(LogisticRegression(max_iter=1000), x, y,
                              cv=StratifiedKFold(5, shuffle=True, random_state=SEED),
                              method="predict_proba")
    mask = find_label_issues(labels=y, pred_probs=probs)
    seconds = time.perf_counter() - start
    return {"flagged": np.flatnonzero(mask), "rate": float(mask.mean()), "seconds": seconds,
            "status": "", "weak": None, "accuracy": float((probs.argmax(1) == y).mean()),
            "probe_recall": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="0,0.1,0.2")
    parser.add_argument("--datasets", default="sms_spam,trec_questions")
    args = parser.parse_args()
    rows = []
    for name in args.datasets.split(","):
        base = load(name)
        for rate in (float(r) for r in args.rates.split(",")):
            data, truth = flip(base, rate)
            for method, fn in (("tuneready", run_tuneready), ("plain", run_plain)):
                out = fn(data)
                precision, recall = score(out["flagged"], truth)
                rows.append({
                    "dataset": name, "n": data.n, "flips": rate,
                    "true_rate": round(len(truth) / data.n, 4), "method": method,
                    "est_rate": round(out["rate"], 4), "precision": round(precision, 3),
                    "recall": round(recall, 3), "seconds": round(out["seconds"], 1),
                    "proxy_acc": round(out["accuracy"], 3), "status": out["status"],
                    "weak": out["weak"], "probe_recall": out["probe_recall"]})
                print(rows[-1], file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
