"""How sure each answer finding is: its precision measured on planted defects.

``bench/answers.py`` plants every defect type into three public sets (chatterbot
conversations, alpaca_en_demo, glaive_toolcall_en_demo; seed 0) and measures, per finding
type, the share of flagged rows that carry the planted defect. The number kept here is the
**lowest** of the three sets (where the type flagged at least 5 rows), rounded down to two
decimals; a real defect of a source counts against it, so it is a floor. Only types measured
at ``exclude_min_precision`` (0.9 by default) or better leave the effective size; the others
are listed for review (and join ``review.csv`` when the audit writes one). ``None``: not
measured, never excluded. Rerun the benchmark and update this table when a rule changes
(``tests/checks/answers/test_severity.py`` keeps every type listed).
"""

from __future__ import annotations

#: finding type -> measured precision (``bench/answers.py``, seed 0, lowest of three sets)
PRECISION: dict[str, float | None] = {
    "empty": 1.0,  # by definition: the answer has no text
    "echo": None,
    "refusal": None,
    "truncated.unclosed_fence": None,
    "truncated.unclosed_bracket": None,
    "truncated.dangling_word": None,
    "truncated.mid_word": None,
    "truncated.unterminated": None,
    "truncated.token_limit": None,
    "truncated.too_short": None,
    "off_topic": None,
    "language": None,
    "canned": None,
    "contradiction": None,
}


def precision(kind: str) -> float | None:
    return PRECISION.get(kind)


#: types that never leave the effective size whatever their precision: a refusal may be the
#: behaviour the data is meant to teach (out-of-scope or safety answers)
NEVER_REMOVED = frozenset({"refusal"})


def leaves_effective_size(kind: str, min_precision: float) -> bool:
    if kind in NEVER_REMOVED:
        return False
    p = PRECISION.get(kind)
    return p is not None and p >= min_precision
