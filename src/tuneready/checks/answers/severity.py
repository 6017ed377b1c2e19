"""How sure each answer finding is: its precision measured on planted defects.

``bench/answers.py`` plants every defect type into three public sets (chatterbot
conversations, alpaca_en_demo, glaive_toolcall_en_demo; seed 0) and measures, per finding
type, the share of flagged rows that carry the planted defect, pooled over the three sets
(flags on rows a person read and judged a real defect of the source are left out of both
counts; any other flag on an unplanted row counts as false). Fewer than 10 flags in all:
not measured (``None``). Rounded down to two decimals. Only types measured
at ``exclude_min_precision`` (0.9 by default) or better leave the effective size; the others
are listed for review (and join ``review.csv`` when the audit writes one). ``None``: not
measured, never excluded. Rerun the benchmark and update this table when a rule changes
(``tests/checks/answers/test_severity.py`` keeps every type listed).
"""

from __future__ import annotations

#: finding type -> measured precision (``bench/answers.py``, seed 0, lowest of three sets)
PRECISION: dict[str, float | None] = {
    "empty": 1.0,  # by definition: the answer has no text
    "echo": None,  # not planted
    "refusal": 0.91,  # 56/61 (chatterbot 0.95, alpaca 0.93, glaive 0.78); never removed
    "truncated.unclosed_fence": 0.77,  # 17/22 (chatterbot's coding answers: 13/17)
    "truncated.unclosed_bracket": None,  # 2/3
    "truncated.dangling_word": 0.97,  # 34/35
    "truncated.mid_word": 1.0,  # 12/12
    "truncated.cut_copy": None,  # not yet measured
    "truncated.token_limit": None,  # never fired on the planted limit (other reasons first)
    "truncated.too_short": None,  # 0/1
    "truncated.unterminated": 1.0,  # 12/12
    "truncated.unpunctuated": None,  # not yet measured
    "off_topic": 0.78,  # 67/85 (chatterbot 0.57, alpaca 0.92, glaive 0.88)
    "language": 1.0,  # 51/51
    "canned": 0.93,  # 75/80; the template's first copy stays
    "contradiction": None,  # 3/3 (alpaca); chit-chat data suppresses them by design
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
