"""The CI gate (``decide/gate.py``): one exit rule, the same from Python and from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tuneready
from tests.conftest import make_texts
from tuneready.cli import app
from tuneready.core.results import Audit, CheckResult, Recommendation, Status, Verdict
from tuneready.decide.gate import FailOn, exit_code


def _audit(ready: bool, *statuses: Status) -> Audit:
    rec = Recommendation(verdict=Verdict.LORA, ready=ready, required=Verdict.LORA,
                         confidence="medium")
    checks = [CheckResult(name=f"c{i}", status=s) for i, s in enumerate(statuses)]
    return Audit(dataset={}, policy={}, checks=checks, recommendation=rec)


@pytest.mark.parametrize(("ready", "statuses", "expected"), [
    (True, (Status.PASS,), {"verdict": 0, "fail": 0, "warn": 0}),
    (True, (Status.PASS, Status.WARN), {"verdict": 0, "fail": 0, "warn": 1}),
    (True, (Status.FAIL,), {"verdict": 0, "fail": 1, "warn": 1}),
    (True, (Status.ERROR,), {"verdict": 0, "fail": 1, "warn": 1}),
    (False, (Status.PASS,), {"verdict": 1, "fail": 1, "warn": 1}),
])
def test_exit_code_by_level(ready: bool, statuses: tuple[Status, ...],
                            expected: dict[str, int]) -> None:
    audit = _audit(ready, *statuses)
    assert {level: exit_code(audit, level) for level in expected} == expected
    assert {level: tuneready.exit_code(audit, level) for level in expected} == expected
    assert exit_code(audit) == expected["verdict"]          # the default is the verdict
    assert exit_code(audit, FailOn.warn) == expected["warn"]


def test_unknown_level_fails_closed() -> None:
    with pytest.raises(ValueError, match="unknown fail_on 'warning'"):
        exit_code(_audit(True, Status.PASS), "warning")


@pytest.mark.parametrize("level", ["verdict", "fail", "warn"])
def test_cli_and_api_agree(tmp_path: Path, level: str) -> None:
    data = tmp_path / "d.csv"
    make_texts(300).to_csv(data, index=False)
    policy = tmp_path / "p.toml"
    policy.write_text('[audit]\nrequired = "lora"\n')
    out = tmp_path / "r"
    result = CliRunner().invoke(app, ["audit", str(data), "--policy", str(policy), "--out",
                                      str(out), "--check", "schema", "--check", "size",
                                      "--fail-on", level])
    saved = Audit.from_dict(json.loads((out / "audit.json").read_text()))
    assert result.exit_code == tuneready.exit_code(saved, level), result.output
