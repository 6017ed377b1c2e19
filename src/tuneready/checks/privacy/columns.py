"""Personal columns: source fields (``source:<name>``, kept by the loader) that hold personal
data by their name or by their content. Names are matched whole after lowercasing and turning
separators into ``_`` ("First Name" -> ``first_name``), so ``product_name`` is not a person's
name. Content: the share of non-empty values in which a detector finds a value."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from tuneready.checks.privacy.scan import scan
from tuneready.io.dataset import SOURCE_PREFIX

#: values read per column for the content test (enough for a share, bounded at any size)
CONTENT_SAMPLE = 2000


def normal_name(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")


def personal_columns(frame: pd.DataFrame, names: Sequence[str], share: float,
                     regions: Sequence[str], kinds: Sequence[str]) -> list[dict[str, Any]]:
    """One entry per personal source column: why (name / content), which kinds its values hold
    and the share of values that hold one."""
    wanted = {normal_name(n) for n in names}
    out = []
    for col in [c for c in frame.columns if c.startswith(SOURCE_PREFIX)]:
        source = col[len(SOURCE_PREFIX):]
        values = [v for v in frame[col].tolist() if v][:CONTENT_SAMPLE]
        spans = scan(values, regions, kinds) if values else []
        hits = [s for s in spans if s]
        found = sorted({x.kind for s in hits for x in s})
        content = len(hits) / len(values) if values else 0.0
        by_name = normal_name(source) in wanted
        if by_name or (values and content >= share):
            out.append({"column": source, "by": "name" if by_name else "content",
                        "kinds": ", ".join(found), "values_with_identifier": round(content, 4),
                        "non_empty": int((frame[col] != "").sum())})
    return out
