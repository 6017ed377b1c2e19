"""``[label_noise]``, typed: read by the check, its review tables and (through
``evidence.label_issues.NoiseSettings``) the label-noise evidence."""

from __future__ import annotations

from dataclasses import dataclass

from tuneready.config.typed import Table


@dataclass(frozen=True)
class LabelNoiseSettings(Table):
    """The rate ladder, the range's width, blocking, label kind, review size, and the
    precision a reviewed candidate type needs before its rows leave the effective size."""

    table = "label_noise"
    warn_rate: float
    fail_rate: float
    not_ready_rate: float
    max_range_width: float
    unresolved_blocks: bool
    label_kind: str
    review_half_width: float
    review_max_rows: int
    exclude_min_precision: float
