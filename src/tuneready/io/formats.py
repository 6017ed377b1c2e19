"""Detect the fine-tuning format of a set of records and name the fields behind each role.

Detection looks only at key names of the first records, so it is cheap and predictable; the
user can always force a format with ``--format`` and columns with ``--text``/``--label``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from tuneready.config.errors import InputError

FORMATS = (
    "classification", "text", "prompt_completion", "alpaca", "sharegpt", "openai_chat",
    "preference", "kto",
)

TEXT_NAMES = ("text", "sentence", "content", "question", "input", "prompt", "message",
              "review", "utterance", "query", "document", "body", "comment", "tweet", "sms")
LABEL_NAMES = ("label", "labels", "class", "category", "intent", "target", "spam",
               "sentiment", "y", "tag", "topic", "emotion", "stance")
SENSITIVE_NAMES = ("gender", "sex", "race", "ethnicity", "age_group", "age_band", "religion",
                   "nationality", "country", "region", "language", "dialect", "disability",
                   "sexual_orientation", "marital_status", "group")


def _keys(records: Sequence[tuple[int, dict[str, Any]]]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for _, rec in records[:500]:
        seen.update(rec.keys())
    return seen


def detect_format(records: Sequence[tuple[int, dict[str, Any]]], text: str | None = None,
                  label: str | None = None) -> str:
    """Return one of ``FORMATS`` from the keys present, or raise naming what was found."""
    keys = _keys(records)
    has = keys.__contains__
    if (has("chosen") and has("rejected")) or has("preferred_output"):
        return "preference"
    if has("messages") and has("label") and _looks_boolean(records, "label"):
        return "kto"
    if has("completion") and has("label") and _looks_boolean(records, "label"):
        return "kto"
    if has("messages"):
        return "openai_chat"
    if has("conversations"):
        return "sharegpt"
    if has("instruction") and has("output"):
        return "alpaca"
    if has("prompt") and has("completion"):
        return "prompt_completion"
    if text or find_column(keys, TEXT_NAMES):
        if label or find_column(keys, LABEL_NAMES):
            return "classification"
        return "text"
    from tuneready.core.textsafe import visible

    found = ", ".join(visible(repr(k)[1:-1]) for k in sorted(keys)) or "no fields"  # one line
    raise InputError(
        f"cannot recognise the format from fields [{found}]; expected text+label, "
        "prompt/completion, instruction/output, conversations, messages, or "
        "prompt/chosen/rejected; or name columns with --text/--label, or force --format")


def find_column(keys: Counter[str] | Sequence[str], names: Sequence[str]) -> str | None:
    """First key matching one of ``names`` (case-insensitive), in ``names`` order."""
    lowered = {k.lower(): k for k in keys}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _looks_boolean(records: Sequence[tuple[int, dict[str, Any]]], key: str) -> bool:
    values = [rec.get(key) for _, rec in records[:200] if key in rec]
    return bool(values) and all(isinstance(v, bool) for v in values)


def sensitive_columns(keys: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """Record-level fields whose names suggest a sensitive attribute or a population group."""
    lowered = {k.lower(): k for k in keys if k not in exclude}
    return [lowered[n] for n in SENSITIVE_NAMES if n in lowered]
