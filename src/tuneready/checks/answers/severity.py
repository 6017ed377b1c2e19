"""How sure each answer finding is: its precision measured on planted defects.

``bench/answers.py`` plants every defect type into three public sets (chatterbot
conversations, alpaca_en_demo, glaive_toolcall_en_demo; seed 2, the rules having been
tuned on seed 1) and measures, per finding
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

#: finding type -> measured precision (``bench/answers.py --seed 2``: the rules were tuned on
#: seed 1; pooled over the three planted sets)
PRECISION: dict[str, float | None] = {
    "empty": 1.0,  # by definition: the answer has no text
    "echo": None,  # not planted
    "refusal": 1.0,  # 58/58 (chatterbot 35/35, alpaca 15/15, glaive 8/8); never removed
    "truncated.unclosed_fence": 0.94,  # 17/18
    "truncated.unclosed_bracket": None,  # 4/5
    "truncated.dangling_word": 1.0,  # 35/35
    "truncated.cut_copy": 1.0,  # 67/67 (60 in chatterbot: cut copies of its repeated replies)
    "truncated.mid_word": None,  # 5/5
    "truncated.token_limit": None,  # never fired on the planted limit (other reasons first)
    "truncated.too_short": None,  # 1/3
    "truncated.unterminated": 1.0,  # 15/15
    "truncated.unpunctuated": 0.82,  # 23/28 (chatterbot 11/16, alpaca 10/10, glaive 3/3)
    # off-topic, by the vectors it was scored on (evidence/pair_encoder.py when installed)
    "off_topic.pair_model": 0.85,  # 114/134 (chatterbot 0.76, alpaca 0.95, glaive 0.95)
    "off_topic.static_vectors": 0.78,  # 85/109 (chatterbot 0.58, alpaca 0.95, glaive 1.00)
    "language": 1.0,  # 52/52
    "canned": 0.93,  # 68/73; the template's first copy stays
    "contradiction": None,  # 2/2; chit-chat data suppresses them by design
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
