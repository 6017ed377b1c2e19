"""label_noise check: planted flips are found, clean data passes, weak proxies do not fail, and
only certain evidence (conflicting copies, a reviewer's labels) caps the verdict or cuts rows."""

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
from tuneready.io.review_file import Answer, Matched, input_hash, match


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


def run(data: Dataset, review: Matched | None = None, **overrides: object) -> CheckResult:
    policy = load_policy()
    policy.data["label_noise"].update(overrides)
    evidence = evidence_for(data)
    evidence.noise_settings = NoiseSettings.from_policy(policy.for_check("label_noise"), review)
    result = run_one(get_check("label_noise"), data, evidence, policy)
    assert result.status != Status.ERROR, result.error
    return result


def answered(data: Dataset, result: CheckResult, correct: dict[int, str],
             keep: int = 0) -> Matched:
    """The review sample of ``result`` answered from the truth (row id -> right label), except
    that the reviewer keeps the given label of the first ``keep`` rows it would change."""
    sample = result.tables["review_sample"]
    answers, kept = [], 0
    for line, r in enumerate(sample, start=2):
        label = correct[r["row_id"]]
        if label != r["given_label"] and kept < keep:
            label, kept = r["given_label"], kept + 1
        answers.append(Answer(line, str(r["row_id"]), r["input_hash"], label))
    classes = sorted(str(v) for v in data.frame["label"].dropna().unique())
    return match(answers, data.frame, classes, "review.csv")


def truth_of(n: int, seed: int = 0) -> dict[int, str]:
    """Row id -> the label ``make_texts`` gave before any flip."""
    return {i + 1: str(v) for i, v in enumerate(make_texts(n, seed=seed)["label"])}


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def test_planted_flips_are_found_and_stay_as_candidates() -> None:
    frame, truth = flipped(300, 0.08)
    result = run(dataset(frame))
    flagged = {r["row_id"] for r in result.tables["flagged"]}
    assert len(flagged & truth) / len(truth) >= 0.9  # recall
    assert len(flagged & truth) / len(flagged) >= 0.9  # precision
    m = result.metrics
    assert 0.05 <= m["noise_rate"] <= 0.11
    assert m["noise_rate_lo"] <= m["noise_rate"] <= m["noise_rate_hi"]
    assert m["noise_rate_lo"] <= len(truth) / 300 <= m["noise_rate_hi"]
    # nothing is certain here (no conflicting copies): the lower bound is 0, nothing caps,
    # and the candidates (even those both views reject) stay in the effective size
    assert m["noise_rate_lo"] == 0.0 and m["certain_n"] == 0
    assert not any(f.caps for f in result.findings)
    assert result.excluded_rows == [] and m["excluded_n"] == 0
    assert m["rejected_by_both_views"] > 0
    table = result.tables["flagged"]
    assert all(r["given"] != r["likely"] for r in table)
    sources = [r["source"] for r in table]
    first = sources.count("rejected_by_both_views")
    assert first == m["rejected_by_both_views"]
    assert sources[:first] == ["rejected_by_both_views"] * first  # reviewed first
    candidates = [r["quality"] for r in table if r["source"] == "candidate"]
    assert candidates == sorted(candidates)  # then worst first
    finding = next(f for f in result.findings if f.code == "label_noise.candidates")
    assert finding.caps is None and finding.n_rows == len(flagged)
    assert "unmeasured here" in finding.message


def test_every_flagged_row_is_a_flagged_row_with_words_not_text() -> None:
    frame, _ = flipped(300, 0.08)
    data = dataset(frame)
    result = run(data)
    rows = result.flagged
    assert {r.row_id for r in rows} == {r["row_id"] for r in result.tables["flagged"]}
    text_of = dict(zip(data.frame["row_id"], data.frame["input"], strict=True))
    label_of = dict(zip(data.frame["row_id"], data.frame["label"], strict=True))
    for r in rows:
        assert r.check == "label_noise" and r.finding == "label_noise.candidates"
        assert r.type in ("label_noise.rejected", "label_noise.candidate")
        assert r.input_hash == input_hash(text_of[r.row_id])
        assert r.evidence.startswith(f"given {label_of[r.row_id]}, likely ")
        assert "p(given) 0." in r.evidence
        assert text_of[r.row_id] not in r.evidence and text_of[r.row_id] not in r.reason
        assert not r.removed and r.precision.startswith("unmeasured here")
    rejected = [r for r in rows if r.type == "label_noise.rejected"]
    assert rejected and all("rejected by both views" in r.evidence for r in rejected)
    assert all(r.reason == "both independent views of the input reject the given label"
               for r in rejected)


def test_clean_data_does_not_fail() -> None:
    result = run(dataset(make_texts(300)))
    assert result.status == Status.PASS
    assert result.metrics["noise_rate"] < 0.02
    assert not any(f.caps for f in result.findings)
    assert result.metrics["probe_recall"] >= 0.8  # the detector finds flips planted here


def test_heavy_noise_blocks_without_a_review_and_caps_once_reviewed() -> None:
    frame, _ = flipped(1200, 0.25)
    data = dataset(frame)
    heavy = run(data)
    # the proxy alone caps nothing: the range's upper end passes the capping levels, so
    # readiness is blocked (fail closed) until a review measures the rate
    assert not any(f.caps for f in heavy.findings)
    unresolved = next(f for f in heavy.findings if f.code == "label_noise.unresolved")
    assert unresolved.blocks and heavy.metrics["noise_rate_hi"] >= 0.25
    reviewed = run(data, review=answered(data, heavy, truth_of(1200)))
    assert reviewed.metrics["range_basis"] == "review"
    finding = next(f for f in reviewed.findings
                   if f.code == "label_noise.rate_above_not_ready")
    assert finding.caps == Verdict.NOT_READY and "measured by a review" in finding.message
    assert finding.observed == reviewed.metrics["noise_rate"]
    assert "label_noise.unresolved" not in codes(reviewed)
    moderate = flipped(1200, 0.20)[0]
    data = dataset(moderate)
    first = run(data)
    second = run(data, review=answered(data, first, truth_of(1200)))
    lo, hi = second.metrics["noise_rate_lo"], second.metrics["noise_rate_hi"]
    assert lo <= 0.2 <= hi
    caps = [f.caps for f in second.findings if f.caps]
    assert caps and min(caps) in (Verdict.LORA, Verdict.NOT_READY)


def test_a_review_measures_each_candidate_type_and_lets_precise_ones_act() -> None:
    frame, truth = flipped(1200, 0.25)
    data = dataset(frame)
    first = run(data)
    review = answered(data, first, truth_of(1200))
    result = run(data, review=review)
    by_type: dict[str, list] = {}
    for row in result.flagged:
        by_type.setdefault(row.type, []).append(row)
    relabelled = {r.row_id for r in by_type["label_noise.relabelled"]}
    assert relabelled and relabelled <= truth
    assert all(r.removed and r.precision == "certain (by definition)"
               for r in by_type["label_noise.relabelled"])
    assert "label_noise.relabelled" in codes(result)
    measured = [t for t in ("label_noise.rejected", "label_noise.candidate")
                if t in by_type and by_type[t][0].precision.startswith("precision on your")]
    assert measured  # the review answered enough rows of at least one type
    excluded = set(result.excluded_rows)
    for kind in measured:
        rows = by_type[kind]
        value = float(rows[0].precision.split()[4])
        assert all(r.removed == (value >= 0.9) for r in rows)
        assert all((r.row_id in excluded) == r.removed for r in rows)
    # a reviewer who keeps a few flagged labels measures a precision below 1: a requirement
    # of 1 then keeps every candidate, and only the reviewer's labels cut rows
    strict = run(data, review=answered(data, first, truth_of(1200), keep=6),
                 exclude_min_precision=1.0)
    kept = [r for r in strict.flagged if r.type in ("label_noise.rejected",
                                                    "label_noise.candidate")]
    assert kept and not any(r.removed for r in kept)
    assert set(strict.excluded_rows) == {r.row_id for r in strict.flagged if r.removed}


def test_clean_hard_rows_are_candidates_never_cut_or_capped() -> None:
    """Truth 0: a third of the rows mix the vocabularies (hard, but rightly labelled)."""
    frame = make_texts(600, seed=2)
    rng = np.random.default_rng(2)
    words = ["match", "goal", "rain", "sunny", "stock", "bank"]  # sports, weather, finance
    for i in rng.choice(600, size=200, replace=False):
        frame.at[i, "text"] = " ".join(rng.choice(words, size=6)) + f" w{i}"
    result = run(dataset(frame))
    assert result.metrics["flagged_n"] > 0
    assert result.metrics["noise_rate_lo"] == 0.0
    assert result.excluded_rows == []
    assert not any(f.caps for f in result.findings)
    assert all(not r.removed for r in result.flagged)


def test_conflicting_duplicates_are_certain_noise() -> None:
    frame = make_texts(120)
    copies = frame.head(4).copy()
    copies["label"] = ["weather", "finance", "sports", "sports"]  # all differ from the originals
    copies.iloc[2, copies.columns.get_loc("label")] = "finance"
    result = run(dataset(pd.concat([frame, copies], ignore_index=True)))
    assert "label_noise.conflicting_duplicates" in codes(result)
    assert result.metrics["conflict_groups"] == 4
    # a tie (1 vs 1) cannot say which copy is right: both rows of each pair are flagged and
    # leave the effective size, but only one label of each pair is certainly wrong
    assert result.metrics["certain_n"] == 4
    assert result.metrics["noise_rate_lo"] == pytest.approx(4 / 124, abs=1e-4)
    certain = {r["row_id"] for r in result.tables["flagged"]
               if r["source"] == "conflicting_duplicate"}
    assert certain == {1, 2, 3, 4, 121, 122, 123, 124}
    assert certain <= set(result.excluded_rows)
    rows = [r for r in result.flagged if r.type == "label_noise.conflict"]
    assert {r.row_id for r in rows} == certain
    assert all(r.removed and r.precision == "certain (by definition)"
               and r.finding == "label_noise.conflicting_duplicates" for r in rows)
    assert all("a copy of this input carries another label" in r.evidence for r in rows)
    finding = next(f for f in result.findings if f.code == "label_noise.conflicting_duplicates")
    assert "certain (by definition)" in finding.message


def test_conflicts_found_without_a_proxy() -> None:
    data = dataset(pd.DataFrame({"text": ["same words", "same words", "other"],
                                 "label": ["a", "b", "a"]}))
    result = run(data)
    assert result.metrics["certain_n"] == 1  # a 1-1 tie: one of the two labels is wrong
    assert "label_noise.no_proxy" in codes(result)
    assert set(result.excluded_rows) == {1, 2}
    # nothing measured what a detector would miss: the range says so instead of guessing
    assert result.metrics["noise_rate_hi"] == 1.0 and result.metrics["range_widened"] != "no"


def test_unresolved_range_caps_nothing_and_cuts_nothing() -> None:
    frame, _ = flipped(600, 0.25)
    result = run(dataset(frame), max_range_width=0.01)
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
    relaxed = run(dataset(frame), max_range_width=0.01, unresolved_blocks=False)
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


def test_a_resolved_proxy_range_still_caps_only_on_certain_evidence() -> None:
    frame, _ = flipped(1200, 0.25)
    result = run(dataset(frame), max_range_width=0.5)
    assert result.metrics["estimate_resolved"] is True
    # the point estimate is the proxy's alone: it is reported, never held to the levels
    assert not any(f.caps for f in result.findings)
    assert not any(f.code.startswith("label_noise.rate_above") for f in result.findings)
    assert next(f for f in result.findings if f.code == "label_noise.unresolved").blocks


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


def test_random_labels_block_but_never_cap_on_the_proxy_alone() -> None:
    rng = np.random.default_rng(3)
    frame = make_texts(400)
    frame["label"] = rng.choice(["x", "y"], size=400)
    result = run(dataset(frame))
    assert result.metrics["oof_accuracy"] < 0.65
    # labels unrelated to the text: nothing here tells a hard row from a wrong one and the
    # detector finds few planted flips, so the range is wide; with no certain evidence its
    # lower bound is 0 and only the blocking finding speaks
    assert result.metrics["estimate_resolved"] is False
    assert result.metrics["noise_rate_lo"] == 0.0
    assert result.metrics["noise_rate_hi"] > 0.5
    assert not any(f.caps for f in result.findings)
    finding = next(f for f in result.findings if f.code == "label_noise.unresolved")
    assert finding.blocks and result.status == Status.FAIL


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


def test_review_sample_names_its_strata_and_survives_a_review() -> None:
    """Each sampled row says which stratum it is drawn from and how large that stratum is (the
    report's review panel computes ``--review``'s estimate from them), flagged rows their
    type; the audit after a review draws the same rows and carries the answers given."""
    frame, _ = flipped(1200, 0.25)
    data = dataset(frame)
    first = run(data)
    m, sample = first.metrics, first.tables["review_sample"]
    flagged = [r for r in sample if r["stratum"] == "label_noise.flagged"]
    unflagged = [r for r in sample if r["stratum"] == "label_noise.unflagged"]
    assert len(flagged) == m["review_rows_flagged"] > 0
    assert len(unflagged) == m["review_rows_unflagged"] > 0
    assert len(flagged) + len(unflagged) == len(sample)
    assert {r["stratum_size"] for r in flagged} == {m["flagged_n"]}
    assert {r["stratum_size"] for r in unflagged} == {m["labelled_n"] - m["flagged_n"]}
    sources = {r["row_id"]: r["source"] for r in first.tables["flagged"]}
    kinds = {"rejected_by_both_views": "label_noise.rejected",
             "candidate": "label_noise.candidate",
             "conflicting_duplicate": "label_noise.conflict"}
    assert all(r["type"] == kinds[sources[r["row_id"]]] for r in flagged)
    assert {r["type"] for r in unflagged} == {""}
    assert all(r["correct_label"] == "" for r in sample)
    truth = truth_of(1200)
    review = answered(data, first, truth)
    second = run(data, review=review)
    again = second.tables["review_sample"]
    assert [r["row_id"] for r in again] == [r["row_id"] for r in sample]
    assert [r["stratum"] for r in again] == [r["stratum"] for r in sample]
    assert all(r["correct_label"] == truth[r["row_id"]] for r in again)
