"""The forked side lane: same results as running in-process, and a safe fallback."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset, make_texts
from tuneready.checks import all_checks, spec_of
from tuneready.checks.contract import CheckSpec
from tuneready.config.policy import CheckPolicy, load_policy
from tuneready.core.results import CheckResult, Status
from tuneready.engine import lanes
from tuneready.engine.runner import run_checks, run_one
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the side lane forks on Linux")
POLICY = load_policy(None)


def _as_json(results: list[CheckResult]) -> list[str]:
    return [json.dumps(r.to_dict(), sort_keys=True, default=str) for r in results]


def _names(checks: list) -> list[str]:
    return [c.name for c in checks]


def test_partition_keeps_small_sets_in_process() -> None:
    checks = all_checks(None)
    plan = lanes.partition(checks, lanes.MIN_ROWS - 1)
    assert plan.side == [] and plan.late == [] and _names(plan.main) == _names(checks)


@linux_only
def test_partition_forks_model_free_checks_first_and_duplicates_bias_late(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lanes.SERIAL_ENV, raising=False)
    plan = lanes.partition(all_checks(None), lanes.MIN_ROWS)
    assert _names(plan.side) == ["schema", "size", "prompts", "privacy"]
    # duplicates reads the sentence vectors the label-noise proxy computes: forked after it
    assert _names(plan.late) == ["duplicates", "bias"]
    assert _names(plan.main) == ["label_noise", "answers", "domain"]
    assert {k: _names(v) for k, v in plan.after.items()} == {
        "label_noise": ["duplicates", "bias"]}
    monkeypatch.setenv(lanes.SERIAL_ENV, "1")
    assert lanes.partition(all_checks(None), lanes.MIN_ROWS).side == []


class ReadsEmbedding:
    """A check declaring the embedding (which only the domain check computes before it)."""

    spec: ClassVar[CheckSpec] = replace(spec_of("bias"), name="late_reader",
                                        needs=frozenset({"embedding"}))
    name: ClassVar[str] = "late_reader"


@linux_only
def test_lanes_follow_declared_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No name list: a check is forked after the parent check that computes what it reads,
    and stays in the parent when nothing before it does."""
    monkeypatch.delenv(lanes.SERIAL_ENV, raising=False)
    checks = [*all_checks(None), ReadsEmbedding()]
    plan = lanes.partition(checks, lanes.MIN_ROWS)  # type: ignore[arg-type]
    assert {k: _names(v) for k, v in plan.after.items()} == {
        "label_noise": ["duplicates", "bias"], "domain": ["late_reader"]}
    alone = lanes.partition([ReadsEmbedding(), *all_checks(None)],  # type: ignore[list-item]
                            lanes.MIN_ROWS)
    assert _names(alone.main)[0] == "late_reader" and "late_reader" not in _names(alone.late)


@linux_only
def test_partition_needs_two_side_checks_and_label_noise_before_bias(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lanes.SERIAL_ENV, raising=False)
    some = [c for c in all_checks(None) if c.name in ("size", "domain", "bias")]
    plan = lanes.partition(some, 10 * lanes.MIN_ROWS)
    assert plan.side == [] and plan.late == [] and _names(plan.main) == _names(some)


@linux_only
def test_side_lane_gives_the_same_results_and_shares_tokens(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lanes.SERIAL_ENV, raising=False)
    monkeypatch.setattr(lanes, "MIN_ROWS", 100)
    frame = make_texts(400)
    data = dataset(pd.concat([frame, frame.head(12)], ignore_index=True))  # flagged copies
    serial = [run_one(c, data, Evidence(data), POLICY) for c in all_checks(None)]
    evidence = Evidence(data)
    forked = run_checks(all_checks(None), data, evidence, POLICY, workers=True)
    assert [r.name for r in forked] == [r.name for r in serial]
    assert _as_json(forked) == _as_json(serial)
    # flagged.csv's rows are not in the JSON: they must survive the pickle on their own
    assert [r.flagged for r in forked] == [r.flagged for r in serial]
    assert sum(len(r.flagged) for r in forked if r.name == "size") == 12
    # the child's token counts and timings arrived in the parent's evidence
    assert "input_tokens" in evidence.__dict__
    np.testing.assert_array_equal(evidence.input_tokens, Evidence(data).input_tokens)
    assert "tokenize" in evidence.timings


class DiesInChild:
    """Exits hard in any process but the test's own: a crashed worker."""

    spec: ClassVar[CheckSpec] = spec_of("schema")  # reads no model stage: the first lane
    name: ClassVar[str] = "schema"
    what: ClassVar[str] = "test double"
    why: ClassVar[str] = "test double"
    parent = os.getpid()

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        if os.getpid() != self.parent:
            os._exit(3)
        return CheckResult(name=self.name, status=Status.PASS, summary="ran in the parent")


@linux_only
def test_a_crashed_worker_falls_back_to_running_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lanes.SERIAL_ENV, raising=False)
    monkeypatch.setattr(lanes, "MIN_ROWS", 100)
    data = dataset(make_texts(200))
    checks = [DiesInChild(), *[c for c in all_checks(None) if c.name == "size"]]
    results = run_checks(checks, data, Evidence(data), POLICY,  # type: ignore[arg-type]
                         workers=True)
    assert results[0].summary == "ran in the parent"
    assert results[1].name == "size" and results[1].status != Status.ERROR


def test_no_worker_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python API's default: checks run in the caller's process, however large the set."""
    import tuneready.engine.runner as runner

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("forked without workers=True")

    monkeypatch.setattr(lanes, "MIN_ROWS", 100)
    monkeypatch.setattr(runner, "SideLane", refuse)
    data = dataset(make_texts(200))
    results = run_checks(all_checks(None), data, Evidence(data), POLICY)
    assert [r.name for r in results] == [c.name for c in all_checks(None)]
