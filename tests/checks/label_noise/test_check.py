"""label_noise check: planted flips are found, clean data passes, weak proxies do not fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.checks import get_check
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Severity, SizeBasis, Status, Verdict
from tuneready.engine.runner import run_one
from tuneready.evidence.label_issues import NoiseSettings
from tuneready.io.dataset import Dataset


def flipped(n: int, share: float, seed: int = 0) -> tuple[pd.DataFrame, set[int]]:
    """Separable texts with ``share`` of labels moved to another class; flipped row ids."""
    frame = make_texts(n, seed=seed)
    rng = np.random.default_rng(seed)
    idx = rng.choice(n, size=round(share * n), replace=False)
    classes = sorted(frame["label"].unique())
    for i in idx:
        others = [c for c in classes if c != frame.at[i, "label"]]
        frame.at[i, "label"] = others[int(rng.integers(len(others)))]
    return frame, {int(i) + 1 for i in idx}  # load_frame row ids are 1-based


def run(data: Dataset, **overrides: object) -> CheckResult:
    policy = load_policy()
    policy.data["label_noise"].update(overrides)
    evidence = evidence_for(data)
    evidence.noise_settings = NoiseSettings.from_policy(policy.for_check("label_noise"))
    result = run_one(get_check("label_noise"), data, evidence, policy)
    assert result.status != Status.ERROR, result.error
    return result


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def test_planted_flips_are_found_and_confirmed_ones_leave_effective_size() -> None:
    frame, truth = flipped(300, 0.08)
    result = run(dataset(frame))
    flagged = {r["row_id"] for r in result.tables["flagged"]}
    assert len(flagged & truth) / len(truth) >= 0.9  # recall
    assert len(flagged & truth) / len(flagged) >= 0.9  # precision
    assert result.status == Status.WARN
    warn = next(f for f in result.findings if f.code == "label_noise.rate_above_warn")
    assert warn.caps is None
    m = result.metrics
    assert 0.05 <= m["noise_rate"] <= 0.11
    assert m["noise_rate_lo"] <= m["noise_rate"] <= m["noise_rate_hi"]
    assert m["noise_rate_lo"] <= len(truth) / 300 <= m["noise_rate_hi"]
    # only rows both independent views flag (beyond the allowance) leave the effective size
    excluded = set(result.excluded_rows)
    assert excluded and excluded <= flagged and len(excluded) == m["confirmed_n"]
    assert len(excluded & truth) / len(excluded) >= 0.95
    confirmed = {r["row_id"] for r in result.tables["flagged"] if r["source"] == "confirmed"}
    assert confirmed == excluded
    table = result.tables["flagged"]
    assert all(r["given"] != r["likely"] for r in table)
    candidates = [r["quality"] for r in table if r["source"] == "candidate"]
    assert candidates == sorted(candidates)  # confirmed first, then worst first


def test_clean_data_does_not_fail() -> None:
    result = run(dataset(make_texts(300)))
    assert result.status == Status.PASS
    assert result.metrics["noise_rate"] < 0.02
    assert not any(f.caps for f in result.findings)
    assert result.metrics["probe_recall"] >= 0.8  # the detector finds flips planted here


def test_heavy_noise_caps_not_ready_and_moderate_caps_lora() -> None:
    heavy = run(dataset(flipped(1200, 0.25)[0]))
    assert "label_noise.rate_above_not_ready" in codes(heavy)
    assert min(f.caps for f in heavy.findings if f.caps) == Verdict.NOT_READY
    moderate = run(dataset(flipped(1200, 0.20)[0]))
    finding = next(f for f in moderate.findings if f.code == "label_noise.rate_above_fail")
    assert finding.caps == Verdict.LORA and finding.severity == Severity.FAIL
    # an unresolved range binds through its lower bound only, and says so
    assert moderate.metrics["estimate_resolved"] is False
    assert finding.observed == moderate.metrics["noise_rate_lo"]
    assert finding.message.startswith("at least")


def test_conflicting_duplicates_are_certain_noise() -> None:
    frame = make_texts(120)
    copies = frame.head(4).copy()
    copies["label"] = ["weather", "finance", "sports", "sports"]  # all differ from the originals
    copies.iloc[2, copies.columns.get_loc("label")] = "finance"
    result = run(dataset(pd.concat([frame, copies], ignore_index=True)))
    assert "label_noise.conflicting_duplicates" in codes(result)
    assert result.metrics["conflict_groups"] == 4
    # a tie (1 vs 1) cannot say which copy is right: both rows of each pair are flagged
    assert result.metrics["certain_n"] == 8
    certain = {r["row_id"] for r in result.tables["flagged"]
               if r["source"] == "conflicting_duplicate"}
    assert certain == {1, 2, 3, 4, 121, 122, 123, 124}
    assert certain <= set(result.excluded_rows)


def test_conflicts_found_without_a_proxy() -> None:
    data = dataset(pd.DataFrame({"text": ["same words", "same words", "other"],
                                 "label": ["a", "b", "a"]}))
    result = run(data)
    assert result.metrics["certain_n"] == 2
    assert "label_noise.no_proxy" in codes(result)
    assert set(result.excluded_rows) == {1, 2}


def test_unresolved_range_caps_nothing_and_cuts_only_confirmed_rows() -> None:
    frame, _ = flipped(600, 0.25)
    # an allowance as large as the data: no row is confirmed, only candidates remain
    result = run(dataset(frame), reject_allowance=0.9, max_range_width=0.01)
    assert result.metrics["estimate_resolved"] is False
    assert result.metrics["proxy_weak"] is True and result.weak_proxy is True
    assert result.metrics["noise_rate_lo"] == 0.0
    unresolved = next(f for f in result.findings if f.code == "label_noise.unresolved")
    assert unresolved.caps is None and "cannot tell hard rows from wrong labels" in \
        unresolved.message
    assert "review.csv" in (unresolved.remedy or "")
    assert not any(f.caps for f in result.findings)
    # its upper end passes the capping levels the lower bound does not: it blocks readiness
    # (fail closed) without lowering the verdict
    assert unresolved.blocks and unresolved.severity == Severity.FAIL
    assert result.status == Status.FAIL
    assert result.excluded_rows == []  # candidates stay in the effective size
    relaxed = run(dataset(frame), reject_allowance=0.9, max_range_width=0.01,
                  unresolved_blocks=False)
    finding = next(f for f in relaxed.findings if f.code == "label_noise.unresolved")
    assert not finding.blocks and finding.severity == Severity.WARN


def test_a_blocking_finding_makes_the_audit_not_ready_without_lowering_the_verdict(
        ) -> None:
    from tuneready.core.results import Finding
    from tuneready.decide.decision import decide

    policy = load_policy()
    size = CheckResult("size", Status.PASS, size_basis=SizeBasis(5000, 5000, 0))
    noise = CheckResult("label_noise", Status.FAIL, findings=[Finding(
        "label_noise.unresolved", Severity.FAIL, "cannot tell", blocks=True,
        remedy="review the 150 rows of review.csv")])
    rec = decide([size, noise], policy)
    assert rec.data_verdict == Verdict.FULL_FINE_TUNE and not rec.ready
    assert any(r.code == "label_noise.unresolved" for r in rec.reasons)
    assert "review the 150 rows of review.csv" in rec.would_change


def test_resolved_range_caps_by_its_point_estimate() -> None:
    frame, _ = flipped(1200, 0.25)
    result = run(dataset(frame), max_range_width=0.5)
    assert result.metrics["estimate_resolved"] is True
    finding = next(f for f in result.findings if f.code == "label_noise.rate_above_not_ready")
    assert finding.observed == result.metrics["noise_rate"] and "estimated" in finding.message


def test_certain_noise_binds_whatever_the_proxy() -> None:
    frame = make_texts(200)
    copies = frame.head(60).copy()
    copies["label"] = copies["label"].map({"sports": "weather", "weather": "finance",
                                           "finance": "sports"})
    result = run(dataset(pd.concat([frame, copies], ignore_index=True)),
                 max_range_width=0.0)
    assert result.metrics["certain_rate"] > 0.2
    assert result.metrics["noise_rate_lo"] >= result.metrics["certain_rate"]
    assert "label_noise.rate_above_not_ready" in codes(result)


def test_random_labels_are_not_ready_on_the_lower_bound_alone() -> None:
    rng = np.random.default_rng(3)
    frame = make_texts(400)
    frame["label"] = rng.choice(["x", "y"], size=400)
    result = run(dataset(frame))
    assert result.metrics["oof_accuracy"] < 0.65
    # labels unrelated to the text: the range is wide (nothing here tells a hard row from a
    # wrong one), but both views independently reject so many rows that even its lower
    # bound is above the not-ready level
    assert result.metrics["estimate_resolved"] is False
    assert result.metrics["noise_rate_lo"] > 0.2
    assert result.metrics["noise_rate_hi"] > 0.5
    finding = next(f for f in result.findings if f.code == "label_noise.rate_above_not_ready")
    assert finding.message.startswith("at least")


@pytest.mark.parametrize("labels", [["sports"] * 40, ["a"] * 39 + ["b"]])
def test_one_class_or_class_of_one(labels: list[str]) -> None:
    frame = make_texts(40)
    frame["label"] = labels
    result = run(dataset(frame))
    assert result.status in (Status.PASS, Status.WARN)
    assert not any(f.caps for f in result.findings)


def test_class_of_one_example_is_reported_unscored() -> None:
    frame = pd.concat([make_texts(60), pd.DataFrame({"text": ["lonely"], "label": ["rare"]})],
                      ignore_index=True)
    result = run(dataset(frame))
    assert "label_noise.rows_not_scored" in codes(result)
    assert result.metrics["scored_n"] == 60 and result.metrics["labelled_n"] == 61


def test_two_rows() -> None:
    result = run(dataset(make_texts(2)))
    assert result.status in (Status.PASS, Status.WARN)
    assert not any(f.caps for f in result.findings)
    assert result.metrics["labelled_n"] == 2


def test_unlabelled_rows_are_not_counted() -> None:
    frame, _ = flipped(200, 0.0)
    frame.loc[frame.index % 10 == 0, "label"] = None
    result = run(dataset(frame))
    assert result.metrics["labelled_n"] == 180
    assert result.metrics["scored_n"] == 180


def test_result_is_deterministic() -> None:
    frame, _ = flipped(200, 0.1)
    a, b = run(dataset(frame)), run(dataset(frame))
    assert a.to_dict() == b.to_dict()


def test_tables_escape_nothing_and_truncate_input() -> None:
    frame, _ = flipped(150, 0.1)
    frame.loc[:, "text"] = frame["text"] + " " + "long " * 100
    result = run(dataset(frame))
    assert all(len(r["input"]) <= 300 for r in result.tables["flagged"])
    by_class = {r["label"]: r for r in result.tables["by_class"]}
    assert sum(r["n"] for r in by_class.values()) == 150
    assert all(r["rate_lo"] <= r["rate"] <= r["rate_hi"] for r in by_class.values())
    assert all(p["given"] != p["likely"] for p in result.tables["confused_pairs"])
