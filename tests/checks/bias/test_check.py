"""The bias check: real disparities are flagged with both groups and intervals, chance is not.

Most tests replace the expensive shared evidence (proxy, label issues) with what the check
would read, so they stay fast and test the bias logic, not cleanlab.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for
from tuneready.checks.bias.check import BiasCheck
from tuneready.checks.bias.rates import compare_rates
from tuneready.checks.bias.run import judge
from tuneready.checks.bias.settings import BiasSettings
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Severity, Status, Verdict
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma"]


def policy(**overrides: Any) -> dict[str, Any]:
    params = load_policy().for_check("bias")
    params.update(overrides)
    return params


def group_frame(rates: dict[str | None, tuple[int, float]], seed: int = 0) -> pd.DataFrame:
    """Rows per group with exactly the given positive-label rate (shuffled); the text carries
    no group signal."""
    rng = np.random.default_rng(seed)
    rows = []
    for group, (n, rate) in rates.items():
        positives = round(n * rate)
        for label in rng.permutation(["pos"] * positives + ["neg"] * (n - positives)):
            rows.append({"text": " ".join(rng.choice(WORDS, 6)), "label": label,
                         "gender": group})
    return pd.DataFrame(rows)


def light_evidence(data: Dataset, issues: Any = None) -> Evidence:
    """Evidence without the proxy and the label-noise analysis (tested elsewhere)."""
    ev = evidence_for(data)
    ev.__dict__["proxy"] = None
    ev.__dict__["label_issues"] = issues
    return ev


def run(data: Dataset, ev: Evidence | None = None, **overrides: Any) -> CheckResult:
    return BiasCheck().run(data, ev or light_evidence(data), policy(**overrides))


def groups_table(result: CheckResult) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["attribute"], r["group"]): r for r in result.tables["groups"]}


# --- done-when: a real disparity is flagged, naming both groups with intervals ------------
def test_disparity_is_flagged_with_both_groups_and_intervals() -> None:
    data = dataset(group_frame({"female": (300, 0.8), "male": (300, 0.4)}))
    result = run(data)
    assert result.status == Status.WARN
    found = [f for f in result.findings if f.code == "bias.label_rate_disparity"]
    assert len(found) == 1
    msg = found[0].message
    assert "'female'" in msg and "'male'" in msg and msg.count("95% CI") == 2
    assert found[0].caps is None and found[0].severity == Severity.WARN
    assert "carry this disparity into the model" in (found[0].remedy or "")
    table = groups_table(result)
    female, male = table[("gender", "female")], table[("gender", "male")]
    assert female["status"] == male["status"] == "flagged"
    # the minority label overall is "neg": its rate is ~0.2 for female, ~0.6 for male
    assert female["label_rate_hi"] < male["label_rate_lo"]
    assert female["label_rate_lo"] <= female["label_rate"] <= female["label_rate_hi"]
    row_ids = set(data.frame["row_id"])
    assert set(found[0].rows) <= row_ids and found[0].n_rows == 600


def test_block_policy_fails_and_caps_not_ready() -> None:
    data = dataset(group_frame({"female": (300, 0.8), "male": (300, 0.4)}))
    result = run(data, block=True)
    assert result.status == Status.FAIL
    found = [f for f in result.findings if f.code == "bias.label_rate_disparity"]
    assert found[0].severity == Severity.FAIL and found[0].caps == Verdict.NOT_READY


def test_independent_labels_not_flagged_in_95_of_100_resamples() -> None:
    """The statistics function the check uses, on 100 seeded null datasets (n=300 each)."""
    params = policy()
    flagged = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        groups = pd.Series(["female"] * 300 + ["male"] * 300)
        labels = rng.random(600) < 0.6
        comparison = compare_rates("gender", "label_rate", labels, groups, 30, "pos")
        judge([comparison], BiasSettings.of(params))
        flagged += comparison.flagged
    assert flagged <= 5


def test_real_disparity_is_found_in_every_resample() -> None:
    """Power: the same function finds 0.8 vs 0.4 with n=300 each in all 20 resamples."""
    params = policy()
    hits = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        groups = pd.Series(["female"] * 300 + ["male"] * 300)
        labels = rng.random(600) < np.r_[np.full(300, 0.8), np.full(300, 0.4)]
        comparison = compare_rates("gender", "label_rate", labels, groups, 30, "pos")
        judge([comparison], BiasSettings.of(params))
        hits += comparison.flagged
    assert hits == 20


# --- small groups and missing values -----------------------------------------------------
def test_small_group_is_insufficient_evidence_not_judged() -> None:
    # the 12-row group has an extreme rate (all positive) but cannot be judged
    frame = group_frame({"a": (300, 0.5), "b": (300, 0.5), "tiny": (12, 1.0)})
    result = run(dataset(frame))
    table = groups_table(result)
    assert table[("gender", "tiny")]["status"] == "insufficient_evidence"
    insufficient = [f for f in result.findings if f.code == "bias.insufficient_evidence"]
    assert len(insufficient) == 1 and "gender='tiny' (12)" in insufficient[0].message
    assert insufficient[0].severity == Severity.INFO and insufficient[0].n_rows == 12
    assert not [f for f in result.findings if f.code == "bias.label_rate_disparity"]


def test_missing_group_values_become_unknown() -> None:
    frame = group_frame({"a": (100, 0.5), None: (40, 0.5), "b": (100, 0.5)})
    frame.loc[frame.index[:5], "gender"] = "  "
    result = run(dataset(frame))
    table = groups_table(result)
    assert table[("gender", "unknown")]["n"] == 45
    json.dumps(result.to_dict(), allow_nan=False)


def test_everything_small_is_not_a_pass_or_fail() -> None:
    result = run(dataset(group_frame({"a": (20, 0.9), "b": (20, 0.1)})))
    assert not [f for f in result.findings if f.severity != Severity.INFO]
    assert result.status == Status.SKIPPED and "insufficient evidence" in result.summary
    assert result.metrics["groups_insufficient"] == 2


# --- proxy errors and label noise by group ------------------------------------------------
def test_proxy_errors_and_noise_rates_by_group() -> None:
    frame = group_frame({"a": (300, 0.5), "b": (300, 0.5)}, seed=3)
    data = dataset(frame)
    rng = np.random.default_rng(0)
    y = (frame["label"] == "pos").to_numpy().astype(int)
    wrong = np.r_[rng.random(300) < 0.05, rng.random(300) < 0.35]  # b is badly taught
    pred = np.where(wrong, 1 - y, y)
    probs = np.c_[1 - pred, pred].astype(float)
    proxy = SimpleNamespace(index=np.arange(600), labels=y, pred_probs=probs,
                            classes=["neg", "pos"], oof_accuracy=float((pred == y).mean()))
    flags = np.r_[rng.random(300) < 0.02, rng.random(300) < 0.2]
    issues = SimpleNamespace(positions=np.arange(600), is_issue=flags,
                             quality=np.ones(600), conflict_positions=np.zeros(0, int))
    ev = light_evidence(data, issues)
    ev.__dict__["proxy"] = proxy
    result = run(data, ev)
    codes = {f.code for f in result.findings}
    assert {"bias.error_rate_disparity", "bias.noise_rate_disparity"} <= codes
    err = next(f for f in result.findings if f.code == "bias.error_rate_disparity")
    wrong_b = set(data.frame["row_id"].to_numpy()[300:][wrong[300:]])
    assert set(err.rows) <= wrong_b and err.n_rows == len(wrong_b)
    table = groups_table(result)
    assert table[("gender", "b")]["error_rate"] > table[("gender", "a")]["error_rate"]
    assert table[("gender", "b")]["noise_rate"] == pytest.approx(flags[300:].mean(), abs=1e-4)


def _badly_taught_b(seed: int = 3) -> tuple[Dataset, Evidence]:
    frame = group_frame({"a": (300, 0.5), "b": (300, 0.5)}, seed=seed)
    data = dataset(frame)
    rng = np.random.default_rng(0)
    y = (frame["label"] == "pos").to_numpy().astype(int)
    wrong = np.r_[rng.random(300) < 0.05, rng.random(300) < 0.35]
    pred = np.where(wrong, 1 - y, y)
    proxy = SimpleNamespace(index=np.arange(600), labels=y,
                            pred_probs=np.c_[1 - pred, pred].astype(float),
                            classes=["neg", "pos"], oof_accuracy=float((pred == y).mean()))
    ev = light_evidence(data, None)
    ev.__dict__["proxy"] = proxy
    return data, ev


def test_a_blocking_error_gap_caps_the_verdict_when_the_proxy_can_tell() -> None:
    data, ev = _badly_taught_b()
    result = run(data, ev, block=True)  # proxy accuracy about 0.8, above the 0.7 bar
    err = next(f for f in result.findings if f.code == "bias.error_rate_disparity")
    assert err.caps == Verdict.NOT_READY and not result.weak_proxy


def test_a_weak_proxy_gap_never_caps_the_verdict_and_lowers_confidence() -> None:
    data, ev = _badly_taught_b()
    result = run(data, ev, block=True, weak_proxy_accuracy=0.95)
    err = next(f for f in result.findings if f.code == "bias.error_rate_disparity")
    assert err.caps is None and err.severity == Severity.WARN
    assert "proxy model is weak" in err.message and "does not cap" in err.message
    assert result.weak_proxy
    representation = [f for f in result.findings if f.caps is not None]
    assert all(f.code not in ("bias.error_rate_disparity", "bias.recall_disparity")
               for f in representation)


def test_label_issues_missing_is_tolerated() -> None:
    data = dataset(group_frame({"a": (60, 0.5), "b": (60, 0.5)}))
    result = run(data, light_evidence(data, None))
    assert "gender.noise_rate.min_ratio" not in result.metrics
    assert result.status != Status.ERROR


# --- intersections and reference distributions ------------------------------------------
def test_intersection_and_reference() -> None:
    frame = group_frame({"female": (300, 0.5), "male": (300, 0.5)}, seed=5)
    frame["race"] = np.where(np.arange(600) % 3 == 0, "black", "white")
    data = dataset(frame, groups=("gender", "race"))
    result = run(data, intersect=[["gender", "race"]],
                 reference={"race": {"black": 0.5, "white": 0.5}})
    attrs = {r["attribute"] for r in result.tables["groups"]}
    assert attrs == {"gender", "race", "gender & race"}
    assert ("gender & race", "female & black") in groups_table(result)
    rep = [f for f in result.findings if f.code == "bias.representation_disparity"
           and f.message.startswith("race:")]
    assert len(rep) == 1 and "'black'" in rep[0].message and rep[0].severity == Severity.WARN
    assert "more rows of 'black'" in (rep[0].remedy or "")


def test_attribute_with_too_many_groups_is_not_compared() -> None:
    frame = group_frame({"a": (60, 0.5)})
    frame["gender"] = [f"id{i}" for i in range(60)]
    result = run(dataset(frame), max_groups=50)
    assert result.status == Status.SKIPPED and "more than 50 groups: gender (60)" in result.summary


def test_intersection_of_unknown_column_is_an_error() -> None:
    data = dataset(group_frame({"a": (40, 0.5)}))
    with pytest.raises(ValueError, match="unknown group column"):
        run(data, intersect=["gender*nope"])


# --- text without group columns ---------------------------------------------------------
def identity_text_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Comments where mentions of "muslim" are labelled toxic far more often."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kind = i % 3
        who = ["my muslim neighbour", "my christian neighbour", "my neighbour"][kind]
        rate = [0.7, 0.2, 0.2][kind]
        label = "toxic" if rng.random() < rate else "ok"
        rows.append({"text": f"{who} said " + " ".join(rng.choice(WORDS, 4)), "label": label})
    return pd.DataFrame(rows)


def test_identity_terms_give_groups_and_term_label_association() -> None:
    data = dataset(identity_text_frame())
    assert not data.group_columns
    result = run(data)
    assert "terms:religion" in {r["attribute"] for r in result.tables["groups"]}
    label = [f for f in result.findings if f.code == "bias.label_rate_disparity"]
    assert label and "'muslim'" in label[0].message
    terms = [f for f in result.findings if f.code == "bias.term_label_association"]
    assert terms and "'muslim'" in terms[0].message and "'toxic'" in terms[0].message
    row = next(r for r in result.tables["terms"] if r["term"] == "muslim"
               and r["label"] == "toxic")
    assert row["npmi"] > 0.1 and row["count"] == 200


def test_lexicon_never_skips_text_without_groups() -> None:
    result = run(dataset(identity_text_frame(90)), lexicon="never")
    assert result.status == Status.SKIPPED


def test_free_form_refusals_by_derived_group() -> None:
    rng = np.random.default_rng(2)
    records = []
    for i in range(480):
        who = "a gay couple" if i % 2 else "a couple"
        refuse = rng.random() < (0.5 if i % 2 else 0.05)
        answer = ("I'm sorry, I can't help with that." if refuse
                  else f"Here is a plan with {i % 7 + 3} steps: " + " ".join(WORDS))
        records.append({"prompt": f"Plan a trip for {who} number {i}", "completion": answer})
    data = dataset(pd.DataFrame(records))
    assert not data.has_labels
    result = run(data)
    refusal = [f for f in result.findings if f.code == "bias.refusal_rate_disparity"]
    assert refusal and "lesbian, gay, bisexual, queer" in refusal[0].message
    table = groups_table(result)
    assert table[("terms:sexual_orientation", "lesbian, gay, bisexual, queer")][
        "refusal_rate"] > 0.3


def test_result_is_deterministic() -> None:
    frame = group_frame({"female": (100, 0.7), "male": (100, 0.4)})
    first = run(dataset(frame)).to_dict()
    second = run(dataset(frame)).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_cli_intersect_reaches_the_check(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from tuneready.cli import app

    frame = group_frame({"female": (40, 0.5), "male": (40, 0.5)})
    frame["race"] = np.where(np.arange(80) % 2 == 0, "black", "white")
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(app, [
        "audit", str(path), "--text", "text", "--label", "label", "--group", "gender",
        "--group", "race", "--intersect", "gender*race", "--check", "bias", "--json",
        "--out", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    audit = json.loads(result.stdout)
    bias = next(c for c in audit["checks"] if c["name"] == "bias")
    assert bias["params"]["intersect"] == ["gender*race"]
    assert "gender & race" in {r["attribute"] for r in bias["tables"]["groups"]}


def test_cli_unknown_intersection_is_a_usage_error(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from tuneready.cli import app

    path = tmp_path / "d.csv"
    group_frame({"female": (20, 0.5), "male": (20, 0.5)}).to_csv(path, index=False)
    result = CliRunner().invoke(app, ["audit", str(path), "--group", "gender", "--intersect",
                                      "gender*race", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "'race' is not a group column" in result.output


# --- other languages ----------------------------------------------------------------------
def chinese_text_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Chinese comments that carry an English identity term now and then (names of things,
    quoted words): the English lexicon would find only those."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        who = ["我的邻居说 muslim 这个词", "我的邻居说 christian 这个词", "我的邻居今天说"][i % 3]
        label = "toxic" if rng.random() < [0.7, 0.2, 0.2][i % 3] else "ok"
        rows.append({"text": f"{who}，他们讨论了天气变化和城市交通的问题。", "label": label})
    return pd.DataFrame(rows)


def test_identity_groups_are_not_derived_from_chinese_text() -> None:
    """The English lexicon would find 'muslim' in a few stray words and compare them with
    every other row; on text that is not English it is not read, and the check says why."""
    data = dataset(chinese_text_frame())
    result = run(data)
    assert result.status == Status.SKIPPED
    assert "identity-term groups: not measured" in result.summary
    assert "zh" in result.summary and "English-only identity-term lexicon" in result.summary
    assert not [f for f in result.findings if f.code.startswith("bias.")
                and f.severity != "info"]


def test_identity_terms_are_read_in_english_rows_only() -> None:
    english = identity_text_frame(570)
    english["text"] = english["text"].str.replace(
        " said ", " said that the weather was lovely and the park was busy today, ")
    frame = pd.concat([english, chinese_text_frame(30, seed=1)], ignore_index=True)
    data = dataset(frame)
    result = run(data)
    assert "identity terms judged on the 570 inputs in English; 30 not in English left out" \
        in result.summary
    english_muslim = int(frame["text"].iloc[:570].str.contains("muslim").sum())
    row = next(r for r in result.tables["groups"] if r["attribute"] == "terms:religion"
               and r["group"] == "muslim")
    assert row["n"] == english_muslim
