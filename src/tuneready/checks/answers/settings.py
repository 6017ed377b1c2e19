"""``[answers]``, typed: read by the check's detectors (``detect``) and its result (``result``),
and by ``tuneready fix`` (which runs the same detectors)."""

from __future__ import annotations

from dataclasses import dataclass

from tuneready.config.typed import Table


@dataclass(frozen=True)
class AnswersSettings(Table):
    """The rate ladder, the precision a type must be measured at on this data before its
    rows leave the effective size, whether unmeasured candidates block, and each
    detector's level (``default.toml`` says how each was measured)."""

    table = "answers"
    warn_rate: float
    fail_rate: float
    not_ready_rate: float
    exclude_min_precision: float
    empty_max_chars: int
    echo_overlap: float
    contradiction_similarity: float
    contradiction_max_diversity: float
    offtopic_min_coupling: float
    offtopic_null_quantile: float
    offtopic_gap_floor: float
    offtopic_gap_scale: float
    pair_model: str
    pair_model_max_rows: int
    truncation_min_estimated_precision: float
    language_min_confidence: float
    canned_min_prompts: int
    review_per_type: int
    unresolved_blocks: bool
