"""What acts on answers: only empty answers without a review; with one, each type's precision
is measured on this data and acts only when the policy's requirement is met; reviewed rows
act as the reviewer said; partial reviews count."""

from __future__ import annotations

from tests.checks.answers.helpers import chat, good, policy
from tests.conftest import dataset, evidence_for
from tuneready.checks.answers.acting import decide, precision_of
from tuneready.checks.answers.detect import detect_all
from tuneready.checks.answers.result import answers_result
from tuneready.config.policy import load_policy
from tuneready.io.answer_review import MatchedVerdicts, ReviewedAnswer

CUT = "Recursion is when a function calls itself, and"
REFUSAL = "I'm sorry, but I can't help with that request."


def fixture(n_cut: int = 14, n_refusal: int = 4) -> tuple:
    rows = [good(i) for i in range(60)]
    rows += [(f"Explain topic {i} in detail", CUT) for i in range(n_cut)]
    rows += [(f"Write a poem about {i}", REFUSAL) for i in range(n_refusal)]
    rows += [("Anything else?", "")]
    data = dataset(chat(rows), target_label_max=0)
    found = detect_all(data, evidence_for(data), policy())
    return data, found


def verdicts(found, kind: str, answers: list[str]) -> MatchedVerdicts:
    positions = [f.position for f in found.flags if f.type == kind]
    return MatchedVerdicts({p: ReviewedAnswer(f"answers.{kind}", v)
                            for p, v in zip(positions, answers, strict=False)})


def cut_type(found) -> str:
    return next(f.type for f in found.flags if f.kind == "truncated")


def test_without_review_only_certain_types_act() -> None:
    _data, found = fixture()
    act = decide(found, None, 0.9)
    empties = {f.position for f in found.flags if f.kind == "empty"}
    assert act.removed == empties
    assert act.precisions["empty"].basis == "certain"
    assert act.precisions[cut_type(found)].basis == "unmeasured"
    assert act.upper_n == len(empties) + sum(f.kind == "truncated" for f in found.flags)


def test_a_type_measured_precise_enough_acts_on_its_unreviewed_rows() -> None:
    _data, found = fixture()
    kind = cut_type(found)
    review = verdicts(found, kind, ["defect"] * 10)  # 10 of 14 reviewed, all confirmed
    act = decide(found, review, 0.9)
    p = act.precisions[kind]
    assert (p.basis, p.value, p.reviewed, p.confirmed) == ("measured", 1.0, 10, 10)
    assert 0.6 < p.lo < 0.8 and p.hi == 1.0  # Wilson at n = 10
    cuts = {f.position for f in found.flags if f.type == kind}
    assert cuts <= act.removed
    assert "precision on your data 1.00" in p.text() and "10 reviewed" in p.text()


def test_too_few_or_imprecise_verdicts_leave_the_candidates_in_place() -> None:
    _data, found = fixture()
    kind = cut_type(found)
    few = decide(found, verdicts(found, kind, ["defect"] * 5), 0.9)  # partial review
    reviewed = set(verdicts(found, kind, ["defect"] * 5).by_position)
    cuts = {f.position for f in found.flags if f.type == kind}
    assert few.removed & cuts == reviewed  # the confirmed rows leave, the rest wait
    mixed = decide(found, verdicts(found, kind, ["defect"] * 7 + ["ok"] * 5), 0.9)
    assert mixed.precisions[kind].value == 7 / 12
    assert mixed.removed & cuts == {p for p, v in verdicts(
        found, kind, ["defect"] * 7 + ["ok"] * 5).by_position.items() if v.verdict == "defect"}


def test_a_refusal_leaves_only_by_a_reviewers_verdict() -> None:
    _data, found = fixture()
    review = verdicts(found, "refusal", ["defect", "ok"])
    act = decide(found, review, 0.9)
    refusals = [f.position for f in found.flags if f.kind == "refusal"]
    assert refusals[0] in act.removed and not set(refusals[1:]) & act.removed


def test_a_verdict_on_a_row_flagged_otherwise_applies_but_measures_nothing() -> None:
    _data, found = fixture()
    refusal = next(f.position for f in found.flags if f.kind == "refusal")
    review = MatchedVerdicts({refusal: ReviewedAnswer("answers.off_topic.static_vectors",
                                                      "defect")})
    act = decide(found, review, 0.9)
    assert refusal in act.removed and act.off_stratum == 1
    assert act.precisions["refusal"].basis == "unmeasured"


def test_the_review_moves_the_effective_size_and_the_result_says_so() -> None:
    data, found = fixture(n_cut=30)
    kind = cut_type(found)
    cfg = policy()
    before = answers_result("answers", data, found, load_policy(), cfg)
    after = answers_result("answers", data, found, load_policy(), cfg,
                           review=verdicts(found, kind, ["defect"] * 12))
    assert len(after.excluded_rows) == len(before.excluded_rows) + 30
    assert after.metrics["precision_by_type"][kind]["basis"] == "measured"
    finding = next(f for f in after.findings if f.code == "answers.truncated")
    assert "precision on your data 1.00" in finding.message and "30 removed" in finding.message
    assert {r.row_id for r in after.flagged if r.removed} == set(after.excluded_rows)
    sample = after.tables["review_sample"]
    assert sum(r["verdict"] == "defect" for r in sample) == 12  # prefilled from the review


def test_candidates_that_could_cross_a_capping_level_block_until_reviewed() -> None:
    data, found = fixture(n_cut=20)  # 20 candidates of 81 rows: up to 26 %
    result = answers_result("answers", data, found, load_policy(), policy())
    unresolved = next(f for f in result.findings if f.code == "answers.unresolved")
    assert unresolved.blocks and unresolved.caps is None
    assert "review.csv" in (unresolved.remedy or "")
    kind = cut_type(found)
    ok = verdicts(found, kind, ["ok"] * 20)
    resolved = answers_result("answers", data, found, load_policy(), policy(), review=ok)
    assert not any(f.code == "answers.unresolved" for f in resolved.findings)


def test_precision_of_counts_defects() -> None:
    p = precision_of("canned", ["defect", "ok", "defect", "defect"])
    assert (p.value, p.reviewed, p.confirmed) == (0.75, 4, 3)
    assert precision_of("empty", []).basis == "certain"
    assert precision_of("canned", []).basis == "unmeasured"
