"""The rate ladder shared by label noise and free-form answers (``core/ladder.py``)."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from tuneready.core.ladder import LADDER, crossed
from tuneready.core.results import Severity, Verdict

POLICY = {"warn_rate": 0.05, "fail_rate": 0.15, "not_ready_rate": 0.20}


@pytest.mark.parametrize(("rate", "expected"), [
    (0.0, None), (0.05, None), (0.051, ("warn", 0.05)), (0.15, ("warn", 0.05)),
    (0.151, ("fail", 0.15)), (0.20, ("fail", 0.15)), (0.21, ("not_ready", 0.20)),
])
def test_crossed_names_the_highest_level_exceeded(rate: float, expected: tuple | None) -> None:
    hit = crossed(rate, POLICY)
    assert (None if hit is None else (hit[0].name, hit[1])) == expected


def test_levels_cap_and_grade_as_before() -> None:
    assert [(lv.name, lv.severity, lv.caps) for lv in LADDER] == [
        ("not_ready", Severity.FAIL, Verdict.NOT_READY), ("fail", Severity.FAIL, Verdict.LORA),
        ("warn", Severity.WARN, None)]


def test_the_numbers_are_policy() -> None:
    """The ladder holds no rate: every level's key exists in default.toml's label_noise."""
    default = tomllib.loads(files("tuneready.config").joinpath("default.toml").read_text())
    assert {lv.key: default["label_noise"][lv.key] for lv in LADDER} == POLICY
