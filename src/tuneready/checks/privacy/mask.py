"""Masks for detected values, so that no report repeats what the data holds.

Two forms: a *mask* keeps just enough to recognise a value in review (``j***@g***.com``,
``****1234``, ``<SECRET>``); a *placeholder* (``<EMAIL>``) replaces it in cleaned training data.
Secrets, dates of birth and addresses keep nothing: a partial key or date is still a leak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tuneready.checks.privacy.detect import DEFAULT_REGIONS, KINDS, Span, find_all

PLACEHOLDER = {"email": "<EMAIL>", "phone": "<PHONE>", "card": "<CARD>", "iban": "<IBAN>",
               "national_id": "<NATIONAL_ID>", "ip": "<IP>", "dob": "<DOB>",
               "secret": "<SECRET>"}


def mask_value(kind: str, value: str) -> str:
    """The masked form of one detected value (typed, never the value itself)."""
    if kind == "email":
        local, _, domain = value.partition("@")
        host, _, tld = domain.rpartition(".")
        return f"{local[:1]}***@{host[:1]}***.{tld}"
    if kind in ("phone", "card", "iban", "national_id"):
        digits = [c for c in value if c.isalnum()]
        return "****" + "".join(digits[-4:]) if len(digits) >= 8 else "****"
    return PLACEHOLDER.get(kind, "<PRIVATE>")


def apply(text: str, spans: Sequence[Span], placeholder: bool = False) -> str:
    """``text`` with each (non-overlapping, sorted) span replaced by its mask or placeholder."""
    out, pos = [], 0
    for s in spans:
        out.append(text[pos:s.start])
        out.append(PLACEHOLDER[s.kind] if placeholder else mask_value(s.kind, s.value))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """``text`` with every detected identifier and secret masked."""
    spans = find_all(text, regions)
    return apply(text, spans) if spans else text


@dataclass(frozen=True)
class Redaction:
    """One replacement made by ``redact_texts``: where, what kind, and the value masked."""

    index: int
    kind: str
    subtype: str
    masked: str
    placeholder: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "subtype": self.subtype,
                "masked": self.masked, "placeholder": self.placeholder}


def redact_texts(texts: Sequence[str], regions: Sequence[str] = DEFAULT_REGIONS,
                 kinds: Sequence[str] = KINDS) -> tuple[list[str], list[Redaction]]:
    """Each text with detected values replaced by typed placeholders (``<EMAIL>``), and one log
    entry per replacement carrying the *masked* value (a log of redactions must not undo them).
    ``index`` is the position in ``texts``. The result re-scans clean: placeholders match no
    detector."""
    new: list[str] = []
    log: list[Redaction] = []
    for i, text in enumerate(texts):
        spans = find_all(text, regions, kinds) if text else []
        new.append(apply(text, spans, placeholder=True) if spans else text)
        log.extend(Redaction(i, s.kind, s.subtype, mask_value(s.kind, s.value),
                             PLACEHOLDER[s.kind]) for s in spans)
    return new, log
