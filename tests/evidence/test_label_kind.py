"""Outcome labels are not annotations: identical inputs with different outcomes are
irreducible uncertainty (never certain noise, never a cap); planted conflicting copies of
annotation labels still are certain noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, make_texts
from tuneready.checks import get_check
from tuneready.config.policy import load_policy
from tuneready.core.results import Verdict
from tuneready.engine.runner import run_one
from tuneready.evidence.label_issues import NoiseSettings
from tuneready.evidence.label_kind import classify
from tuneready.evidence.store import Evidence


def outcome_set(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Profiles rendered from a table (a template with 3 fields), each profile seen many
    times, the outcome drawn from a known probability per profile. Returns the frame and
    the probability of outcome 'yes' per row."""
    rng = np.random.default_rng(seed)
    rows, probs = [], []
    ages, priors, charges = ["18-25", "26-45", "46+"], [0, 1, 2, 3, 5], ["F", "M"]
    for age in ages:
        for prior in priors:
            for charge in charges:
                p = min(0.9, 0.15 + 0.12 * prior + (0.15 if age == "18-25" else 0.0))
                for _ in range(int(rng.integers(2, 9))):
                    rows.append({"text": f"age: {age}; priors: {prior}; charge degree: {charge}",
                                 "label": "yes" if rng.random() < p else "no"})
                    probs.append(p)
    # one-off profiles too, as a real table has
    for i in range(150):
        rows.append({"text": f"age: {20 + i}; priors: {i % 7}; charge degree: M; id {i}",
                     "label": "yes" if rng.random() < 0.4 else "no"})
        probs.append(0.4)
    return pd.DataFrame(rows), np.asarray(probs)


def run(frame: pd.DataFrame, label_kind: str = "auto"):
    data = dataset(frame)
    policy = load_policy()
    evidence = Evidence(data)
    evidence.noise_settings = NoiseSettings.from_policy(policy.for_check("label_noise"),
                                                        label_kind=label_kind)
    return run_one(get_check("label_noise"), data, evidence, policy), evidence


def test_synthetic_outcomes_are_irreducible_and_not_capped() -> None:
    frame, _ = outcome_set()
    mixed = frame.groupby("text")["label"].transform("nunique") > 1
    assert mixed.mean() >= 0.3  # the issue's case: 30 % of rows in mixed-label groups
    result, evidence = run(frame)
    m = result.metrics
    assert m["label_kind"] == "outcome" and m["label_kind_source"] == "detected"
    assert m["certain_n"] == 0 and result.excluded_rows == []
    assert not any(f.caps for f in result.findings)
    codes = {f.code for f in result.findings}
    assert "label_noise.irreducible_uncertainty" in codes
    assert "label_noise.conflicting_duplicates" not in codes
    assert "review_sample" not in result.tables  # nobody can review an outcome
    # the ceiling is the majority share per repeated input, computed by hand
    top = frame.groupby(["text", "label"]).size().groupby(level=0).max().sum()
    assert m["accuracy_ceiling"] == pytest.approx(top / len(frame), abs=1e-4)
    assert evidence.label_issues is not None and evidence.label_issues.kind.outcome


def test_annotation_set_with_planted_conflicts_is_still_capped() -> None:
    frame = make_texts(300)
    copies = frame.head(80).copy()
    copies["label"] = copies["label"].map({"sports": "weather", "weather": "finance",
                                           "finance": "sports"})
    result, _ = run(pd.concat([frame, copies], ignore_index=True))
    m = result.metrics
    assert m["label_kind"] == "annotation"
    # 80 tied pairs: 160 conflicting rows, of which one label per pair is certainly wrong
    assert m["certain_n"] == 80 and m["noise_rate_lo"] == pytest.approx(80 / 380, abs=1e-4)
    caps = [f.caps for f in result.findings if f.caps]
    assert caps and min(caps) == Verdict.NOT_READY


def test_the_kind_can_be_set_either_way() -> None:
    frame, _ = outcome_set()
    forced, _ = run(frame, "annotation")
    assert forced.metrics["label_kind"] == "annotation"
    assert forced.metrics["label_kind_source"] == "set"
    assert forced.metrics["certain_n"] > 0
    annotated = make_texts(200)
    as_outcome, _ = run(annotated, "outcome")
    assert as_outcome.metrics["label_kind"] == "outcome"
    assert not any(f.caps for f in as_outcome.findings)


def test_repeated_inputs_with_one_label_are_annotations() -> None:
    texts = pd.Series([f"greeting {i % 20}" for i in range(400)])
    labels = pd.Series(["hello"] * 400)
    kind = classify(pd.util.hash_pandas_object(texts, index=False).to_numpy(), labels)
    assert kind.kind == "annotation" and kind.ceiling == 1.0 and kind.mixed_groups == 0


def test_no_labels_gives_a_neutral_kind() -> None:
    kind = classify(np.zeros(3, dtype=np.uint64), pd.Series([None, None, None]))
    assert kind.kind == "annotation" and kind.labelled == 0
