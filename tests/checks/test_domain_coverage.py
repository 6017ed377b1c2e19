"""domain, --reference coverage: a calibrated nearest-neighbour cut (split conformal over the
training inputs' own leave-one-out neighbours), a stated interval when the reference is
sampled, and the uncovered rows listed."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from tests.checks.test_domain import VOCAB
from tests.conftest import dataset, evidence_for
from tuneready.checks.domain import DomainSettings
from tuneready.checks.domain_coverage import coverage, threshold
from tuneready.config.policy import load_policy

POLICY = load_policy().for_check("domain")


def sentences(n: int, topic: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(topic) for _ in range(8)) for _ in range(n)]


def run(train: list[str], reference: list[str], policy: dict | None = None):
    data = dataset(pd.DataFrame({"text": train}))
    ev = evidence_for(data)
    ev.reference_data = dataset(pd.DataFrame({"text": reference}))
    return coverage(ev, DomainSettings.of(policy or POLICY))


def test_a_reference_like_the_training_data_is_about_95_percent_covered() -> None:
    topic, other = VOCAB[:60], VOCAB[200:260]
    pool = sentences(900, topic, seed=1)
    metrics, _gaps = run(pool[:600], pool[600:])
    # exchangeable rows fall under the 5 % order statistic about 5 % of the time
    assert 0.88 <= metrics["coverage"] <= 1.0
    assert metrics["reference_rows"] == metrics["reference_rows_total"] == 300
    assert metrics["coverage_low"] == metrics["coverage_high"] == metrics["coverage"]
    foreign, _ = run(pool[:600], sentences(300, other, seed=2))
    assert foreign["coverage"] < 0.2
    assert foreign["coverage_similarity"] == metrics["coverage_similarity"]


def test_uncovered_rows_are_listed_in_regions() -> None:
    topic, other = VOCAB[:60], VOCAB[200:260]
    train = sentences(400, topic, seed=1)
    reference = sentences(40, topic, seed=5) + sentences(40, other, seed=6)
    metrics, gaps = run(train, reference)
    assert 0.4 <= metrics["coverage"] <= 0.55
    assert gaps and all(g["reference_row_id"] > 40 for g in gaps)
    assert all(g["nearest_similarity"] < metrics["coverage_similarity"] for g in gaps)


def test_a_sampled_reference_carries_a_wilson_interval() -> None:
    topic = VOCAB[:60]
    pool = sentences(700, topic, seed=1)
    metrics, _ = run(pool[:400], pool[400:], {**POLICY, "reference_max_rows": 100})
    assert metrics["reference_rows"] == 100 and metrics["reference_rows_total"] == 300
    assert metrics["coverage_low"] < metrics["coverage"] <= metrics["coverage_high"]


def test_threshold_is_the_conformal_order_statistic() -> None:
    # four points on a circle: leave-one-out nearest cosines are known exactly
    angles = np.array([0.0, 0.1, 1.0, 2.5])
    base = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    cut, rows = threshold(base, 0.3, 10, 0)
    loo = sorted([np.cos(0.1), np.cos(0.1), np.cos(0.9), np.cos(1.5)])
    # ceil(0.3 * 5) - 1 = 1: the second smallest
    assert rows == 4 and cut == pytest.approx(loo[1], abs=1e-6)
    assert threshold(base[:1], 0.3, 10, 0)[0] == float("inf")


def test_tfidf_when_the_sentence_vectors_are_missing() -> None:
    topic, other = VOCAB[:60], VOCAB[200:260]
    pool = sentences(600, topic, seed=1)
    data = dataset(pd.DataFrame({"text": pool[:400]}))
    ev = evidence_for(data)
    ev.__dict__["sentence_vectors"] = None
    ev.reference_data = dataset(pd.DataFrame({"text": pool[400:] + sentences(200, other, 2)}))
    metrics, _ = coverage(ev, DomainSettings.of(POLICY))
    assert metrics["coverage_vectors"] == "TF-IDF"
    assert 0.4 <= metrics["coverage"] <= 0.55
