"""Language of prompts and answers: mismatches and the data set's language mix.

``py3langid`` 0.4 (BSD-3-Clause, Lui & Baldwin's langid.py modernised by A. Barbaresi) ships
its naive-Bayes model (97 languages) inside the wheel and needs only numpy: offline, about
30 microseconds per short text after a one-off model load (1-2 s). Short texts are where any
identifier guesses ("Hello there" reads as Sesotho, "Yes." as Kabyle), so a text is given a
language only with at least ``MIN_WORDS`` words and a normalised probability of at least
``min_confidence``; a prompt too short to tell takes the data set's main language.

An answer is a mismatch when it is confidently in one language and its prompt (or, for an
undecided prompt, the data set's main language) in another, unless the prompt names a
language or asks for a translation.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: words a text needs before its language is read
MIN_WORDS = 5
ASKS_LANGUAGE = re.compile(
    r"\b(?:translat\w*|in (?:french|german|spanish|italian|portuguese|dutch|chinese|japanese|"
    r"korean|russian|arabic|hindi|swedish|polish|turkish|latin|english)|language|"
    r"français|deutsch|español)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(texts: list[str], min_confidence: float) -> list[str | None]:
    """Each text's language code, or ``None`` when too short or unsure; each distinct text
    is classified once."""
    ident = _identifier()
    seen: dict[str, str | None] = {}
    out = []
    for text in texts:
        if text not in seen:
            seen[text] = None
            if len(text.split()) >= MIN_WORDS:
                lang, prob = ident.classify(text[:1000])
                seen[text] = str(lang) if prob >= min_confidence else None
        out.append(seen[text])
    return out


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
