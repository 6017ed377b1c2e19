"""The privacy check's flagged rows: which kind of value sits in which field of each row,
and how it was validated. Never the value itself, nor a masked copy of it.

Precision: every detector validates its candidates (a check digit, a library's number
metadata, a scanner plugin's own test), yet none of that says how many of the values found in
*this* data are personal data or live secrets: a Luhn-valid 16-digit number is only 1 in 10
of random digit strings but may be an order number; an address may be a company's help desk;
a key may be a documented dummy. Nothing here measures that on the user's data, so each kind
is ``unmeasured`` (``config.heldout.unmeasured``: the benchmark's held-out range, if any, for
orientation). The evidence names the validation, so a reader can weigh it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from tuneready.checks.flagrows import Flags
from tuneready.checks.privacy.span import Span

SINGULAR = {"email": "e-mail address", "phone": "phone number", "card": "payment card number",
            "iban": "IBAN", "national_id": "national identifier", "ip": "IP address",
            "dob": "date of birth", "secret": "secret"}


def validation(span: Span) -> str:
    """How a value of this kind was accepted, in words (no part of the value)."""
    kind, sub = span.kind, span.subtype
    if kind == "email":
        return "address format, not a documentation domain"
    if kind == "phone":
        return f"valid number for region {sub} (phonenumbers)"
    if kind == "card":
        return f"Luhn-valid, {sum(c.isdigit() for c in span.value)} digits"
    if kind == "iban":
        return "IBAN check digits valid"
    if kind == "national_id":
        return f"{sub} check digits valid"
    if kind == "ip":
        return f"global {sub} address"
    if kind == "dob":
        return "full date after a birth word"
    return f"{sub} pattern (detect-secrets)" if sub else "secret pattern (detect-secrets)"


def flag_kinds(flags: Flags, kinds: list[str], inputs: list[list[Span]],
               targets: list[list[Span]]) -> None:
    """One line per (kind, row) for every kind with a finding: the fields it is in, how many
    values and how each kind was validated (``inputs``/``targets``: spans per frame row)."""
    from tuneready.config.heldout import unmeasured

    seen: dict[str, dict[int, dict[str, list[Span]]]] = defaultdict(dict)
    for field, per_row in (("input", inputs), ("target", targets)):
        for pos, spans in enumerate(per_row):
            for s in spans:
                seen[s.kind].setdefault(pos, {}).setdefault(field, []).append(s)
    for kind in kinds:
        rows = seen.get(kind)
        if not rows:
            continue
        order = sorted(rows)
        reasons, evidence = [], []
        for pos in order:
            fields = rows[pos]
            spans = [s for f in ("input", "target") for s in fields.get(f, [])]
            reasons.append(f"{SINGULAR[kind]} in {' and '.join(fields)}")
            how = "; ".join(dict.fromkeys(validation(s) for s in spans))
            evidence.append(how if len(spans) == 1 else f"{len(spans)} values: {how}")
        flags.add(f"privacy.{kind}", None, reasons, evidence,
                  precision=unmeasured(f"privacy.{kind}"),
                  positions=np.asarray(order, dtype=np.int64))
