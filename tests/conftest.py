"""Fixtures the project builds itself: small, deterministic datasets in every shape."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from tuneready.evidence.store import Evidence
from tuneready.io import LoadOptions, load_frame
from tuneready.io.dataset import Dataset, empty_frame

TOPICS = {
    "sports": ["match", "goal", "team", "league", "coach", "score", "season", "player"],
    "weather": ["rain", "sunny", "forecast", "storm", "wind", "cloud", "snow", "humid"],
    "finance": ["stock", "bank", "loan", "interest", "market", "fund", "price", "budget"],
}


def make_texts(n: int, seed: int = 0, labels: list[str] | None = None) -> pd.DataFrame:
    """Separable short texts: each label draws most words from its own vocabulary."""
    rng = random.Random(seed)
    names = labels or sorted(TOPICS)
    rows = []
    for i in range(n):
        label = names[i % len(names)]
        vocab = TOPICS.get(label, TOPICS["sports"])
        words = [rng.choice(vocab) for _ in range(6)] + [f"w{rng.randrange(500)}"]
        rows.append({"text": " ".join(words), "label": label})
    return pd.DataFrame(rows)


def dataset(frame: pd.DataFrame, **opts: object) -> Dataset:
    return load_frame(frame, LoadOptions(**opts))  # type: ignore[arg-type]


@pytest.fixture
def texts_300() -> Dataset:
    return dataset(make_texts(300))


@pytest.fixture
def write(tmp_path: Path):
    """Write text or records to a file in tmp_path and return its path."""

    def _write(name: str, content: str | bytes | list[dict]) -> Path:
        path = tmp_path / name
        if isinstance(content, list):
            content = "".join(json.dumps(r) + "\n" for r in content)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write


def edge_datasets() -> dict[str, Dataset]:
    """The edge cases every registered check must survive (the conformance suite)."""
    base = make_texts(40)
    cases = {
        "one_row": dataset(base.head(1)),
        "one_class": dataset(make_texts(40, labels=["sports"])),
        "all_duplicates": dataset(pd.DataFrame({"text": ["same text"] * 30,
                                                "label": ["a", "b"] * 15})),
        "unicode": dataset(pd.DataFrame({
            "text": ["naïve café ☕", "日本語のテキスト", "emoji 🎉🎉", "עברית", "Ελληνικά",
                     "<script>alert(1)</script>", "=SUM(A1)", "\u200b zero width"] * 5,
            "label": ["x", "y"] * 20})),
        "missing_values": dataset(pd.DataFrame({
            "text": ["hello there", None, "", "   ", "fine text", "more"] * 5,
            "label": ["a", "b", None, "a", "b", None] * 5})),
        "two_rows": dataset(base.head(2)),
        "class_with_one_example": dataset(pd.concat(
            [base.head(30), pd.DataFrame({"text": ["lonely"], "label": ["rare"]})])),
        "chat_no_labels": dataset(pd.DataFrame({"messages": [
            [{"role": "user", "content": f"question {i}"},
             {"role": "assistant", "content": f"a long free-form answer number {i} " * 3}]
            for i in range(25)]})),
    }
    empty = Dataset(path="empty", format="classification", reader="dataframe",
                    frame=empty_frame(), mapping={}, problems=[])
    cases["empty"] = empty
    return cases


def evidence_for(data: Dataset, seed: int = 0) -> Evidence:
    return Evidence(data, seed=seed)
