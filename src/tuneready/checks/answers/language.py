"""Language of prompts and answers: mismatches and the data set's language mix.

Languages are read by ``tuneready.evidence.languages`` (py3langid, offline; a text too short
or unsure gets none); a prompt too short to tell takes the data set's main language.

An answer is a mismatch when it is confidently in one language and its prompt (or, for an
undecided prompt, the data set's main language) in another, unless the prompt names a
language or asks for a translation.
"""

from __future__ import annotations

import re

from tuneready.evidence.languages import identify

ASKS_LANGUAGE = re.compile(
    r"\b(?:translat\w*|in (?:french|german|spanish|italian|portuguese|dutch|chinese|japanese|"
    r"korean|russian|arabic|hindi|swedish|polish|turkish|latin|english)|language|"
    r"français|deutsch|español)\b", re.IGNORECASE)


def mismatches(prompts: list[str], answers: list[str],
               min_confidence: float) -> tuple[list[tuple[int, str, str]], dict[str, int]]:
    """(position, prompt language, answer language) of each mismatch, and the answers'
    language counts (``"unknown"`` for those too short or unsure)."""
    from collections import Counter

    answer_lang = identify(answers, min_confidence)
    prompt_lang = identify(prompts, 0.5)
    mix = Counter(lang or "unknown" for lang in answer_lang)
    known = Counter(lang for lang in answer_lang + prompt_lang if lang)
    main = known.most_common(1)[0][0] if known else None
    out = []
    for i, (p, a) in enumerate(zip(prompt_lang, answer_lang, strict=True)):
        expected = p or main
        if a and expected and a != expected and not ASKS_LANGUAGE.search(prompts[i]):
            out.append((i, expected, a))
    return out, dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0])))
