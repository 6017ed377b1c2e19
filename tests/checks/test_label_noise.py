"""label_noise check: planted flips are found, clean data passes, weak proxies do not fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for, make_texts
from tuneready.checks import get_check
from tuneready.io.dataset import Dataset
from tuneready.model import CheckResult, Severity, Status, Verdict
from tuneready.policy import load_policy
from tuneready.runner import run_one


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
    result = run_one(get_check("label_noise"), data, evidence_for(data), policy)
    assert result.status != Status.ERROR, result.error
    return result


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def test_planted_flips_are_found_and_leave_effective_size() -> None:
    frame, truth = flipped(300, 0.08)
    result = run(dataset(frame))
    flagged = set(result.excluded_rows)
    assert len(flagged & truth) / len(truth) >= 0.9  # recall
    assert len(flagged & truth) / len(flagged) >= 0.9  # precision
    assert result.status == Status.WARN
    warn = next(f for f in result.findings if f.code == "label_noise.rate_above_warn")
    assert warn.caps is None
    assert warn.remedy == f"relabel the {len(flagged)} rows flagged, or prefer LoRA/prompting"
    assert 0.05 <= result.metrics["noise_rate"] <= 0.11
    assert result.metrics["noise_rate_lo"] < result.metrics["noise_rate"] \
        < result.metrics["noise_rate_hi"]
    assert result.metrics["proxy_weak"] is False
    table = result.tables["flagged"]
    assert {r["row_id"] for r in table} == flagged
    assert all(r["given"] != r["likely"] for r in table)
    qualities = [r["quality"] for r in table]
    assert qualities == sorted(qualities)  # worst first


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
    moderate = run(dataset(flipped(1200, 0.17)[0]))
    finding = next(f for f in moderate.findings if f.code == "label_noise.rate_above_fail")
    assert finding.caps == Verdict.LORA and finding.severity == Severity.FAIL


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


def test_weak_proxy_reports_an_upper_bound_and_caps_nothing() -> None:
    frame, _ = flipped(600, 0.25)
    result = run(dataset(frame), weak_accuracy=0.99)  # demand more than any proxy gives
    assert result.metrics["proxy_weak"] is True
    assert "label_noise.proxy_weak" in codes(result)
    bound = next(f for f in result.findings if f.code == "label_noise.estimate_upper_bound")
    assert "at most" in bound.message and bound.caps is None
    assert not any(f.caps for f in result.findings)
    assert result.status == Status.WARN
    assert result.excluded_rows == []  # only certain noise leaves the effective size
    assert result.summary.startswith("at most")


def test_weak_proxy_still_binds_on_certain_noise() -> None:
    frame = make_texts(200)
    copies = frame.head(60).copy()
    copies["label"] = copies["label"].map({"sports": "weather", "weather": "finance",
                                           "finance": "sports"})
    result = run(dataset(pd.concat([frame, copies], ignore_index=True)), weak_accuracy=0.99)
    assert result.metrics["certain_rate"] > 0.2
    assert "label_noise.rate_above_not_ready" in codes(result)


def test_random_labels_make_a_weak_proxy() -> None:
    rng = np.random.default_rng(3)
    frame = make_texts(400)
    frame["label"] = rng.choice(["x", "y"], size=400)
    result = run(dataset(frame))
    assert result.metrics["oof_accuracy"] < 0.65
    # labels unrelated to the text: the planted flips are not found, so the proxy is weak and
    # the (large) estimate is an upper bound that caps nothing
    assert result.metrics["probe_recall"] < 0.6
    assert result.metrics["proxy_weak"] is True
    assert not any(f.caps for f in result.findings)


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
    assert result.status == Status.PASS
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
