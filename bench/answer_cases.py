"""Public chat and instruction data with answer defects planted at known rows, with a seed.

Three sources from ``../shared/data`` (never committed): chatterbot conversations (every
utterance with the reply that follows it), ``alpaca_en_demo.json`` (instruction + input ->
output) and ``glaive_toolcall_en_demo.json`` (each human turn answered directly by the
assistant, tool calls skipped). The rows as published are taken as clean, so real defects of
the sources count against every method (the false-flag rates are upper bounds).

Each planted row carries exactly one defect (rows read as real defects of the source are
never planted into):

- ``truncated``: an answer of at least 8 words cut at a random character between 30 % and
  80 % of its length (half), at a word boundary (three tenths), or at one fixed token count
  shared by all of them (a fifth: an export or generation limit);
- ``off_topic``: the answer of another row with a different prompt (an answer the source
  gives only once: copying one of chatterbot's 90-fold tech-support replies would plant a
  canned reply instead; never a real defect of the source, such as one of glaive's refusals,
  nor an answer already cut, which would plant two defects in one row);
- ``refusal``: a refusal, from ``REFUSALS_DEV`` (what the detector was written against) or
  ``REFUSALS_HELD_OUT`` (phrasings never shown to it), half each; in the row's own language
  for other languages (``bench/answer_pools.py``);
- ``language``: a sentence in another language (written for this benchmark: the shared data
  holds no translations; English for rows in other languages);
- ``canned``: one of three template replies (with a name or a number varied) given to many rows;
- ``contradiction``: a copy of a closed prompt whose answer is short, with its case and
  punctuation changed and another short answer (the copy is the planted row).

A planted refusal or sentence is used at most ``MAX_COPIES`` times (one more would make it a
canned reply too). ``plant`` applies a ``Recipe`` (rates or fixed counts, where cuts fall,
the set's language) to any source; the held-out sources live in ``bench/answer_heldout.py``.
"""

from __future__ import annotations

import glob
import itertools
import json
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.answer_pools import CANNED as CANNED_BY_LANGUAGE
from bench.answer_pools import (
    CANNED_EN,
    FOREIGN,
    NAMES,
    REFUSALS_DEV,
    REFUSALS_HELD_OUT,
    other_language,
    refusals,
)
from bench.common import require_shared

__all__ = ["FOREIGN", "REFUSALS_DEV", "REFUSALS_HELD_OUT", "Case", "Recipe", "plant"]

KINDS = ("truncated", "off_topic", "refusal", "language", "canned", "contradiction")
#: share of rows planted with each defect (contradictions: of the closed short-answer rows)
RATES = {"truncated": 0.05, "off_topic": 0.05, "refusal": 0.015, "language": 0.015,
         "canned": 0.02, "contradiction": 0.3}
CANNED = CANNED_EN


@dataclass(frozen=True)
class Recipe:
    """How defects are planted into one source."""

    #: the set's language when its rows do not carry their own (``Case.languages``)
    language: str = "en"
    #: kind -> share of rows planted (contradiction: of the closed short-answer rows)
    rates: Mapping[str, float] = field(default_factory=lambda: dict(RATES))
    #: kind -> a fixed number of rows instead of a share (the issue's recipe)
    counts: Mapping[str, int] | None = None
    #: ``None``: the mixed cut (a character at 30-80 %, a word boundary, one token count);
    #: a share: every cut at that share of the answer's characters
    cut_at: float | None = None
    #: answers cut have at least this many words (a CJK character counts as a word)
    cut_min_words: int = 8


@dataclass
class Case:
    name: str
    prompts: list[str]
    answers: list[str]
    #: planted kind -> frame positions
    truth: dict[str, set[int]] = field(default_factory=dict)
    #: contradiction copies -> the position of the row they contradict
    pairs: dict[int, int] = field(default_factory=dict)
    #: real defects of the source read by hand (kind -> positions), neither planted nor clean
    source: dict[str, set[int]] = field(default_factory=dict)
    #: each row's language where the set mixes several (else ``Recipe.language``)
    languages: list[str] | None = None
    #: answers of the same source outside the case (other conversations): what is swapped
    #: in as an off-topic answer when given; else an answer of another row of the case
    outside: list[str] = field(default_factory=list)

    def language(self, i: int, default: str) -> str:
        return self.languages[i] if self.languages else default

    def mark_source_defects(self, source: str) -> None:
        """Rows whose (unplanted) answer a person judged a real defect of the source: they
        count as that kind's truth, not as clean rows (``answer_source_truth.json``)."""
        import hashlib

        real = json.loads((Path(__file__).parent / "answer_source_truth.json")
                          .read_text("utf-8"))["real"].get(source, {})
        by_sha = {sha: kind for kind, shas in real.items() for sha in shas}
        planted = self.planted
        for i, answer in enumerate(self.answers):
            kind = by_sha.get(hashlib.sha1(answer.encode()).hexdigest()[:16])
            if kind and i not in planted:
                self.source.setdefault(kind, set()).add(i)

    @property
    def planted(self) -> set[int]:
        return set().union(*self.truth.values()) if self.truth else set()


def chatterbot() -> list[tuple[str, str]]:
    import yaml

    pairs = []
    for path in sorted(glob.glob(str(require_shared() / "chatterbot_english" / "*.yml"))):
        doc = yaml.safe_load(Path(path).read_text("utf-8"))
        for conv in doc.get("conversations") or []:
            if not isinstance(conv, list):  # trivia.yml holds one bare string
                continue
            turns = [str(t) for t in conv if t is not None]
            pairs += [(a, b) for a, b in itertools.pairwise(turns)]
    return pairs


def alpaca() -> list[tuple[str, str]]:
    rows = json.loads((require_shared() / "llamafactory_demo" / "alpaca_en_demo.json")
                      .read_text("utf-8"))
    return [((r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")), r["output"])
            for r in rows]


def glaive() -> list[tuple[str, str]]:
    rows = json.loads((require_shared() / "llamafactory_demo" /
                       "glaive_toolcall_en_demo.json").read_text("utf-8"))
    pairs = []
    for r in rows:
        turns = r["conversations"]
        for a, b in itertools.pairwise(turns):
            if a["from"] == "human" and b["from"] == "gpt":
                pairs.append((a["value"], b["value"]))
    return pairs


SOURCES = {"chatterbot": chatterbot, "alpaca": alpaca, "glaive": glaive}


def clean_case(name: str) -> Case:
    pairs = SOURCES[name]()
    case = Case(name + "_clean", [p for p, _ in pairs], [a for _, a in pairs])
    case.mark_source_defects(name)
    return case


def planted_case(name: str, seed: int = 0) -> Case:
    """A tuned source with every defect kind planted at seeded rows (disjoint)."""
    return plant(clean_case(name), seed, Recipe(), name)


def plant(base: Case, seed: int, recipe: Recipe, name: str) -> Case:
    """``base`` (unplanted, its real defects marked) with the recipe's defects planted at
    seeded rows, one defect per row; a kind without a pool for a row's language is not
    planted there."""
    rng = random.Random(seed)
    case = Case(name, list(base.prompts), list(base.answers), {k: set() for k in KINDS})
    case.source, case.languages, case.outside = base.source, base.languages, base.outside
    n = len(case.prompts)
    count = (dict(recipe.counts) if recipe.counts is not None
             else {k: round(r * n) for k, r in recipe.rates.items() if k != "contradiction"})
    real = set().union(*case.source.values()) if case.source else set()
    free = list(range(n))
    rng.shuffle(free)
    free = [i for i in free if i not in real]  # a planted row carries exactly one defect
    long_rows = [i for i in free if _words(case.answers[i]) >= recipe.cut_min_words]
    _truncate(case, long_rows[:count.get("truncated", 0)], rng, recipe.cut_at)
    taken = set(case.truth["truncated"])
    free = [i for i in free if i not in taken]
    if "canned" in count and recipe.counts is None:
        count["canned"] = max(count["canned"], 6 * len(CANNED))  # 6+ prompts per template
    for kind in ("off_topic", "refusal", "language", "canned"):
        rows = [i for i in free if _pool(kind, case.language(i, recipe.language), 0)]
        rows = rows[:count.get(kind, 0)]
        used: Counter[str] = Counter()
        planted = []
        for j, i in enumerate(rows):
            text = _plant(kind, i, j, case, rng, case.language(i, recipe.language), used)
            if text is not None:
                case.answers[i] = text
                planted.append(i)
        case.truth[kind] = set(planted)
        free = [i for i in free if i not in case.truth[kind]]
    if recipe.rates.get("contradiction") and recipe.counts is None \
            and recipe.language == "en" and not case.languages:
        _contradict(case, free, rng, recipe.rates["contradiction"])
    return case


def _words(text: str) -> int:
    from tuneready.evidence.languages import word_count

    return word_count(text)


def _pool(kind: str, language: str, j: int) -> list[str]:
    if kind == "refusal":
        return refusals(language, j)
    if kind == "language":
        return other_language(language)
    if kind == "canned":
        return CANNED_BY_LANGUAGE.get(language, [])
    return ["swap"]


def _truncate(case: Case, rows: list[int], rng: random.Random, cut_at: float | None) -> None:
    from tuneready.evidence.tokens import get_encoding

    enc = get_encoding()
    limit_rows = rows[: len(rows) // 5] if cut_at is None else []
    tokens = sorted(len(enc.encode_ordinary(case.answers[i])) for i in limit_rows)
    limit = max(8, tokens[len(tokens) // 3]) if tokens else 8
    for j, i in enumerate(rows):
        text = case.answers[i]
        words = text.split(" ")
        if cut_at is not None:
            cut = text[:int(len(text) * cut_at)]
        elif i in limit_rows and len(enc.encode_ordinary(text)) > limit + 2:
            cut = enc.decode(enc.encode_ordinary(text)[:limit])
        elif j % 2 == 0 or len(words) < 4:  # a CJK text has no spaces to cut at
            cut = text[:int(len(text) * rng.uniform(0.3, 0.8))]
        else:
            cut = " ".join(words[:max(2, int(len(words) * rng.uniform(0.3, 0.8)))])
        case.answers[i] = cut.rstrip()
        case.truth["truncated"].add(i)


#: a planted refusal or foreign sentence is used at most this many times: one more and it
#: would be a canned reply too (``[answers] canned_min_prompts``), two defects in one row
MAX_COPIES = 4


def _plant(kind: str, i: int, j: int, case: Case, rng: random.Random, language: str,
           used: Counter[str]) -> str | None:
    if kind == "off_topic":  # an answer given once in the source, to another prompt
        if case.outside:
            return case.outside[rng.randrange(len(case.outside))]
        while True:
            k = rng.randrange(len(case.prompts))
            if (case.prompts[k].strip().lower() != case.prompts[i].strip().lower()
                    and _once(case, k) and not _real(case, k)
                    and case.language(k, language) == language):
                return case.answers[k]
    if kind in ("refusal", "language"):
        pool = [t for t in _pool(kind, language, j) if used[t] < MAX_COPIES]
        if not pool:
            return None  # every phrasing used up: plant fewer
        text = rng.choice(pool)
        used[text] += 1
        return text
    templates = CANNED_BY_LANGUAGE[language]
    template = templates[j % len(templates)]
    return template.format(name=rng.choice(NAMES), num=rng.randrange(100, 999))


def _real(case: Case, k: int) -> bool:
    """A real defect of the source (a refusal in glaive) or an answer already planted (cut):
    swapped in, it would carry two defects, and the flag it earns for the other one would
    count as a false flag of that rule."""
    return any(k in rows for rows in case.source.values()) or k in case.planted


def _once(case: Case, k: int) -> bool:
    if case.__dict__.get("_counts") is None:
        from collections import Counter

        case.__dict__["_counts"] = Counter(case.answers)
    return int(case.__dict__["_counts"][case.answers[k]]) == 1


CLOSED_OPENERS = ("what is", "what are", "who ", "when ", "where ", "which ", "how many",
                  "how much", "name the", "convert", "translate", "calculate", "classify")


def _contradict(case: Case, free: list[int], rng: random.Random, rate: float) -> None:
    """Copies of closed short-answer prompts with another short answer, appended."""
    closed = [i for i in free if case.prompts[i].lower().startswith(CLOSED_OPENERS)
              and len(case.answers[i].split()) <= 6]
    short = [i for i in range(len(case.answers)) if len(case.answers[i].split()) <= 6
             and not _real(case, i)]  # not a cut or swapped answer: one defect per row
    for i in closed[:round(rate * len(closed))]:
        other = rng.choice([k for k in short if case.answers[k] != case.answers[i]])
        prompt = case.prompts[i]
        copy = prompt.upper() if rng.random() < 0.5 else prompt.rstrip("?.!") + " ?"
        case.pairs[len(case.prompts)] = i
        case.truth["contradiction"].add(len(case.prompts))
        case.prompts.append(copy)
        case.answers.append(case.answers[other])


def to_dataset(case: Case) -> Any:
    import pandas as pd

    from tuneready.io import LoadOptions, load_frame

    frame = pd.DataFrame({"messages": [[{"role": "user", "content": p},
                                        {"role": "assistant", "content": a}]
                                       for p, a in zip(case.prompts, case.answers,
                                                       strict=True)]})
    return load_frame(frame, LoadOptions(target_label_max=0), name=case.name)
