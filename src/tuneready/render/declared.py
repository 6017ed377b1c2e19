"""What the renderers take from each check's declaration (``checks.contract.CheckSpec``).

The one place where ``render/`` reaches the check registry, lazily, for the ``what``/``why``
lines, how excluded rows are worded and which tables are charts. A check this version lacks
(an audit written by another version) gets neutral fallbacks, never an error.
"""

from __future__ import annotations

from typing import Any

#: shown for a check this version does not know
UNKNOWN_CHECK = ("not described by this version of tuneready (an older or newer audit); the "
                 "saved results are shown as they are")


def spec(name: str) -> Any | None:
    """The registered check's ``CheckSpec``, or ``None`` (unknown or unimportable check)."""
    try:
        from tuneready.checks import REGISTRY, spec_of

        return spec_of(name) if name in REGISTRY else None
    except Exception:  # an unimportable check must not cost the whole report
        return None


def describe(name: str) -> tuple[str, str]:
    """The check's own ``what``/``why`` lines; a fallback for checks this version lacks."""
    s = spec(name)
    return (str(s.what), str(s.why)) if s is not None else (UNKNOWN_CHECK, "")


def excluded_as(name: str) -> str | None:
    s = spec(name)
    return s.excluded_as if s is not None else None


def chart_kinds(name: str) -> dict[str, str]:
    s = spec(name)
    return dict(s.charts) if s is not None else {}
