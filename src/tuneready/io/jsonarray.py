"""The elements of a top-level JSON array, each with its start line, depth-checked first.

The whole array is one document, so its nesting is measured once for the whole text (linear,
``limits.json_depth``); only when some element is deeper than the limit are elements measured
one by one, with an explicit scan over string literals and brackets (no recursion), so the
deep ones become problems and the others are still parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError
from tuneready.io import limits
from tuneready.io.dataset import LoadProblem

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
Element = tuple[int, LoadProblem | tuple[Any, str]]


def elements(text: str, path: Path) -> Iterator[Element]:
    """``(line, (value, source text))`` per element, or ``(line, LoadProblem)``."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        if text[pos:pos + 1] == "{":
            raise InputError("expected a JSON array of records, found an object; "
                             "for one object per line use .jsonl", path=str(path), line=1)
        raise InputError("expected a JSON array of records", path=str(path))
    check_each = limits.json_too_deep(text, limits.MAX_DEPTH + 1) is not None
    pos = _skip_ws(text, pos + 1)
    line, last = 1, 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", last, pos)
        last = pos
        end = _deep_element_end(text, pos) if check_each else None
        if end is not None:
            yield line, LoadProblem(line, "*", limits.too_deep_message(end[1]), "too_deep")
            pos = end[0]
        else:
            try:
                obj, pos = decoder.raw_decode(text, last)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON ({exc.msg}); records before it were fine",
                                 path=str(path), line=exc.lineno) from None
            if pos - last > limits.MAX_RECORD_BYTES:
                yield line, LoadProblem(line, "*", limits.oversized_message(pos - last),
                                        "oversized_record")
            else:
                yield line, (obj, text[last:pos])
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)


def _deep_element_end(text: str, pos: int) -> tuple[int, int] | None:
    """``(end, depth)`` of the container starting at ``pos`` when it is too deep."""
    if text[pos] not in "[{":
        return None
    depth = deepest = 0
    for match in _TOKEN.finditer(text, pos):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return (match.end(), deepest) if deepest > limits.MAX_DEPTH else None
    return (len(text), deepest) if deepest > limits.MAX_DEPTH else None


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos
