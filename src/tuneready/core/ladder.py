"""The rate ladder: a measured share of bad rows against the warn / fail / not-ready levels.

Label noise and unusable free-form answers are judged on the same three levels (the numbers
are policy: ``warn_rate``, ``fail_rate``, ``not_ready_rate`` in ``default.toml``); each level
says how severe crossing it is and which verdict it caps. Written once here so both checks
word and cap alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuneready.core.results import Severity, Verdict


@dataclass(frozen=True)
class Level:
    name: str            # in the finding code: ``<check>.rate_above_<name>``
    key: str             # the policy key holding the level's rate
    severity: Severity
    caps: Verdict | None  # the verdict a rate above this level caps (None: a warning only)


#: highest level first: a rate is judged against the first level it exceeds
LADDER: tuple[Level, ...] = (
    Level("not_ready", "not_ready_rate", Severity.FAIL, Verdict.NOT_READY),
    Level("fail", "fail_rate", Severity.FAIL, Verdict.LORA),
    Level("warn", "warn_rate", Severity.WARN, None),
)


def crossed(rate: float, policy: Mapping[str, Any]) -> tuple[Level, float] | None:
    """The highest level ``rate`` exceeds, with that level's limit; ``None`` below all."""
    for level in LADDER:
        limit = float(policy[level.key])
        if rate > limit:
            return level, limit
    return None
