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

from tuneready.checks.bias.groups import Attribute
from tuneready.checks.bias.lexicon import refusals
from tuneready.checks.bias.rates import Family, RateSpec, cells, compare_families, rate_family
from tuneready.checks.bias.settings import BiasSettings
from tuneready.checks.bias.stats import Comparison, compare_medians, representation

#: metrics that can become findings (selection_rate is informational)
TESTED = ("representation", "label_rate", "error_rate", "recall", "noise_rate",
          "refusal_rate", "answer_tokens")


@dataclass
class Inputs:
    """What the comparisons read, gathered once per audit from data and evidence."""

    n: int
    labels: pd.Series
    focus: list[str]
    labelled: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    label_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    label_names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    proxy_positions: np.ndarray | None = None
    proxy_true: np.ndarray | None = None
    proxy_pred: np.ndarray | None = None
    proxy_classes: list[str] = field(default_factory=list)
    noise_positions: np.ndarray | None = None
    noise_flagged: np.ndarray | None = None
    target_positions: np.ndarray | None = None
    #: the answers the English refusal phrases read (``None``: too few are in English)
    refusal_positions: np.ndarray | None = None
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
           free_form: bool, max_labels: int, min_label_n: int,
           english_targets: np.ndarray | None = None) -> Inputs:
    """What the comparisons read. ``english_targets``: per row, whether its answer is one the
    English refusal phrases may read (``None``: every answer; all False: none)."""
    labels = data_frame["label"].reset_index(drop=True)
    inputs = Inputs(n=len(data_frame), labels=labels,
                    focus=focus_labels(labels, max_labels, min_label_n))
    # labels as codes once, not as strings per attribute
    inputs.labelled = np.flatnonzero(labels.notna().to_numpy())
    codes, names = pd.factorize(labels.iloc[inputs.labelled].astype(str).to_numpy(dtype=object),
                                sort=True)
    inputs.label_codes, inputs.label_names = np.asarray(codes), np.asarray(names, dtype=object)
    if proxy is not None:
        inputs.proxy_positions = np.asarray(proxy.index, dtype=np.int64)
        inputs.proxy_true = np.asarray(proxy.labels, dtype=np.int64)
        inputs.proxy_pred = np.asarray(proxy.pred_probs).argmax(axis=1)
        inputs.proxy_classes = [str(c) for c in proxy.classes]
    if issues is not None:
        positions = np.asarray(issues.positions, dtype=np.int64)
        conflicts = np.asarray(getattr(issues, "conflict_positions", np.zeros(0)),
                               dtype=np.int64)
        # the rows treated as wrong downstream: every candidate when the range is resolved,
        # else the confirmed ones, or the review's measure (``LabelIssues.noise_positions``)
        flagged = getattr(issues, "noise_positions", None)
        if flagged is None:
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
        read = inputs.target_positions if english_targets is None else \
            inputs.target_positions[np.asarray(english_targets, dtype=bool)[has_target]]
        if len(read) or english_targets is None:
            inputs.refusal_positions = read
            inputs.refused = refusals(data_frame["target"].iloc[read])
        if target_tokens is not None:
            inputs.target_tokens = np.asarray(target_tokens)[inputs.target_positions]
    return inputs


def compare_attribute(attr: Attribute, inputs: Inputs, cfg: BiasSettings
                      ) -> tuple[list[Comparison], list[Comparison]]:
    """(tested comparisons, informational comparisons) for one attribute; every rate comes
    from one fairlearn MetricFrame over the cells of all rate families."""
    min_n, min_label_n = cfg.min_group_n, cfg.min_label_n
    values = attr.values.reset_index(drop=True).to_numpy(dtype=object)
    codes, names = pd.factorize(values, sort=True)  # groups as codes into sorted names
    group = (np.asarray(codes), np.asarray(names, dtype=object))
    families: list[Family] = []
    if inputs.focus:
        families.append(_label_rates(group, inputs, min_n))
    if inputs.proxy_positions is not None and len(inputs.proxy_positions):
        families.append(_proxy(group, inputs, min_n, min_label_n))
    if inputs.noise_positions is not None and inputs.noise_flagged is not None:
        families.append(rate_family(inputs.noise_flagged, group[0][inputs.noise_positions],
                                    "noise_rate", min_n, names=group[1]))
    free_form = inputs.target_positions is not None and len(inputs.target_positions)
    if inputs.refusal_positions is not None and inputs.refused is not None \
            and len(inputs.refusal_positions):
        families.append(rate_family(inputs.refused, group[0][inputs.refusal_positions],
                                    "refusal_rate", min_n, names=group[1]))
    tested: list[Comparison] = []
    if attr.source != "lexicon":  # shares of derived groups say how often a term occurs
        reference = cfg.reference.get(attr.name)
        tested.append(representation(attr.name, pd.Series(values), reference))
    rates = [c for family in compare_families(attr.name, families) for c in family]
    tested.extend(c for c in rates if c.metric != "selection_rate")
    info = [c for c in rates if c.metric == "selection_rate"]
    if free_form and inputs.target_tokens is not None:
        assert inputs.target_positions is not None
        tested.append(compare_medians(attr.name, "answer_tokens", inputs.target_tokens,
                                      pd.Series(values[inputs.target_positions]), min_n))
    return tested, info


def _label_rates(group: tuple[np.ndarray, np.ndarray], inputs: Inputs, min_n: int) -> Family:
    """Every focus label's rate by group, over (group, label) cells; ``group`` is each row's
    group code and the names of the codes."""
    codes, names = group
    c = cells({"g": codes[inputs.labelled], "lab": inputs.label_codes})
    lab = inputs.label_names[c["lab"]]
    ones = np.ones(len(c["w"]), dtype=bool)
    specs = [RateSpec("label_rate", label, lab == label, ones, min_n) for label in inputs.focus]
    return Family(names[c["g"]], c["w"].astype(np.float64), specs)


def _proxy(group: tuple[np.ndarray, np.ndarray], inputs: Inputs, min_n: int,
           min_label_n: int) -> Family:
    """Proxy error, recall and selection rate per focus label, over (group, true, predicted)
    cells."""
    assert inputs.proxy_positions is not None and inputs.proxy_true is not None
    assert inputs.proxy_pred is not None
    codes, names = group
    c = cells({"g": codes[inputs.proxy_positions], "t": inputs.proxy_true,
               "p": inputs.proxy_pred})
    t, p = c["t"].astype(np.int64), c["p"].astype(np.int64)
    ones = np.ones(len(c["w"]), dtype=bool)
    specs = [RateSpec("error_rate", None, t != p, ones, min_n)]
    for label in inputs.focus:
        if label in inputs.proxy_classes:
            k = inputs.proxy_classes.index(label)
            specs.append(RateSpec("recall", label, p == k, t == k, min_label_n, min_n))
            specs.append(RateSpec("selection_rate", label, p == k, ones, min_n))
    return Family(names[c["g"]], c["w"].astype(np.float64), specs)
