"""Per-row rules that need no model: empty answers, echoes of the prompt, refusals.

The refusal pattern reads the first ``HEAD`` characters: an apology or disclaimer that opens
the answer, or a first-person statement of inability, unwillingness or a policy ("I can't",
"I'm afraid I can't", "I'm not able to", "that's beyond my capabilities", "I must decline",
"I'm not allowed to", "against my guidelines"). An apology opens a refusal only when an
inability about a task, data or a capability follows in the same sentence ("I'm sorry, I
didn't mean to" and "I'm sorry, but I'm unable to come into work today" are not one), and "I
can't" only with a task verb ("I can't eat" from a chatbot persona is not one). Widened from
the label-noise rule, which found 12 % of the benchmark's held-out phrasings
(``bench/answers.py``).
"""

from __future__ import annotations

import re

import numpy as np

HEAD = 300
_UNABLE = (r"(?: am|'m| are|'re)? (?:cannot|can ?not|can'?t|won'?t|will not|unable to|"
           r"not able to|not allowed to|not permitted to)")
_TASK = (r"(?:help|assist|provide|comply|answer|fulfil+|create|generate|write|share|discuss|"
         r"give|browse|access|perform|book|order|retrieve|display|draw|show|complete|process|"
         r"make|place|send|do (?:that|this|it|so)|support|engage|offer|produce|tell|say)")
_INABILITY = (r"(?:can'?t|cannot|can ?not|unable|not able|don'?t have|do not have|won'?t|"
              r"not possible|not allowed|no access|not permitted|beyond|outside)")
#: what an apology's inability must be about to make a refusal: a task, data or a capability
#: ("I'm sorry, but I'm unable to come into work today" is an excuse, not a refusal)
_OBJECT = (r"(?:" + _TASK + r"|estimate|determine|calculate|predict|know|access|information|"
           r"real-time|the (?:ability|capabilit\w*|data|means|information|tools?))")
REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry,?|i apologi[sz]e|my apologies|apologies,|"
    r"unfortunately,?|regrettably,?|i'?m afraid|i am afraid)\b[^.!?\n]{0,80}?\b" + _INABILITY
    + r"\b(?:\W+[\w'-]+){0,3}?\W+" + _OBJECT + r"\b"
    + r"|\bas an ai(?: language model| assistant| model)?,? i (?:cannot|can ?not|can'?t|"
    r"don'?t|do not|am not|'?m not|am unable|'?m unable|won'?t)"
    r"|\bas a (?:large )?language model\b"
    r"|\b(?:i|we)" + _UNABLE + r" (?:\w+ ){0,2}?" + _TASK + r"\b"
    r"|\b(?:i|we) (?:must|have to|need to) (?:decline|refuse)|\bi refuse to\b"
    r"|\b(?:i'?d|i would) rather not\b"
    r"|\b(?:i|we) (?:do not|don'?t) have (?:access|the (?:ability|capability|capabilities))"
    r"|\b(?:beyond|outside(?: of)?) (?:my (?:capabilit|abilit|scope|limits)|what i can)"
    r"|\bagainst my (?:guidelines|policy|policies|programming|principles)"
    r"|\b(?:not|isn'?t) (?:something|a request) (?:i|that i)(?:'?m| am)? (?:can|able)\b"
    r"|\bi'?m not in a position to\b", re.IGNORECASE)


def refusals(answers: list[str]) -> np.ndarray:
    return np.fromiter((REFUSAL.search(a[:HEAD].strip()) is not None for a in answers),
                       dtype=bool, count=len(answers))


def echoes(norm_prompts: list[str], norm_answers: list[str], overlap: float) -> np.ndarray:
    """Answers whose word set is (almost) the prompt's: the model learns to repeat."""
    out = np.zeros(len(norm_answers), dtype=bool)
    for i, (a, b) in enumerate(zip(norm_prompts, norm_answers, strict=True)):
        tb = set(b.split())
        if len(tb) < 3:
            continue
        ta = set(a.split())
        out[i] = len(ta & tb) / len(ta | tb) >= overlap
    return out
