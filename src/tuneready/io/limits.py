"""Structural limits on one record, checked before anything recursive touches it.

Python's JSON decoder, ``json.dumps`` and every walk over nested values recurse, so a record
nested a few thousand levels deep ends in ``RecursionError``; and one record of gigabytes
would hold the whole audit hostage. Both are properties of a single record, so both become a
line-numbered problem for that record (a malformed-record finding), never a traceback.

- ``MAX_DEPTH``: 100 levels of arrays/objects. Real fine-tuning records use 4 to 6
  (record > messages > message > content parts > part); 100 leaves room for any tool-call
  arguments while staying far below the interpreter's recursion limit (1,000).
- ``MAX_RECORD_BYTES``: 64 MiB per record (a JSONL line, a JSON array element, a CSV record,
  a string value). The longest context windows (1M tokens) are about 4 MB of text.

The depth of JSON text is measured without recursion and without a Python loop per character:
string literals are cut out with one regular expression, the brackets left are mapped to +1/-1
and the running sum's maximum is the depth (numpy, linear). Lines with at most ``MAX_DEPTH``
brackets cannot be deeper, so almost every line costs two ``str.count`` calls only.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 100
MAX_RECORD_BYTES = 64 * 1024 * 1024

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """Deepest nesting of arrays/objects in JSON ``text`` (string contents ignored).

    For invalid JSON the result can only be too high (an unterminated string leaves its
    brackets counted), which errs on the safe side: the record is refused, not parsed.
    """
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not skeleton:
        return 0
    import numpy as np

    codes = np.frombuffer(skeleton.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max(initial=0))


def json_too_deep(text: str, limit: int | None = None) -> int | None:
    """The depth of ``text`` when it exceeds ``limit`` (default ``MAX_DEPTH``), else ``None``."""
    cap = MAX_DEPTH if limit is None else limit
    if text.count("[") + text.count("{") <= cap:
        return None
    depth = json_depth(text)
    return depth if depth > cap else None


def value_problem(value: Any, limit: int | None = None) -> str | None:
    """Why an already-built value (from Arrow, Parquet, a DataFrame) is unusable, or ``None``.

    Walks the value with an explicit stack (no recursion): deeper than ``MAX_DEPTH`` or a
    string longer than ``MAX_RECORD_BYTES`` characters is a problem.
    """
    cap = MAX_DEPTH if limit is None else limit
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if len(item) > MAX_RECORD_BYTES:
                return f"a value of {len(item):,} characters exceeds the {_mib()} limit"
        elif isinstance(item, dict | list | tuple):
            if depth >= cap:
                return f"nested more than {cap} levels deep"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def oversized_message(size: int) -> str:
    return f"a record of {size:,} bytes exceeds the {_mib()} limit per record"


def too_deep_message(depth: int) -> str:
    return (f"nested {depth:,} levels deep, beyond the limit of {MAX_DEPTH} "
            "(not parsed: deeper structures crash JSON tools)")


def _mib() -> str:
    return f"{MAX_RECORD_BYTES / (1024 * 1024):g} MiB"
