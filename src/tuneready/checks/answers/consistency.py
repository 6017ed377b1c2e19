"""Contradictions only where one answer is right; answer diversity everywhere else.

Near-identical prompts (same text after folding case, digits, punctuation and spacing) with
answers that share almost nothing (character 3-gram Jaccard below ``similarity``) are a
contradiction only for a **closed** prompt: a factual question ("what is", "who", "when",
"how many", ...), a conversion, a classification or a format instruction, whose answers are
short (at most ``CLOSED_MAX_WORDS`` words each). Open prompts have many right answers:
"Hello" answered "Hi!" in one conversation and "Good morning, how can I help?" in another is
diversity, not a defect; greetings and small talk are never closed even when they start
with "what" ("what's up", "what are you doing"). And "low answer diversity elsewhere in the
data": when most repeated prompts of the data set (``max_diversity``) are answered
differently, answering differently is the data's style (a chit-chat corpus such as
chatterbot: 58 % of its 136 repeated prompts), and no contradiction is reported. For them
the check reports the share of
repeated prompts answered differently (``answer_diversity``), never a finding that caps.
One groupby over the folded prompts, at most ``MAX_GROUP`` rows compared per group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from tuneready.checks.answers.canned import fold

CLOSED = re.compile(
    r"^\W*(?:what(?:'s| is| are| was| were| does| do) (?:the |a |an )?\w+|who|when|where|which|"
    r"how (?:many|much|long|far|old|tall|big)|name (?:the|a|one)|convert|calculate|compute|"
    r"classify|categori[sz]e|spell|translate|define|is it true|true or false|solve|"
    r"format|rewrite .* as|output only|answer with|reply with|respond with)\b", re.IGNORECASE)
CHITCHAT = re.compile(
    r"^\W*(?:hi|hello|hey|yo|hiya|howdy|greetings|good (?:morning|afternoon|evening|night|day)|"
    r"how (?:are|r) (?:you|u)|how(?:'s| is) (?:it going|life|your day)|what(?:'s| is) up|"
    r"what(?:'s| is) new|what are you (?:doing|up to)|what do you (?:do|like|think|want)|"
    r"who are you|what(?:'s| is) your (?:name|favou?rite)|where are you|sup|thanks|thank you|"
    r"nice to meet you|bye|goodbye|see you)\b", re.IGNORECASE)
CLOSED_MAX_WORDS = 12
MAX_GROUP = 50


@dataclass
class Consistency:
    #: frame positions of contradicted answers, with the row of the answer they contradict
    contradictions: list[tuple[int, int]] = field(default_factory=list)
    repeated_prompts: int = 0
    #: repeated prompts whose answers differ (closed or open)
    answered_differently: int = 0
    #: of those, open prompts (diversity, not defects)
    open_differing: int = 0
    #: contradictions not reported: the data answers repeated prompts differently as a rule
    suppressed: int = 0

    @property
    def answer_diversity(self) -> float | None:
        return (self.answered_differently / self.repeated_prompts
                if self.repeated_prompts else None)


def _grams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(max(1, len(text) - 2))}


def is_closed(prompt: str, answers: list[str]) -> bool:
    return (CLOSED.search(prompt) is not None and CHITCHAT.search(prompt) is None
            and all(len(a.split()) <= CLOSED_MAX_WORDS for a in answers))


def consistency(prompts: list[str], answers: list[str], similarity: float,
                max_diversity: float = 0.5) -> Consistency:
    """Contradictions (only for closed prompts, and only when repeated prompts elsewhere in
    the data mostly agree: at most ``max_diversity`` of them answered differently) and the
    data set's answer diversity."""
    out = _groups(prompts, answers, similarity)
    diversity = out.answer_diversity
    if diversity is not None and diversity > max_diversity:
        out.suppressed = len(out.contradictions)
        out.contradictions = []
    return out


def _groups(prompts: list[str], answers: list[str], similarity: float) -> Consistency:
    keys = pd.Series([fold(p) for p in prompts])
    out = Consistency()
    sizes = keys.map(keys.value_counts())
    multi = keys.index[(sizes > 1).to_numpy() & (keys.str.len() > 0).to_numpy()]
    folded = [fold(a) for a in answers]
    for _key, members in pd.Series(multi).groupby(keys[multi].to_numpy()):
        pos = [int(p) for p in members.to_numpy()[:MAX_GROUP]]
        out.repeated_prompts += 1
        group_answers = [folded[p] for p in pos]
        modal = pd.Series(group_answers).value_counts().index[0]
        ref = _grams(modal)
        modal_pos = pos[group_answers.index(modal)]
        differing = [p for p in pos if folded[p] != modal
                     and len(ref & _grams(folded[p])) / max(1, len(ref | _grams(folded[p])))
                     < similarity]
        if not differing:
            continue
        out.answered_differently += 1
        if not is_closed(prompts[pos[0]], [answers[p] for p in pos]):
            out.open_differing += 1
            continue
        tied = sum(a == modal for a in group_answers) == 1
        out.contradictions += [(p, modal_pos) for p in differing]
        if tied:  # no majority: the "modal" answer is as suspect as the others
            out.contradictions.append((modal_pos, differing[0]))
    return out
