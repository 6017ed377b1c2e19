"""``select``: which rows change, under which code, and which row of a cluster stays."""

from __future__ import annotations

import pytest

from tuneready.config.errors import InputError
from tuneready.fix.plan import (
    KEPT_COMPLETE,
    KEPT_FIRST,
    Action,
    Cluster,
    FixOptions,
    RowFlag,
    Targets,
    select,
)


def _targets() -> Targets:
    return Targets(
        flags=[RowFlag(2, "schema.invalid_json", "invalid JSON"),
               RowFlag(5, "schema.empty_target", "q5", "a"),
               RowFlag(7, "duplicates.eval_leakage", "q7", "a", other=3),
               RowFlag(9, "label_noise.reviewed", "q9", "a", likely="b"),
               RowFlag(10, "label_noise.flagged", "q10", "a", likely="b", probability=0.99),
               RowFlag(11, "label_noise.flagged", "q11", "a", likely="b", probability=0.6),
               RowFlag(12, "answers.empty", "q12")],
        clusters=[Cluster((1, 3, 4), (5, 5, 5), frozenset({3})),
                  Cluster((6, 8), (3, 40)),
                  Cluster((7, 13), (9, 9))],
        info={1: ("q1", "a"), 3: ("q1", "a"), 4: ("q1!", "a"), 6: ("q6", "a"),
              8: ("q6.", "a"), 7: ("q7", "a"), 13: ("q7", "a")})


def test_defaults_drop_broken_repeats_and_leaks_and_apply_the_review() -> None:
    plan = select(_targets(), FixOptions())
    got = {r: (c.action, c.code) for r, c in plan.changes.items()}
    assert got == {2: (Action.DROP, "schema.invalid_json"),
                   5: (Action.DROP, "schema.empty_target"),
                   7: (Action.DROP, "duplicates.eval_leakage"),
                   3: (Action.DROP, "size.exact_duplicates"),
                   4: (Action.DROP, "duplicates.redundant_rows"),
                   6: (Action.DROP, "duplicates.redundant_rows"),
                   9: (Action.RELABEL, "label_noise.reviewed")}
    assert plan.changes[9].label_before == "a" and plan.changes[9].label_after == "b"
    assert (plan.changes[3].kept_row, plan.changes[3].kept_reason) == (1, KEPT_FIRST)
    assert plan.changes[4].excerpt == "q1!"
    # the longer answer stays, and says why
    assert (plan.changes[6].kept_row, plan.changes[6].kept_reason) == (8, KEPT_COMPLETE)
    # row 7 leaked and went, so row 13 is its cluster's survivor and stays
    assert 13 not in plan.changes


def test_relabel_only_above_the_threshold() -> None:
    plan = select(_targets(), FixOptions(relabel_flagged=True))
    assert plan.changes[10].action == Action.RELABEL and plan.changes[10].label_after == "b"
    assert plan.changes[10].probability == 0.99
    assert 11 not in plan.changes
    low = select(_targets(), FixOptions(relabel_flagged=True, relabel_min_probability=0.5))
    assert low.changes[11].action == Action.RELABEL


def test_drop_flagged_and_bad_answers_are_opt_in() -> None:
    plan = select(_targets(), FixOptions(drop_flagged=True, drop_bad_answers=True))
    assert {plan.changes[r].action for r in (10, 11, 12)} == {Action.DROP}
    assert plan.changes[9].action == Action.RELABEL  # a reviewed row is never dropped


def test_keep_and_only_choose_codes() -> None:
    kept = select(_targets(), FixOptions(keep=["duplicates"]))
    assert not any(c.code.startswith("duplicates.") for c in kept.changes.values())
    assert 3 in kept.changes  # size.exact_duplicates is another check's code
    only = select(_targets(), FixOptions(only=["schema.invalid_json"]))
    assert set(only.changes) == {2}


def test_no_relabel_when_labels_are_answers() -> None:
    targets = _targets()
    targets.relabel_possible = False
    assert not any(c.action == Action.RELABEL
                   for c in select(targets, FixOptions(relabel_flagged=True)).changes.values())


@pytest.mark.parametrize("options", [FixOptions(keep=["nope"]), FixOptions(only=["schema.x"]),
                                     FixOptions(drop_flagged=True, relabel_flagged=True),
                                     FixOptions(relabel_min_probability=1.5)])
def test_bad_options_are_input_errors(options: FixOptions) -> None:
    with pytest.raises(InputError):
        options.validate()


def test_a_row_reviewed_as_right_stays_whatever_the_flags() -> None:
    targets = Targets(flags=[RowFlag(14, "label_noise.reviewed", "q", "a", likely="a")])
    for options in (FixOptions(drop_flagged=True), FixOptions(relabel_flagged=True)):
        assert select(targets, options).changes == {}
