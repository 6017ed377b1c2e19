"""Per-row rules that need no model: empty answers, echoes of the prompt, refusals.

A refusal is the assistant declining the request, not a speaker in a conversation saying what
they cannot do ("I can't say I have tried almond butter", "I refuse to believe it", "so i
can't say much", "i can't help myself", "sorry, i can't make it tonight"). So the pattern
reads the first ``HEAD`` characters for:

- an AI disclaimer ("as an AI language model", "as an AI assistant, I cannot");
- a first-person inability or unwillingness aimed at the request: a verb of serving it
  (help, assist, provide, answer, comply, fulfil, generate, share, discuss, ...) with what it
  would serve ("with that", "that information", "your request", "this question"), or a verb
  that is only ever the request's ("comply", "fulfil", "assist");
- a declined request ("I must decline", "I have to refuse this request", "I refuse to
  answer"), a request beyond the assistant ("beyond my capabilities", "outside of what I can
  do", "against my guidelines", "not something I'm able to"), or a missing capability
  ("I don't have access to real-time data", "I don't have the ability to").

The lexicon is English: ``detect`` runs it only on answers read as English (or too short to
tell in English data) and counts the others as not read. Widened from the label-noise rule,
which found 12 % of the benchmark's held-out phrasings, and narrowed for issue 26 to requests
(``bench/answers.py`` reports it on held-out sets).
"""

from __future__ import annotations

import re

import numpy as np

HEAD = 300
_UNABLE = (r"(?:i|we)(?: am|'m| are|'re)?(?: really| truly| currently| just)? (?:cannot|can ?not|"
           r"can'?t|won'?t|will not|won'?t be able to|will not be able to|am unable to|"
           r"'m unable to|are unable to|unable to|am not able to|'m not able to|not able to|"
           r"am not allowed to|'m not allowed to|not allowed to|not permitted to)")
#: what serving the request is about: that, this, it, your request, the information
_WHAT = (r"(?:that|this|it|so|these|those|such\b|your (?:request|question|query)|the "
         r"(?:request|information|details|data|answer)|(?:any |personal |specific |real-time |"
         r"medical |legal |financial |professional )?(?:advice|information|details|data)|"
         r"(?:an? |the )?(?:request|question|task))")
#: verbs that serve a request, each with what it would serve
_SERVE = (r"(?:help|assist)(?: you)?(?: (?:with|on|in) (?:" + _WHAT + r"|\w+ing\b)|[.!,]|$"
          r"| further)"
          r"|(?:provide|share|give|offer|disclose|reveal|generate|create|write|produce|draw|"
          r"discuss|answer|tell you|send|book|order|retrieve|display|show you|access|"
          r"browse|perform|process|complete|fulfil+) (?:you )?" + _WHAT +
          r"|(?:do|make) (?:that|this|so|such a thing)\b"
          r"|(?:comply|fulfil+|assist)\b|browse the (?:internet|web)|do so\b")
_FILLER = r"(?:(?:really|possibly|currently|directly|actually|personally|legally|ethically) )?"
REFUSAL = re.compile(
    r"\bas an ai(?: language model| assistant| model)?,? i (?:cannot|can ?not|can'?t|don'?t|"
    r"do not|am not|'?m not|am unable|'?m unable|won'?t)"
    r"|\bas a (?:large )?language model\b"
    r"|\b" + _UNABLE + r" " + _FILLER + r"(?:" + _SERVE + r")"
    r"|\b(?:i|we) (?:must|have to|need to|will have to) (?:respectfully |politely )?"
    r"(?:decline|refuse)\b(?! to believe)"
    r"|\bi (?:refuse|decline) to (?:answer|help|assist|comply|provide|write|create|generate|"
    r"engage|participate|discuss|share|give|do (?:that|this|so))"
    r"|\b(?:i'?d|i would) rather not (?:answer|discuss|say|talk about|share|comment|get into)"
    r"|\b(?:i|we) (?:do not|don'?t) have (?:access to (?:real-time|the internet|external|that|"
    r"this|your|personal|such|current|live)|the (?:ability|capabilit\w*|means|tools?) to)"
    r"|\b(?:beyond|outside(?: of)?) (?:my (?:capabilit|abilit|scope|limits)|what i(?:'m| am)? "
    r"(?:can|able))"
    r"|\bagainst my (?:guidelines|policy|policies|programming|principles)"
    r"|\b(?:not|isn'?t) (?:something|a request) (?:i|that i)(?:'?m| am)? (?:can|able)\b"
    r"|\bi'?m not in a position to (?:give|provide|offer|answer|help|comment|discuss|advise|"
    r"share|say)"
    r"|^\W*(?:i'?m sorry|i am sorry|sorry|i apologi[sz]e|my apologies|apologies|unfortunately|"
    r"regrettably|i'?m afraid|i am afraid)\b[^.!?\n]{0,80}?\b(?:i|we) (?:do not|don'?t) have "
    r"(?:access|the (?:ability|capabilit\w*|information|data|tools?)|real-time|current)",
    re.IGNORECASE)


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
