"""``[bias]``, typed: the bias check's keys, read by ``check``, ``run`` and ``compare``
(a module of its own so that all three import it without a cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuneready.config.typed import Table


@dataclass(frozen=True)
class BiasSettings(Table):
    """Group sizes, the false discovery rate, materiality, blocking, intersections, reference
    shares, identity-term groups and their association test (``default.toml`` says why)."""

    table = "bias"
    min_group_n: int
    min_label_n: int
    alpha: float
    min_ratio: float
    max_difference: float
    block: bool
    intersect: list[Any]
    reference: dict[str, Any]
    lexicon: str
    term_min_count: int
    term_min_cooccurrence: int
    term_min_npmi: float
    max_labels: int
    max_groups: int
    weak_proxy_accuracy: float
    english_min_share: float
