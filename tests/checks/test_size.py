"""size: distinct counts against per-path minimums, per-class counts, imbalance."""

from __future__ import annotations

import pandas as pd

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.checks.size import SizeCheck, SizeSettings, size_cap
from tuneready.config.policy import load_policy
from tuneready.core.results import Status, Verdict

POLICY = load_policy().for_check("size")
CFG = SizeSettings.of(POLICY)


def _run(data, **overrides):
    return SizeCheck().run(data, evidence_for(data), {**POLICY, **overrides})


def test_thresholds_cap_the_verdict() -> None:
    assert size_cap(5, CFG).caps == Verdict.NOT_READY
    assert size_cap(60, CFG).caps == Verdict.PROMPT_ENGINEERING
    assert size_cap(400, CFG).caps == Verdict.LORA
    assert size_cap(1000, CFG) is None
    assert "600 more" in (size_cap(400, CFG).remedy or "")


def test_duplicates_ignore_case_and_spacing() -> None:
    frame = pd.DataFrame({"text": ["Hello  World", "hello world", "other", "HELLO WORLD "],
                          "label": ["a", "a", "a", "b"]})
    result = _run(dataset(frame))
    assert result.metrics["raw_n"] == 4
    assert result.metrics["distinct_n"] == 3  # the "b" row differs by label: not a repeat
    assert result.excluded_rows == [2]


def test_per_class_minimums_and_imbalance() -> None:
    frame = pd.concat([make_texts(600, labels=["big"]), make_texts(30, seed=1, labels=["mid"]),
                       make_texts(4, seed=2, labels=["tiny"])])
    result = _run(dataset(frame))
    codes = {f.code: f for f in result.findings}
    assert codes["size.class_below_min"].caps == Verdict.LORA
    assert "tiny: 4" in codes["size.class_below_min"].message
    assert "mid: 30" in codes["size.class_below_warn"].message
    assert codes["size.class_imbalance"].observed == 150.0
    assert result.status == Status.FAIL
    assert {r["label"] for r in result.tables["classes"]} == {"big", "mid", "tiny"}


def test_enough_clean_rows_pass() -> None:
    result = _run(dataset(make_texts(1200)))
    assert result.status == Status.PASS
    assert result.metrics["training_tokens"] > 1200


def test_every_repeat_and_every_row_of_a_rare_class_is_flagged() -> None:
    frame = pd.concat([make_texts(40, labels=["big"]), make_texts(3, seed=2, labels=["tiny"])])
    frame = pd.concat([frame, frame.head(2)], ignore_index=True)
    result = _run(dataset(frame))
    lines = {(f.finding, f.row_id): f for f in result.flagged}
    assert [(f.reason, f.removed, f.precision) for (code, _), f in lines.items()
            if code == "size.exact_duplicates"] == [("exact copy of row 1", True, ""),
                                                   ("exact copy of row 2", True, "")]
    rare = [f for (code, _), f in lines.items() if code == "size.class_below_min"]
    assert [f.row_id for f in rare] == [41, 42, 43]
    assert {(f.reason, f.evidence, f.removed) for f in rare} == {
        ("its class has fewer than 10 examples", "3 in its class", False)}
    finding = next(f for f in result.findings if f.code == "size.class_below_min")
    assert finding.n_rows == len(rare)
