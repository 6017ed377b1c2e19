"""Every comparison the bias check makes for one attribute, from the shared evidence.

What is compared (each a ``Comparison`` of the groups of one attribute):
- ``representation``: share of rows against the policy's reference shares, else parity;
- ``label_rate``: how often each label is given per group (demographic parity of the labels
  themselves): binary tasks compare the minority label, multiclass tasks each label
  one-vs-rest (the most frequent ``max_labels``);
- ``error_rate`` and ``recall``: the shared proxy's out-of-fold mistakes per group, and per
  label how often it recovers that label (equal-opportunity gap): a group the data does not
  teach well. ``selection_rate`` (how often the proxy predicts the label) is kept for
  information: compared with the label rate it shows whether a model would amplify a gap;
- ``noise_rate``: share of rows the label-noise analysis flags, per group;
- ``refusal_rate`` and ``answer_tokens`` for free-form targets (no labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tuneready.fairness.groups import UNKNOWN, Attribute
from tuneready.fairness.lexicon import refusals
from tuneready.fairness.stats import Comparison, compare_medians, compare_rates, representation

#: metrics that can become findings (selection_rate is informational)
TESTED = ("representation", "label_rate", "error_rate", "recall", "noise_rate",
          "refusal_rate", "answer_tokens")


@dataclass
class Inputs:
    """What the comparisons read, gathered once per audit from data and evidence."""

    n: int
    labels: pd.Series
    focus: list[str]
    proxy_positions: np.ndarray | None = None
    proxy_true: np.ndarray | None = None
    proxy_pred: np.ndarray | None = None
    proxy_classes: list[str] = field(default_factory=list)
    noise_positions: np.ndarray | None = None
    noise_flagged: np.ndarray | None = None
    target_positions: np.ndarray | None = None
    refused: np.ndarray | None = None
    target_tokens: np.ndarray | None = None


def focus_labels(labels: pd.Series, max_labels: int, min_label_n: int) -> list[str]:
    """Which labels to compare: the minority label of a binary task (both give the same
    test), else the ``max_labels`` most frequent labels, one-vs-rest."""
    counts = labels.dropna().astype(str).value_counts()
    counts = counts[counts >= min_label_n]
    if len(labels.dropna().unique()) == 2 and len(counts) >= 1:
        ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
        return [str(ordered[0][0])]
    if len(labels.dropna().unique()) < 2:
        return []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [str(k) for k, _ in ranked[:max_labels]]


def gather(data_frame: pd.DataFrame, proxy: Any, issues: Any, target_tokens: np.ndarray | None,
           free_form: bool, max_labels: int, min_label_n: int) -> Inputs:
    labels = data_frame["label"].reset_index(drop=True)
    inputs = Inputs(n=len(data_frame), labels=labels,
                    focus=focus_labels(labels, max_labels, min_label_n))
    if proxy is not None:
        inputs.proxy_positions = np.asarray(proxy.index, dtype=np.int64)
        inputs.proxy_true = np.asarray(proxy.labels, dtype=np.int64)
        inputs.proxy_pred = np.asarray(proxy.pred_probs).argmax(axis=1)
        inputs.proxy_classes = [str(c) for c in proxy.classes]
    if issues is not None:
        positions = np.asarray(issues.positions, dtype=np.int64)
        conflicts = np.asarray(getattr(issues, "conflict_positions", np.zeros(0)),
                               dtype=np.int64)
        flagged = getattr(issues, "flagged_positions", None)
        if flagged is None:
            flagged = positions[np.asarray(issues.is_issue, dtype=bool)]
        universe = np.union1d(positions, conflicts).astype(np.int64)
        if len(universe):
            inputs.noise_positions = universe
            inputs.noise_flagged = np.isin(universe, np.asarray(flagged, dtype=np.int64))
    if free_form:
        has_target = (data_frame["target"].fillna("").str.len() > 0).to_numpy()
        inputs.target_positions = np.flatnonzero(has_target)
        inputs.refused = refusals(data_frame["target"].iloc[inputs.target_positions])
        if target_tokens is not None:
            inputs.target_tokens = np.asarray(target_tokens)[inputs.target_positions]
    return inputs


def compare_attribute(attr: Attribute, inputs: Inputs, params: dict[str, Any]
                      ) -> tuple[list[Comparison], list[Comparison]]:
    """(tested comparisons, informational comparisons) for one attribute."""
    min_n = int(params.get("min_group_n", 30))
    min_label_n = int(params.get("min_label_n", 5))
    values = attr.values.reset_index(drop=True)
    sizes = values.value_counts()
    big = {str(g) for g, c in sizes.items() if c >= min_n}
    tested: list[Comparison] = []
    info: list[Comparison] = []
    reference = (params.get("reference") or {}).get(attr.name)
    skip = (UNKNOWN,) if attr.source != "lexicon" else (UNKNOWN, "none", "multiple")
    tested.append(representation(attr.name, values, reference, skip=skip))
    labelled = np.flatnonzero(inputs.labels.notna().to_numpy())
    label_text = inputs.labels.iloc[labelled].astype(str).to_numpy()
    for label in inputs.focus:
        tested.append(compare_rates(attr.name, "label_rate", label_text == label,
                                    values.iloc[labelled], min_n, label, big))
    if inputs.proxy_positions is not None and len(inputs.proxy_positions):
        tested.extend(_proxy(attr.name, values, inputs, min_n, min_label_n, big, info))
    if inputs.noise_positions is not None and inputs.noise_flagged is not None:
        tested.append(compare_rates(attr.name, "noise_rate", inputs.noise_flagged,
                                    values.iloc[inputs.noise_positions], min_n, None, big))
    if (inputs.target_positions is not None and inputs.refused is not None
            and len(inputs.target_positions)):
        groups = values.iloc[inputs.target_positions]
        tested.append(compare_rates(attr.name, "refusal_rate", inputs.refused, groups, min_n,
                                    None, big))
        if inputs.target_tokens is not None:
            tested.append(compare_medians(attr.name, "answer_tokens", inputs.target_tokens,
                                          groups, min_n))
    return tested, info


def _proxy(name: str, values: pd.Series, inputs: Inputs, min_n: int, min_label_n: int,
           big: set[str], info: list[Comparison]) -> list[Comparison]:
    assert inputs.proxy_positions is not None and inputs.proxy_true is not None
    assert inputs.proxy_pred is not None
    groups = values.iloc[inputs.proxy_positions].reset_index(drop=True)
    y, pred = inputs.proxy_true, inputs.proxy_pred
    out = [compare_rates(name, "error_rate", pred != y, groups, min_n, None, big)]
    for label in inputs.focus:
        if label not in inputs.proxy_classes:
            continue
        c = inputs.proxy_classes.index(label)
        positives = y == c
        out.append(compare_rates(name, "recall", pred[positives] == c,
                                 groups[positives].reset_index(drop=True), min_label_n, label,
                                 big))
        info.append(compare_rates(name, "selection_rate", pred == c, groups, min_n, label, big))
    return out
