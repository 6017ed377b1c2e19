"""The machine-readable audit: stable keys, versioned, NaN-free, byte-identical on rerun.

Only the ``meta`` block (timestamp, timings, versions, command) may differ between two runs
on the same input; ``canonical`` drops it for comparisons.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from tuneready.core.results import Audit
from tuneready.core.upgrade import Describe


def _clean(value: Any) -> Any:
    """Plain JSON types only: numpy scalars unboxed, NaN/inf become null."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: a lone UTF-16 surrogate (from a JSON ``"\ud800"`` escape, or a DataFrame) cannot be
#: written as UTF-8; in JSON text it can only stand inside a string, where its escape
#: (``\\ud800`` to ``\\udfff``) is the same value
_SURROGATE = re.compile("[\ud800-\udfff]")


def render(audit: Audit) -> str:
    text = json.dumps(_clean(audit.to_dict()), indent=2, ensure_ascii=False, allow_nan=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def canonical(audit_dict: dict[str, Any]) -> str:
    """The audit without ``meta``: what must be identical across reruns."""
    body = {k: v for k, v in audit_dict.items() if k != "meta"}
    return json.dumps(_clean(body), sort_keys=True)


def load(text: str, describe: Describe | None = None) -> Audit:
    """The audit in ``text``; ``describe`` fills what an audit older than 2.1 did not save
    (``core/upgrade.py``; the CLI passes ``tuneready.checks.described``)."""
    return Audit.from_dict(json.loads(text), describe)
