"""Which answers are code: read by the rules that would misread code as prose.

A Python function answering a Chinese prompt is not "an answer in another language", and
``return a`` does not end on a dangling article. Code is recognised line by line, with no
model: a line inside a ``` fence, or a line shaped like code (indented and ending in ``:``
``;`` ``{`` ``}`` or ``)``, an assignment, a ``def``/``class``/``import``/``return``/
``#include`` line, a comment marker at its start). An answer is code when at least
``CODE_SHARE`` of its non-empty lines are; ``prose`` is what is left of an answer once its
code lines are taken out (for reading its language).
"""

from __future__ import annotations

import re

#: an answer is code when at least this share of its non-empty lines are code
CODE_SHARE = 0.5
FENCE = re.compile(r"^\s*(?:```|~~~)")
CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |return\b|if .*:$|elif\b|else:|for .*:$|"
    r"while .*:$|try:|except\b|with .*:$|#include|#!|//|/\*|\*/|print\(|console\.|"
    r"public |private |static |const |let |var |function\b|SELECT |INSERT |UPDATE |"
    r"CREATE |<\w+[^>]*>|[\])}]+[;,]?$)"
    r"|[;{]\s*$|^\s*}\s*$|^\s*[\w.\[\]'\"]+\s*(?:[-+*/%|&^]?=|==|!=|<=|>=|->|=>)\s*\S"
    r"|^\s{2,}\S.*[):\]]\s*$|^\s{4,}\S",
)


def code_lines(text: str) -> list[bool]:
    """Per non-empty line: is it code (inside a fence, or shaped like code)?"""
    out, fenced = [], False
    for line in text.splitlines():
        if not line.strip():
            continue
        if FENCE.match(line):
            fenced = not fenced
            out.append(True)
            continue
        out.append(fenced or CODE_LINE.search(line) is not None)
    return out


def code_share(text: str) -> float:
    lines = code_lines(text)
    return sum(lines) / len(lines) if lines else 0.0


def is_code(text: str) -> bool:
    return code_share(text) >= CODE_SHARE


def prose(text: str) -> str:
    """The answer without its code lines (fenced or shaped like code)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(ln for ln, code in zip(lines, code_lines(text), strict=True) if not code)
