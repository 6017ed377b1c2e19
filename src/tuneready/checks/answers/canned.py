"""Canned replies: one answer (or a template of it) given to many different prompts.

A model tuned on them learns to reach for the template. Two answers are "the same" when they
share a key: the answer with case, digits, punctuation and spacing folded, the same
without its slots (capitalised words inside a sentence: names), or its skeleton (the first
``HEAD`` and last ``TAIL`` folded words, so a phrase varied in the middle still matches). A
key given to at least ``min_prompts`` distinct prompts (other than its home prompt, below)
is a canned reply.
Short answers ("Yes.", "Thank you!") are left alone: closed questions share them by right.
One groupby per key: linear in rows.
"""

from __future__ import annotations

import re

import pandas as pd

HEAD, TAIL = 6, 3
#: answers with fewer folded words are never canned
MIN_WORDS = 6


def fold(text: object) -> str:
    return " ".join(re.sub(r"[\W\d_]+", " ", str(text or "").lower()).split())


#: a capitalised word that does not open a sentence: a name or another slot of a template
SLOT = re.compile(r"(?<=[^.!?\s]\s)[A-Z][a-z]+|(?<=[,;:]\s)[A-Z][a-z]+")


def unslotted(text: object) -> str:
    """The folded text without its slots (names mid-sentence; digits are folded anyway)."""
    return fold(SLOT.sub(" ", str(text or "")))


def canned_groups(prompts: list[str], answers: list[str],
                  min_prompts: int) -> list[list[int]]:
    """Positions of each canned reply's rows, largest group first."""
    folded = pd.Series([fold(a) for a in answers])
    words = folded.str.split()
    long_enough = words.map(len) >= MIN_WORDS
    skeleton = words.map(lambda w: " ".join([*w[:HEAD], "...", *w[-TAIL:]]))
    prompt_key = pd.Series([fold(p) for p in prompts])
    group = pd.Series(-1, index=folded.index)
    next_id = 0
    slots = pd.Series([unslotted(a) for a in answers])
    for key in (folded, slots, skeleton):
        mask = long_enough & (group < 0)
        sub = pd.DataFrame({"key": key[mask], "prompt": prompt_key[mask]})
        if sub.empty:
            continue
        distinct = sub.groupby("key")["prompt"].transform("nunique")
        hit = sub.index[(distinct >= min_prompts).to_numpy()]
        codes = pd.factorize(sub.loc[hit, "key"])[0] + next_id
        group[hit] = codes
        next_id = int(codes.max()) + 1 if len(codes) else next_id
    found = group[group >= 0]
    out = []
    for idx in found.groupby(found).groups.values():
        members = _away_from_home(sorted(map(int, idx)), prompt_key)
        if len({prompt_key[m] for m in members}) >= min_prompts:
            out.append(members)
    return sorted(out, key=lambda m: (-len(m), m[0]))


def _away_from_home(members: list[int], prompt_key: pd.Series) -> list[int]:
    """Rows of the answer that are not its home: when one prompt holds the answer several
    times (the same exchange repeated, which the duplicates check reports), those copies are
    where it belongs; the template is the answer given to the *other* prompts."""
    counts = prompt_key[members].value_counts()
    if counts.iloc[0] < 2:
        return members
    home = counts.index[0]
    return [m for m in members if prompt_key[m] != home]
