"""Text helpers shared by the loaders and the evidence layer."""

from __future__ import annotations

import json
import re
from typing import Any

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case- and whitespace-insensitive form used for exact-duplicate detection."""
    return _WS.sub(" ", text.casefold()).strip()


def as_text(value: Any) -> str | None:
    """Coerce a field to text, or ``None`` if it is missing.

    Content may be a string, a list of typed parts (``{"type": "text", "text"|"value": ...}``),
    a number, or a JSON object (tool arguments): all become plain text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return None if value != value else str(value)  # NaN is missing
    if isinstance(value, list) and all(isinstance(p, dict) for p in value):
        parts = [p.get("text", p.get("value")) for p in value]
        strs = [p if isinstance(p, str) else json.dumps(p, sort_keys=True) for p in parts
                if p is not None]
        return "\n".join(strs)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def label_text(value: Any) -> str | None:
    """Labels compare as trimmed strings; 1 and 1.0 and "1" are the same label."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            value = int(value)
    text = as_text(value)
    if text is None:
        return None
    text = text.strip()
    return text or None
