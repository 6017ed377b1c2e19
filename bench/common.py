"""Benchmark inputs built from the real public datasets in ../shared/data (never committed).

Rows are sampled with replacement from real short texts (SMS spam, TREC questions) and lightly
perturbed (a dropped word, a swapped pair, changed case, an appended token) so that
near-duplicate search and the proxy model have real work, as in a production export.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def require_shared() -> Path:
    if not SHARED.exists():
        raise SystemExit(f"benchmark data not found at {SHARED} (../shared/data)")
    return SHARED


def real_texts() -> list[tuple[str, str]]:
    """(text, label) pairs: SMS ham/spam and TREC coarse question types."""
    from tuneready.io import LoadOptions, load_dataset

    root = require_shared()
    sms = load_dataset(root / "sms_spam" / "sms-spam.csv").frame
    pairs = [(t, "spam" if lab == "1" else "ham") for t, lab in zip(sms["input"], sms["label"],
                                                                      strict=True)]
    trec = load_dataset(root / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1")).frame
    pairs += [(t, lab.split(":")[0]) for t, lab in zip(trec["input"], trec["label"], strict=True)]
    return pairs


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    roll = rng.random()
    if roll < 0.25 and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif roll < 0.5 and len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif roll < 0.7:
        words = [w.lower() for w in words]
    elif roll < 0.9:
        words.append(rng.choice(["please", "thanks", "asap", "?", "!!", "ok", "lol"]))
    return " ".join(words)


def build_rows(n: int, seed: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed)
    pool = real_texts()
    return [{"text": perturb(t, rng), "label": lab}
            for t, lab in (pool[rng.randrange(len(pool))] for _ in range(n))]


def write_jsonl(rows: list[dict[str, str]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench/out") / f"rows_{size}.jsonl"
    print(write_jsonl(build_rows(size), out))
