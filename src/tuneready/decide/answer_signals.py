"""What the answers carry: knowledge their prompts do not hold, or a stable format.

Tuning teaches behaviour and format well and facts poorly (a tuned model recalls facts seen
once or twice unreliably and cannot cite or update them; retrieval can), so the share of
answers that bring knowledge of their own is what argues for adding retrieval (RAG).

- **Knowledge row**: a fact-seeking prompt (a wh-question, "tell me about", "explain"...
  on its last line, not addressed to the assistant itself: "what is your name" is not one)
  whose answer brings a number, a name (a capitalised word that does not start a sentence)
  or ``rare_words_min`` rare words (Zipf frequency below ``rare_zipf`` in wordfreq's English
  list: ``photosynthesis`` but not ``happy``) that its prompt (everything the model sees
  before answering, tool results included) does not hold; a short answer counts with any
  new content word. ``novel_answers`` (the answer side alone) is reported too.
- **Format**: answers that parse as JSON, rows with a tool call, answers whose opening words
  are shared by many rows (a template), and the spread of answer lengths.
- **Other languages.** The knowledge rule reads English only (wordfreq's English list,
  English question patterns, capitalised names): it is measured on the rows whose prompt and
  answer are in English (``checks.english_only``), and not at all when fewer than
  ``english_min_share`` of the rows are: its shares are ``None``, ``language_notes`` says why,
  and no retrieval complement follows from it. The template share splits openings at spaces:
  it reads answers written with spaces, under ``spaced_min_share`` likewise. An answer's
  length counts each Chinese or Japanese character as a word.

Shares carry 95 % Wilson intervals (``tuneready.evidence.stats.wilson``). Pure functions of
the frame; linear in rows (each row is tokenised once; word frequencies are cached).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from tuneready.checks.english_only import WORDFREQ, Readable, english_rows, spaced_rows
from tuneready.config.typed import Table
from tuneready.evidence.diversity import UNSPACED


@dataclass(frozen=True)
class ComplementsSettings(Table):
    """``[complements]``: what the shares below are measured on, and the levels at which
    ``decide.complements`` adds retrieval or format tuning next to the primary path."""

    table = "complements"
    rare_zipf: float
    rare_words_min: int
    rag_share_min: float
    sample_rows: int
    format_share_min: float
    tool_call_share_min: float
    length_cv_max: float
    opening_words: int
    opening_min_share: float
    english_min_share: float
    spaced_min_share: float


#: answers this short are judged by any new content word (see ``row_knowledge``)
SHORT_ANSWER = 8
#: a content word: rarer than this Zipf frequency (function words are 6-7.7)
CONTENT_ZIPF = 5.5
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.:/]*")
_SPLIT = re.compile(r"(?<=[.!?:;])\s+|\n+")
_WH = re.compile(r"^\s*(who|whom|whose|what|when|where|which|how (many|much|long|far|old|big|"
                 r"tall|fast|does|do|did|is|are)|why|in what|in which|on what|name (the|a|an)|"
                 r"tell me (about|who|what|when|where)|define|explain)\b", re.IGNORECASE)
_PERSONAL = {"you", "your", "yours", "yourself", "you're", "you've", "u", "i", "me", "my", "i'm",
             "we", "us", "our"}
_STOP_CAPS = {"i", "i'm", "i've", "i'd", "i'll", "ok", "okay"}
_UNSPACED = re.compile(f"[{UNSPACED}]")


@dataclass(frozen=True)
class Share:
    k: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        from tuneready.evidence.stats import wilson

        lo_arr, hi_arr = wilson(self.k, self.n, z=1.96)
        lo, hi = float(lo_arr), float(hi_arr)
        return {"share": round(self.k / self.n, 4) if self.n else None, "lo": round(lo, 4),
                "hi": round(hi, 4), "k": self.k, "n": self.n}


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words and numbers, each with "starts a sentence" (first word of the text, of a line,
    or after . ! ? : ; and a space; "3.14" stays one number)."""
    out: list[tuple[str, bool]] = []
    for sentence in _SPLIT.split(text):
        out += [(tok, i == 0) for i, tok in enumerate(_WORD.findall(sentence))]
    return out


def knowledge_tokens(text: str, rare_zipf: float) -> tuple[set[str], set[str], set[str]]:
    """(numbers, names, rare words) of a text, lower-cased."""
    numbers, names, rare = set(), set(), set()
    for tok, initial in _tokens(text):
        low = tok.lower()
        if tok[0].isdigit():
            numbers.add(low.strip(",.:"))
        elif tok[0].isupper() and not initial and low not in _STOP_CAPS and len(tok) > 1:
            names.add(low)
        elif len(low) >= 4 and zipf(low) < rare_zipf:
            rare.add(low)
    return numbers, names, rare


def _words(text: str) -> set[str]:
    return {w.strip(",.:") for w in _WORD.findall(text.lower())}


def row_knowledge(prompt: str, answer: str, rare_zipf: float, rare_words_min: int) -> bool:
    """The answer brings a number, a name or enough rare words its prompt lacks; a short
    answer (at most ``SHORT_ANSWER`` words) counts with any new content word, because an
    entity that opens a one-word answer ("Australia") cannot be told from a word by case."""
    seen = _words(prompt)
    numbers, names, rare = knowledge_tokens(answer, rare_zipf)
    if numbers - seen or names - seen or len(rare - seen) >= rare_words_min:
        return True
    words = _words(answer)
    return len(words) <= SHORT_ANSWER and any(
        w[0].isalpha() and len(w) >= 3 and zipf(w) < CONTENT_ZIPF for w in words - seen)


def fact_seeking(prompt: str) -> bool:
    """The last line of the prompt asks for a fact about the world: a wh-question or "tell me
    about ..." not addressed to the assistant itself ("what is your name", "how are you")."""
    last = prompt.strip().splitlines()[-1] if prompt.strip() else ""
    if not _WH.search(last):
        return False
    return not (_words(last) & _PERSONAL)


def is_json(answer: str) -> bool:
    s = answer.strip()
    if not s or s[0] not in "[{":
        return False
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


def template_share(answers: list[str], words: int, min_share: float) -> Share:
    """Rows whose answer opens with the same ``words`` words as at least
    ``max(3, min_share x n)`` rows."""
    openings = [" ".join(a.lower().split()[:words]) for a in answers]
    counts = Counter(o for o in openings if o)
    floor = max(3, int(min_share * len(answers)))
    return Share(sum(1 for o in openings if o and counts[o] >= floor), len(answers))


def words(text: str) -> int:
    """Words split at spaces, plus one per character of a script written without spaces (a
    Chinese answer is one "word" to ``split``); the same as ``split`` for English."""
    return len(text.split()) + len(_UNSPACED.findall(text))


def length_cv(answers: list[str]) -> float | None:
    lengths = pd.Series([words(a) for a in answers], dtype="float64")
    if len(lengths) < 2 or not lengths.mean():
        return None
    return float(lengths.std(ddof=0) / lengths.mean())


def measure(frame: pd.DataFrame, cfg: ComplementsSettings, seed: int = 0) -> dict[str, Any]:
    """Every share the complements are judged on, for rows that have an answer: all of them,
    or a seeded random ``sample_rows`` of them (the intervals are the sample's), so the cost
    stays bounded on large sets. English-only shares read the rows in English only."""
    from tuneready.evidence.languages import detect

    rows = frame[frame["target"].astype(str).str.strip().str.len() > 0]
    cap = cfg.sample_rows
    if cap and len(rows) > cap:
        rows = rows.sample(n=cap, random_state=seed)
    prompts = rows["input"].astype(str).tolist()
    answers = rows["target"].astype(str).tolist()
    n = len(answers)
    languages = detect(prompts, answers)
    english = english_rows(languages, "input", cfg.english_min_share,
                           texts=pd.Series(prompts, dtype=object))
    both = english.mask & english_rows(languages, "target", cfg.english_min_share,
                                       texts=pd.Series(answers, dtype=object)).mask
    english = Readable(both, english.min_share, "rows (prompt and answer)", english.mix)
    spaced = spaced_rows(pd.Series(answers, dtype=object), cfg.spaced_min_share, "answers",
                         english.mix)
    tools = int((rows["n_tool_calls"] > 0).sum()) if "n_tool_calls" in rows else 0
    cv = length_cv(answers)
    out = {"rows": n, **knowledge_shares(prompts, answers, english, cfg),
           "json": Share(sum(map(is_json, answers)), n).to_dict(),
           "tool_calls": Share(tools, n).to_dict(),
           "template": None, "length_cv": None if cv is None else round(cv, 4)}
    notes = [english.not_measured("the knowledge share", WORDFREQ)] \
        if n and not english.measured else []
    if spaced.measured or not n:
        kept = [a for a, ok in zip(answers, spaced.mask, strict=True) if ok]
        out["template"] = template_share(kept, cfg.opening_words,
                                         cfg.opening_min_share).to_dict()
    else:
        notes.append(spaced.not_measured("the answer-template share", "openings split at "
                                          "spaces"))
    notes += [gate.left_out(signal) for gate, signal in
              ((english, "the knowledge share"), (spaced, "the answer-template share"))
              if gate.measured and not gate.complete]
    if notes:
        out["language_notes"] = notes
    return out


def knowledge_shares(prompts: list[str], answers: list[str], english: Readable,
                     cfg: ComplementsSettings) -> dict[str, Any]:
    """Knowledge, novel-answer and fact-seeking shares over the rows in English; ``None`` each
    when too few rows are."""
    if prompts and not english.measured:
        return {"knowledge": None, "novel_answers": None, "fact_seeking": None}
    pairs = [(p, a) for p, a, ok in zip(prompts, answers, english.mask, strict=True) if ok]
    m = len(pairs)
    rare_zipf, rare_min = cfg.rare_zipf, cfg.rare_words_min
    novel = [row_knowledge(p, a, rare_zipf, rare_min) for p, a in pairs]
    asks = [fact_seeking(p) for p, _ in pairs]
    knowledge = sum(a and b for a, b in zip(novel, asks, strict=True))
    return {"knowledge": Share(knowledge, m).to_dict(),
            "novel_answers": Share(sum(novel), m).to_dict(),
            "fact_seeking": Share(sum(asks), m).to_dict()}
