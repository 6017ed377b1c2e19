"""Attributes to compare: group columns, their intersections, and lexicon-derived groups.

fairlearn rejects missing sensitive values, and silently dropping them would hide the rows
whose group nobody recorded, so missing values become an explicit "unknown" group.
Intersections matter because a disparity can exist for "female & hispanic" while neither
gender nor race alone shows it (Crenshaw; Buolamwini & Gebru 2018).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from tuneready.io.dataset import GROUP_PREFIX, Dataset

UNKNOWN = "unknown"
JOIN = " & "


@dataclass
class Attribute:
    """One way of splitting rows into groups; ``values`` is aligned with frame positions."""

    name: str
    values: pd.Series
    source: str  # "column", "intersection" or "lexicon"

    @functools.cached_property
    def counts(self) -> pd.Series:
        """Rows per group (``value_counts``), counted once: the summary, metrics and tables
        each read it."""
        return self.values.value_counts()


def clean(values: pd.Series) -> pd.Series:
    """Group values as trimmed strings; missing or blank -> "unknown"."""
    text = values.astype(object).where(values.notna(), None)
    out = text.map(lambda v: UNKNOWN if v is None or not str(v).strip() else str(v).strip())
    return pd.Series(out.to_numpy(dtype=object), dtype=object)


def parse_pairs(spec: object) -> list[tuple[str, str]]:
    """Intersections from the policy: ``[["gender", "race"]]`` or ``["gender*race"]``."""
    pairs: list[tuple[str, str]] = []
    for item in spec if isinstance(spec, list) else []:
        parts = item if isinstance(item, list) else str(item).replace("&", "*").split("*")
        names = [str(p).strip() for p in parts if str(p).strip()]
        if len(names) != 2:
            raise ValueError(f"an intersection names exactly two attributes, got {item!r}")
        pairs.append((names[0], names[1]))
    return pairs


def column_attributes(data: Dataset, intersect: object = None) -> list[Attribute]:
    """One attribute per group column, plus the requested intersections of two of them."""
    frame = data.frame
    attrs = {c[len(GROUP_PREFIX):]: Attribute(c[len(GROUP_PREFIX):], clean(frame[c]), "column")
             for c in data.group_columns}
    out = list(attrs.values())
    for a, b in parse_pairs(intersect):
        missing = [x for x in (a, b) if x not in attrs]
        if missing:
            raise ValueError(f"intersection names unknown group column(s) {missing}; "
                             f"groups are {sorted(attrs)}")
        values = attrs[a].values + JOIN + attrs[b].values
        out.append(Attribute(f"{a}{JOIN}{b}", values, "intersection"))
    return out
