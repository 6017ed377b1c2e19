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
  ``REFUSALS_HELD_OUT`` (phrasings never shown to it), half each;
- ``language``: a sentence in another language (written for this benchmark: the shared data
  holds no translations);
- ``canned``: one of three template replies (with a name or a number varied) given to many rows;
- ``contradiction``: a copy of a closed prompt whose answer is short, with its case and
  punctuation changed and another short answer (the copy is the planted row).
"""

from __future__ import annotations

import glob
import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import require_shared

KINDS = ("truncated", "off_topic", "refusal", "language", "canned", "contradiction")
#: share of rows planted with each defect (contradictions: of the closed short-answer rows)
RATES = {"truncated": 0.05, "off_topic": 0.05, "refusal": 0.015, "language": 0.015,
         "canned": 0.02, "contradiction": 0.3}

REFUSALS_DEV = [
    "I'm sorry, but I can't help with that request.",
    "I am sorry, I cannot provide that information.",
    "As an AI language model, I cannot do that.",
    "Unfortunately, I am unable to assist with this.",
    "I apologize, but I won't be able to answer that.",
    "Sorry, but I can't comply with this request.",
    "As an AI assistant, I don't have the ability to do that.",
    "I cannot answer that question.",
    "I'm unable to provide the information you asked for.",
    "I will not write that for you.",
]
REFUSALS_HELD_OUT = [
    "That's not something I'm able to help with.",
    "I'd rather not answer that one.",
    "Regrettably, this falls outside of what I can do for you.",
    "I'm afraid I can't do that.",
    "My apologies, but that request goes against my guidelines.",
    "That is beyond my capabilities, so I must decline.",
    "I do not have access to that kind of information, so I can't say.",
    "I'm not in a position to give advice on this topic.",
    "This isn't a request I can fulfill.",
    "I have to refuse this request.",
    "Please understand that I can't share that.",
    "I'm not allowed to discuss that.",
]
FOREIGN = [
    "Je ne sais pas exactement, mais je pense que c'est une bonne idée de commencer tôt.",
    "Das hängt davon ab, wie viel Zeit du hast und was du genau erreichen möchtest.",
    "Claro que sí, puedes hacerlo en casa con muy pocos ingredientes y un poco de paciencia.",
    "Non ne sono sicuro, ma credo che la risposta giusta sia quella più semplice.",
    "Sim, é possível, mas você precisa verificar as configurações do sistema primeiro.",
    "Ja, dat kan, maar je moet eerst de instellingen van het programma controleren.",
    "Oui, bien sûr. Il faut d'abord ouvrir le menu, puis choisir les paramètres.",
    "Ich glaube, das ist eine sehr gute Frage, über die man lange nachdenken kann.",
    "La respuesta depende de muchos factores, pero en general es mejor empezar despacio.",
    "Certo, ti spiego come funziona: prima si apre il file e poi si modifica il testo.",
    "Det beror på hur mycket tid du har och vad du vill uppnå med projektet.",
    "Tak, to jest możliwe, ale najpierw musisz sprawdzić ustawienia systemu.",
]
CANNED = [
    "Thank you for reaching out, {name}! I'm happy to help with anything else you need today.",
    "Great question! Please contact our support team at extension {num} for more details.",
    "I understand. Let me know if there is anything else I can do for you, {name}.",
]
NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Chris", "Pat", "Robin", "Casey"]


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
    """The source with every defect kind planted at seeded rows (disjoint)."""
    rng = random.Random(seed)
    base = clean_case(name)
    case = Case(name, list(base.prompts), list(base.answers), {k: set() for k in KINDS})
    case.source = base.source
    n = len(case.prompts)
    real = set().union(*case.source.values()) if case.source else set()
    free = list(range(n))
    rng.shuffle(free)
    free = [i for i in free if i not in real]  # a planted row carries exactly one defect
    long_rows = [i for i in free if len(case.answers[i].split()) >= 8]
    _truncate(case, long_rows[:round(RATES["truncated"] * n)], rng)
    taken = set(case.truth["truncated"])
    free = [i for i in free if i not in taken]
    counts = {k: round(RATES[k] * n) for k in ("off_topic", "refusal", "language", "canned")}
    counts["canned"] = max(counts["canned"], 6 * len(CANNED))  # a template: 6+ prompts each
    for kind, count in counts.items():
        rows, free = free[:count], free[count:]
        for j, i in enumerate(rows):
            case.answers[i] = _plant(kind, i, j, case, rng)
        case.truth[kind] = set(rows)
    _contradict(case, free, rng)
    return case


def _truncate(case: Case, rows: list[int], rng: random.Random) -> None:
    from tuneready.evidence.tokens import get_encoding

    enc = get_encoding()
    limit_rows = rows[: len(rows) // 5]
    tokens = sorted(len(enc.encode_ordinary(case.answers[i])) for i in limit_rows)
    limit = max(8, tokens[len(tokens) // 3]) if tokens else 8
    for j, i in enumerate(rows):
        text = case.answers[i]
        ids = enc.encode_ordinary(text)
        if i in limit_rows and len(ids) > limit + 2:
            cut = enc.decode(ids[:limit])
        elif j % 2 == 0:
            cut = text[:int(len(text) * rng.uniform(0.3, 0.8))]
        else:
            words = text.split(" ")
            cut = " ".join(words[:max(2, int(len(words) * rng.uniform(0.3, 0.8)))])
        case.answers[i] = cut.rstrip()
        case.truth["truncated"].add(i)


def _plant(kind: str, i: int, j: int, case: Case, rng: random.Random) -> str:
    if kind == "off_topic":  # an answer given once in the source, to another prompt
        while True:
            k = rng.randrange(len(case.prompts))
            if (case.prompts[k].strip().lower() != case.prompts[i].strip().lower()
                    and _once(case, k) and not _real(case, k)):
                return case.answers[k]
    if kind == "refusal":
        pool = REFUSALS_DEV if j % 2 == 0 else REFUSALS_HELD_OUT
        return rng.choice(pool)
    if kind == "language":
        return rng.choice(FOREIGN)
    template = CANNED[j % len(CANNED)]
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


def _contradict(case: Case, free: list[int], rng: random.Random) -> None:
    """Copies of closed short-answer prompts with another short answer, appended."""
    closed = [i for i in free if case.prompts[i].lower().startswith(CLOSED_OPENERS)
              and len(case.answers[i].split()) <= 6]
    short = [i for i in range(len(case.answers)) if len(case.answers[i].split()) <= 6
             and not _real(case, i)]  # not a cut or swapped answer: one defect per row
    for i in closed[:round(RATES["contradiction"] * len(closed))]:
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
