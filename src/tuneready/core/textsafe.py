"""Make invisible and direction-changing characters visible, for every human-facing output.

A bidirectional override (U+202E) shows ``invoice‮fdp.exe`` as ``invoiceexe.pdf``; zero-width
characters hide words from a reviewer and from naive filters; Unicode tag characters
(U+E0000-U+E007F) carry instructions no one sees ("ASCII smuggling" against LLMs); control
bytes move a terminal's cursor or recolour it. Every renderer that a person reads (HTML,
terminal, Markdown, JUnit) passes data text through ``visible``, which replaces each such
character with a visible token like ``⟨U+202E⟩``. The JSON audit keeps the data exact.

What counts: bidi controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069), zero-width and
other format characters (Unicode category Cf: U+200B-U+200D, U+2060, U+FEFF, soft hyphen,
tags), control characters (Cc) except newline and tab, line/paragraph separators, lone
surrogates (unwritable as UTF-8), and the blank "filler" letters that render as nothing
(U+115F, U+1160, U+3164, U+FFA0).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

#: letters that render as blank space although they are not whitespace or format characters
FILLERS = "\u115f\u1160\u3164\uffa0"
#: the characters ``schema`` reports in training text (carriage return is a line end there)
KEEP_IN_TEXT = "\n\t\r"


#: every code point to show, as ranges: Unicode categories Cc, Cf, Cs, Zl and Zp plus
#: ``FILLERS`` (Unicode 14, Python 3.11; ``tests/core/test_textsafe.py`` recomputes it from the
#: running interpreter's tables, so a newer Unicode version shows up as a failing test)
HIDDEN_RANGES = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C),
    (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160),
    (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0x3164, 0x3164), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)


@cache
def _pattern(keep: str) -> re.Pattern[str]:
    """One character class of ``HIDDEN_RANGES`` minus the characters in ``keep``."""
    exclude = "".join(_escape(ord(ch)) for ch in keep)
    parts = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}"
                    for a, b in HIDDEN_RANGES)
    return re.compile(f"(?![{exclude}])[{parts}]" if keep else f"[{parts}]")


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"


def token(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def visible(text: object) -> str:
    """``text`` with every invisible or control character (but newline and tab) shown."""
    s = text if isinstance(text, str) else str(text)
    return _pattern("\n\t").sub(lambda m: token(m.group()), s)


def hidden_pattern() -> re.Pattern[str]:
    """The characters worth a schema finding when they occur in training text."""
    return _pattern(KEEP_IN_TEXT)


def count_hidden(texts: list[str], top: int = 5) -> list[tuple[str, int]]:
    """The most frequent hidden characters in ``texts`` as ``("U+202E", count)``."""
    counts: Counter[str] = Counter()
    pattern = hidden_pattern()
    for text in texts:
        counts.update(pattern.findall(text))
    return [(f"U+{ord(ch):04X}", n) for ch, n in counts.most_common(top)]
