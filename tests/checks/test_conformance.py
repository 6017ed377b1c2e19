"""Every registered check, over the same edge cases: it must return a well-formed result.

A new check is covered by this suite as soon as it is listed in ``checks.REGISTRY``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from tests.checks import test_registry as registry
from tests.conftest import dataset, edge_datasets, evidence_for, make_texts
from tuneready.checks import REGISTRY, get_check
from tuneready.checks.flagrows import lines_per_finding
from tuneready.config.policy import load_policy
from tuneready.core.results import CheckResult, Status
from tuneready.engine.runner import run_one
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

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


# --- invariants, in the style of scikit-learn's check_estimator -------------------------------
# Each registered check, on small fixtures where it actually runs (labelled text with a group
# column; free-form chat answers with system prompts): the same seed gives the same result,
# ``data.frame`` is left as it was, and ``to_dict`` survives the JSON reader. The invariant
# "every policy key a check reads exists in default.toml" is ``test_registry.test_settings``.
# "A lane gives the in-process result" is tests/engine/test_lanes.py
# (test_side_lane_gives_the_same_results_and_shares_tokens, every check, the runner's own
# forking): forking this module's runs after the parent fitted models hung the child on a
# futex (a thread pool's lock copied mid-use), so the lanes are tested the runner's way only.

SYSTEM = "You are a helpful support assistant for Acme. Answer briefly and politely."
#: the fixtures on which each check must run (not skip); a new check must be added here
RUNS_ON: dict[str, set[str]] = {
    "schema": {"labelled", "chat"}, "size": {"labelled", "chat"},
    "label_noise": {"labelled"}, "answers": {"chat"}, "duplicates": {"labelled", "chat"},
    "domain": {"labelled", "chat"}, "bias": {"labelled"}, "prompts": {"chat"},
    "privacy": {"labelled", "chat"},
}
FIXTURES = ("labelled", "chat")


def _labelled() -> Dataset:
    """Separable labelled texts, a group column, a few exact copies and an e-mail address."""
    frame = make_texts(150)
    frame["gender"] = np.random.default_rng(0).permutation(["female", "male"] * 75)
    frame.loc[3, "text"] = frame.loc[3, "text"] + " mail jane.doe@example.com"
    return dataset(pd.concat([frame, frame.head(5)], ignore_index=True), groups=["gender"])


def _chat() -> Dataset:
    """Free-form answers (some empty, some echoing the prompt) under two system prompts one
    word apart, with an e-mail address in one prompt."""
    rows = []
    for i in range(60):
        q = f"How do I reset the password of account {i} on device {i * 7}?"
        if i == 4:
            q += " My address is jane.doe@example.com"
        a = f"Open settings, choose security, then reset it; step {i} finishes the process."
        a = "" if i % 15 == 0 else q if i % 20 == 1 else a
        system = SYSTEM if i % 3 else SYSTEM.replace("briefly", "concisely")
        rows.append({"messages": [{"role": "system", "content": system},
                                  {"role": "user", "content": q},
                                  {"role": "assistant", "content": a}]})
    return dataset(pd.DataFrame(rows), target_label_max=0)


@dataclass
class Runs:
    data: Dataset
    first: dict[str, CheckResult]
    second: dict[str, CheckResult]
    frame_changed: dict[str, bool]


@functools.cache
def _runs(case: str) -> Runs:
    """Every check on ``case``, in registry order on one Evidence as the runner does: twice
    in process (fresh Evidence, same seed)."""
    data = _labelled() if case == "labelled" else _chat()
    checks = [get_check(n) for n in REGISTRY]
    policy = load_policy()
    first, changed = {}, {}
    ev = Evidence(data, seed=0)
    for check in checks:
        before = data.frame.copy(deep=True)
        first[check.name] = run_one(check, data, ev, policy)
        changed[check.name] = not _same_frame(before, data.frame)
    ev = Evidence(data, seed=0)
    second = {c.name: run_one(c, data, ev, policy) for c in checks}
    return Runs(data, first, second, changed)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return True


def _json(result: CheckResult) -> dict:
    return json.loads(json.dumps(result.to_dict(), allow_nan=False))


@pytest.mark.parametrize("name", REGISTRY)
def test_fixtures_make_each_check_run(name: str) -> None:
    assert name in RUNS_ON, f"add the fixtures on which {name} runs to RUNS_ON"
    for case in FIXTURES:
        result = _runs(case).first[name]
        assert result.status != Status.ERROR, (case, result.error)
        if case in RUNS_ON[name]:
            assert result.status != Status.SKIPPED, (case, result.summary)


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_same_seed_same_result(name: str, case: str) -> None:
    runs = _runs(case)
    assert _json(runs.first[name]) == _json(runs.second[name])


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_frame_is_not_modified(name: str, case: str) -> None:
    assert not _runs(case).frame_changed[name], f"{name} modified data.frame"


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_to_dict_round_trips_through_the_json_reader(name: str, case: str) -> None:
    saved = _json(_runs(case).first[name])
    assert CheckResult.from_dict(saved).to_dict() == saved


@pytest.mark.parametrize("name", REGISTRY)
def test_policy_keys_read_exist_in_default_toml(name: str) -> None:
    registry.test_settings(name)  # the settings dataclass's fields == its default.toml table


# --- every row behind every finding (flagged.csv) ----------------------------------------------
#: checks whose flagged rows are not (yet) every row of each finding, and why; remove a name
#: once its check fills ``CheckResult.flagged`` for every finding that names rows
NOT_EVERY_ROW: dict[str, str] = {
    "answers": "its rate finding counts the rows its kind findings list under their own codes",
    "label_noise": "its rate and unresolved findings count the candidates it lists under "
                   "label_noise.candidates",
    "domain": "its risk finding names example rows of the narrow domain, not flagged rows",
}


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_flagged_rows_are_deterministic(name: str, case: str) -> None:
    runs = _runs(case)
    assert runs.first[name].flagged == runs.second[name].flagged


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_flagged_rows_are_well_formed_and_quote_no_text(name: str, case: str) -> None:
    """Each line names a finding of its check and a row of the data (or a malformed record's
    line), ``removed`` exactly when the row left the effective size, and no cell repeats a
    row's text."""
    runs = _runs(case)
    result = runs.first[name]
    frame = runs.data.frame
    codes = {f.code for f in result.findings}
    known = set(frame["row_id"].tolist()) | {p.line for p in runs.data.problems}
    excluded = set(result.excluded_rows)
    texts = {t.strip() for t in (frame["input"].tolist() + frame["target"].tolist())
             if len(str(t).strip()) >= 10}
    for f in result.flagged:
        assert f.check == name and f.finding in codes, f
        assert f.row_id in known and f.removed == (f.row_id in excluded), f
        cells = f.reason + " | " + f.evidence
        assert not any(t in cells for t in texts), f
        assert "jane.doe" not in cells


@pytest.mark.parametrize("case", FIXTURES)
@pytest.mark.parametrize("name", REGISTRY)
def test_every_row_of_every_finding_is_flagged(name: str, case: str) -> None:
    """Per finding code, the lines equal the rows the findings count (``n_rows``)."""
    if name in NOT_EVERY_ROW:
        pytest.skip(NOT_EVERY_ROW[name])
    result = _runs(case).first[name]
    want: dict[str, int] = {}
    for f in result.findings:
        if f.n_rows:
            want[f.code] = want.get(f.code, 0) + f.n_rows
    assert lines_per_finding(result.flagged) == want


@pytest.mark.parametrize("name", REGISTRY)
def test_flagged_rows_are_not_in_the_json(name: str) -> None:
    """flagged.csv holds them; an audit read back from JSON has none (never a stale copy)."""
    result = _runs("labelled").first[name]
    assert "flagged" not in result.to_dict()
    assert CheckResult.from_dict(_json(result)).flagged == []
