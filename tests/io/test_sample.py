"""--sample: exact whole-file counts, stratified sample for the checks."""

from __future__ import annotations

import pandas as pd

from tests.conftest import evidence_for, make_texts
from tuneready.checks.size import SizeCheck
from tuneready.config.policy import load_policy
from tuneready.io import LoadOptions, load_frame
from tuneready.io.sample import stratified_sample


def test_stratified_sample_keeps_label_shares_and_rare_labels() -> None:
    frame = pd.concat([make_texts(900, labels=["a"]), make_texts(99, labels=["b"]),
                       make_texts(1, labels=["c"])]).reset_index(drop=True)
    frame = load_frame(frame).frame
    sample = stratified_sample(frame, 100, seed=1)
    counts = sample["label"].value_counts().to_dict()
    assert counts == {"a": 90, "b": 10, "c": 1}
    assert stratified_sample(frame, 100, seed=1).equals(sample)


def test_size_reports_exact_counts_when_sampled() -> None:
    frame = pd.concat([make_texts(2000), make_texts(500)]).reset_index(drop=True)  # 500 repeats
    data = load_frame(frame, LoadOptions(sample=400))
    assert abs(data.n - 400) <= 3 and data.population["raw_n"] == 2500  # rounding per label
    result = SizeCheck().run(data, evidence_for(data), load_policy().for_check("size"))
    assert result.metrics["raw_n"] == 2500
    assert result.metrics["distinct_n"] == data.population["distinct_n"] <= 2000
    assert result.metrics["sample_n"] == data.n
    assert sum(r["count"] for r in result.tables["classes"]) == 2500


def test_stratified_sample_keeps_unlabelled_rows_in_proportion() -> None:
    """Unlabelled rows are a stratum like any label (a NUL sentinel once lost them: numpy
    strips trailing NULs when it compares with a str, so no row matched)."""
    labelled = make_texts(600, labels=["a", "b"])
    unlabelled = make_texts(400).drop(columns="label")
    frame = load_frame(pd.concat([labelled, unlabelled]).reset_index(drop=True)).frame
    sample = stratified_sample(frame, 100, seed=3)
    assert len(sample) == 100
    assert int(sample["label"].isna().sum()) == 40
    assert sample["label"].value_counts().to_dict() == {"a": 30, "b": 30}
