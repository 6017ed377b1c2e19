"""One detected value in a text (its own module so detectors and scanners share it without a
cycle: ``detect`` runs the secret scanner, which builds ``Span`` values)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """One detected value: ``text[start:end] == value``; ``subtype`` says which validator or
    scanner plugin accepted it (``us.ssn``, ``AWS Access Key``...)."""

    start: int
    end: int
    kind: str
    value: str
    subtype: str = ""
