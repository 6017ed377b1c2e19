"""Every registered check, over the same edge cases: it must return a well-formed result.

A new check is covered by this suite as soon as it is listed in ``checks.REGISTRY``.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import edge_datasets, evidence_for
from tuneready.checks import REGISTRY, get_check
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Status
from tuneready.engine.runner import run_one

CASES = edge_datasets()


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_check_handles_edge_case(name: str, case: str) -> None:
    data = CASES[case]
    check = get_check(name)
    result = run_one(check, data, evidence_for(data), load_policy())
    assert isinstance(result, CheckResult)
    assert result.name == name
    assert result.status != Status.ERROR, result.error
    row_ids = set(data.frame["row_id"].tolist())
    for finding in result.findings:
        assert finding.code.startswith((f"{name}.", "decision.")), finding.code
        assert finding.message and "\n" not in finding.message
        assert set(finding.rows) <= row_ids | {p.line for p in data.problems}
    assert set(result.excluded_rows) <= row_ids
    json.dumps(result.to_dict(), allow_nan=False)  # plain JSON, no NaN


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_check_declares_contract(name: str) -> None:
    check = get_check(name)
    assert check.name == name
    assert check.what and check.why
    assert name in load_policy().data, f"policy has no [{name}] table"


def test_runner_turns_exception_into_error() -> None:
    class Boom:
        name = "boom"
        what = why = "x"

        def run(self, data, evidence, policy):
            raise RuntimeError("kaput")

    data = CASES["two_rows"]
    result = run_one(Boom(), data, evidence_for(data), load_policy())
    assert result.status == Status.ERROR
    assert "kaput" in (result.error or "")
