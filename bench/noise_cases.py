"""The public label-noise cases (``../shared/data``, never committed), each with its truth.

A case is a tuneready ``Dataset`` plus the frame positions whose label is known to be wrong
(``None`` when no truth is known: TREC fine labels and chatterbot categories as published).

- ``sms_spam`` and ``trec_coarse`` (the part of the TREC label before ':'), deduplicated on the
  normalized input (first copy kept), with 0, 10 and 20 % of labels changed to another class
  uniformly at random (seeded). The source labels are taken as clean, so the truth of the 0 %
  cases is 0 and real errors in the source count against every method.
- ``trec_fine`` (50 classes) and ``chatterbot`` (the opening line of each conversation labelled
  by its category file, 21 classes, each opening once: 749 rows): hard, short utterances; no
  known truth.
- ``vader_tweets``: one annotator's label (sign of the first rating, first ratings of 0
  dropped) against the consensus of the other raters (sign of their mean; tweets whose mean is
  within 0.5 of 0 dropped): 2,929 tweets, 3.9 % labelled against the consensus (shared/data's
  README).
"""

from __future__ import annotations

import ast
import dataclasses
import glob
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import require_shared

SEED = 0


@dataclasses.dataclass
class Case:
    name: str
    data: Any  # tuneready Dataset
    truth: np.ndarray | None  # frame positions of wrong labels; None = unknown
    #: the right label of every row (None = unknown): what a simulated reviewer answers
    correct: np.ndarray | None = None

    @property
    def true_rate(self) -> float | None:
        return None if self.truth is None else len(self.truth) / self.data.n


def _dedup(data: Any) -> Any:
    from tuneready.io.text import normalize

    frame = data.frame
    keep = ~frame["input"].map(normalize).duplicated(keep="first")
    return dataclasses.replace(data, frame=frame[keep.to_numpy()].reset_index(drop=True))


def sms() -> Any:
    from tuneready.io import load_dataset

    return _dedup(load_dataset(require_shared() / "sms_spam" / "sms-spam.csv"))


def trec(fine: bool = False) -> Any:
    from tuneready.io import LoadOptions, load_dataset

    data = load_dataset(require_shared() / "trec_questions" / "question_labels.txt",
                        LoadOptions(reader="label-lines", encoding="latin-1"))
    if not fine:
        data.frame["label"] = data.frame["label"].str.split(":").str[0]
    return _dedup(data)


def chatterbot() -> Any:
    """Opening line of each chatterbot conversation, labelled by its category."""
    import yaml

    from tuneready.io import LoadOptions, load_frame

    rows = []
    for path in sorted(glob.glob(str(require_shared() / "chatterbot_english" / "*.yml"))):
        doc = yaml.safe_load(Path(path).read_text("utf-8"))
        for conv in doc.get("conversations") or []:
            # a conversation is a list of turns (trivia.yml holds one bare string: skipped)
            if isinstance(conv, list) and conv and conv[0] is not None:
                rows.append({"text": str(conv[0]), "label": Path(path).stem})
    # 1,277 conversations repeat an earlier opening: keep each opening once (749 rows)
    return _dedup(load_frame(pd.DataFrame(rows), LoadOptions(text="text", label="label"),
                             name="chatterbot_openings"))


def vader() -> tuple[Any, np.ndarray, np.ndarray]:
    """VADER tweets labelled by one rater, with the positions labelled against the others."""
    from tuneready.io import LoadOptions, load_frame

    root = require_shared() / "vader_tweets"
    texts = pd.read_csv(root / "tweets_GroundTruth.txt", sep="\t", quoting=3,
                        dtype={"id": str})
    text_of = dict(zip(texts["id"], texts["text"], strict=True))
    rows, wrong = [], []
    for line in (root / "tweets_anonDataRatings.txt").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or parts[0] not in text_of:
            continue
        ratings = ast.literal_eval(parts[3])
        first, rest = ratings[0], ratings[1:]
        if first == 0 or not rest:
            continue
        consensus = float(np.mean(rest))
        if abs(consensus) < 0.5:
            continue
        label = "positive" if first > 0 else "negative"
        truth = "positive" if consensus > 0 else "negative"
        if label != truth:
            wrong.append(len(rows))
        rows.append({"text": text_of[parts[0]], "label": label, "truth": truth})
    table = pd.DataFrame(rows)
    data = load_frame(table[["text", "label"]], LoadOptions(text="text", label="label"),
                      name="vader_tweets")
    return data, np.asarray(wrong, dtype=np.int64), table["truth"].to_numpy()


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


def cases(names: list[str] | None = None, rates: tuple[float, ...] = (0.0, 0.1, 0.2),
          ) -> Iterator[Case]:
    """Every public case (or those whose name starts with one of ``names``)."""

    def wanted(name: str) -> bool:
        return not names or any(name.startswith(n) for n in names)

    for base_name, loader in (("sms_spam", sms), ("trec_coarse", trec)):
        if not any(wanted(f"{base_name}@{r:.0%}") for r in rates):
            continue
        base = loader()
        for rate in rates:
            name = f"{base_name}@{rate:.0%}"
            if wanted(name):
                data, truth = flip(base, rate)
                yield Case(name, data, truth, base.frame["label"].astype(str).to_numpy())
    if wanted("trec_fine"):
        yield Case("trec_fine", trec(fine=True), None)
    if wanted("chatterbot"):
        yield Case("chatterbot", chatterbot(), None)
    if wanted("vader_tweets"):
        data, wrong, correct = vader()
        yield Case("vader_tweets", data, wrong, correct)
