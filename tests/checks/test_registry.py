"""Registry completeness: every registered check declares, in its own module's ``SPEC``,
everything the rest of the tool reads about it. A check that forgets one part fails here.

The README's "Add a check" recipe lists exactly the parts tested below (``RECIPE``);
``tests/test_readme.py`` keeps the two in sync.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from importlib import resources

import pytest

from tests.checks.bias.test_check import group_frame
from tests.conftest import dataset, edge_datasets, make_texts
from tuneready.checks import REGISTRY, _module, get_check, spec_of
from tuneready.checks.contract import CheckSpec
from tuneready.config.policy import load_policy
from tuneready.config.typed import Table
from tuneready.engine.runner import run_one
from tuneready.evidence.store import STAGES, Evidence
from tuneready.render.charts import KINDS

#: the recipe's steps, one per test below (README "Add a check")
RECIPE = (
    "module",       # checks/<name>.py or checks/<name>/check.py, listed in checks.REGISTRY
    "spec",         # a module-level SPEC = CheckSpec(...) whose cls names the check class
    "what_why",     # SPEC.what and SPEC.why: one line each
    "policy",       # a [<name>] table in config/default.toml
    "settings",     # SPEC.settings: a typed Table whose fields are that table's keys
    "needs",        # SPEC.needs: every Evidence stage the check reads
    "excluded_as",  # SPEC.excluded_as: how its excluded rows read, if it excludes any
    "charts",       # SPEC.charts: table -> chart kind in render/charts.KINDS
    "diff_metrics",  # SPEC.diff_metrics: metrics the check reports that diff follows
)

NAMES = list(REGISTRY)


def _defaults() -> dict:
    text = resources.files("tuneready.config").joinpath("default.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def _cases() -> dict:
    cases = dict(edge_datasets())
    cases["texts_300"] = dataset(make_texts(300))
    cases["groups"] = dataset(group_frame({"f": (200, 0.3), "m": (200, 0.6)}),
                              groups=["gender"])
    return cases


@functools.cache
def _runs(name: str) -> list[tuple[object, set[str]]]:
    """Each case's result and the stages a fresh ``Evidence`` computed for it."""
    out = []
    for data in _cases().values():
        ev = Evidence(data, seed=0)
        result = run_one(get_check(name), data, ev, load_policy())
        out.append((result, {s for s in STAGES if s in ev.__dict__}))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_module(name: str) -> None:
    assert _module(name).__name__.startswith(f"tuneready.checks.{name}")


@pytest.mark.parametrize("name", NAMES)
def test_spec(name: str) -> None:
    spec = spec_of(name)
    assert isinstance(spec, CheckSpec) and spec.name == name
    check = get_check(name)
    assert type(check).__name__ == spec.cls and check.spec is spec and check.name == name


@pytest.mark.parametrize("name", NAMES)
def test_what_why(name: str) -> None:
    spec = spec_of(name)
    for line in (spec.what, spec.why):
        assert line.strip() and "\n" not in line
    check = get_check(name)
    assert (check.what, check.why) == (spec.what, spec.why)


@pytest.mark.parametrize("name", NAMES)
def test_policy(name: str) -> None:
    assert spec_of(name).policy_table in _defaults(), f"default.toml has no [{name}] table"


@pytest.mark.parametrize("name", NAMES)
def test_settings(name: str) -> None:
    """Every key the check reads exists in default.toml, and every key of its table is one
    it declares (so none is unread): the settings dataclass's fields == the table's keys, and
    the packaged table builds it (types included). This is the conformance invariant "every
    policy key a check reads exists in default.toml" (tests/checks/test_conformance.py)."""
    spec = spec_of(name)
    settings = spec.settings
    assert issubclass(settings, Table) and dataclasses.is_dataclass(settings)
    assert settings.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert settings.table == spec.policy_table
    fields = dataclasses.fields(settings)
    assert all(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
               for f in fields), f"{settings.__name__} repeats a default of default.toml"
    assert {f.name for f in fields} == set(_defaults()[spec.policy_table]), (
        f"{settings.__name__} fields differ from [{spec.policy_table}] in default.toml")
    settings.of(load_policy().for_check(spec.policy_table))


@pytest.mark.parametrize("name", NAMES)
def test_needs(name: str) -> None:
    """Declared stages exist, and every stage the check computes (on the edge cases, a
    larger labelled set and a grouped set) is declared: the lanes rely on it. A check may need
    none (privacy reads only the frame's text)."""
    spec = spec_of(name)
    assert spec.needs <= set(STAGES), sorted(spec.needs - set(STAGES))
    used = set().union(*(stages for _, stages in _runs(name)))
    assert used <= spec.needs, f"{name} reads undeclared stages {sorted(used - spec.needs)}"


@pytest.mark.parametrize("name", NAMES)
def test_excluded_as(name: str) -> None:
    spec = spec_of(name)
    assert spec.excluded_as is None or spec.excluded_as.strip()
    for result, _ in _runs(name):
        if result.excluded_rows:  # type: ignore[attr-defined]
            assert spec.excluded_as, f"{name} excludes rows but does not say how they read"


@pytest.mark.parametrize("name", NAMES)
def test_charts(name: str) -> None:
    spec = spec_of(name)
    assert set(spec.charts.values()) <= set(KINDS), sorted(set(spec.charts.values()) - set(KINDS))
    drawn = {k for s in REGISTRY for k in spec_of(s).charts.values()}
    assert drawn == set(KINDS), f"chart kinds no check draws: {sorted(set(KINDS) - drawn)}"


@pytest.mark.parametrize("name", NAMES)
def test_diff_metrics(name: str) -> None:
    """Each followed metric is one the check reports (on some case)."""
    reported = set().union(*(r.metrics for r, _ in _runs(name)))  # type: ignore[attr-defined]
    missing = set(spec_of(name).diff_metrics) - reported
    assert not missing, f"{name} declares diff metrics it never reports: {sorted(missing)}"


def test_recipe_lists_every_test() -> None:
    tests = sorted(n[len("test_"):] for n in globals() if n.startswith("test_")
                   and n != "test_recipe_lists_every_test")
    assert tests == sorted(RECIPE)
