"""Registry of checks, in the order they run.

Add a check by writing ``checks/<name>.py`` (or a package ``checks/<name>/`` whose
``check.py`` holds it) with one class and its ``SPEC`` (``checks.contract.CheckSpec``), a
``[<name>]`` table in ``config/default.toml``, and listing the name here. The completeness test
(``tests/checks/test_registry.py``) checks each declaration and the conformance test
(``tests/checks/test_conformance.py``) runs every registered check over the same edge cases.
Imports are lazy so that ``tuneready --help`` loads none of the heavy libraries.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from tuneready.checks.contract import Check, CheckSpec

#: the checks, in the order they run; name == module name == policy table
REGISTRY: tuple[str, ...] = ("schema", "size", "label_noise", "answers",
                              "duplicates", "domain", "bias", "prompts", "privacy")


def _module(name: str) -> ModuleType:
    module = importlib.import_module(f"tuneready.checks.{name}")
    if hasattr(module, "__path__"):  # a check that is a package keeps its class in check.py
        module = importlib.import_module(f"tuneready.checks.{name}.check")
    return module


def spec_of(name: str) -> CheckSpec:
    """The declaration of registered check ``name`` (its module's ``SPEC``)."""
    spec: CheckSpec = _module(name).SPEC
    return spec


def specs(only: list[str] | None = None) -> dict[str, CheckSpec]:
    """Every registered check's declaration (or those in ``only``), in registry order."""
    return {n: spec_of(n) for n in REGISTRY if not only or n in only}


def declaration(spec: CheckSpec) -> dict[str, Any]:
    """What an audit saves of a check's declaration (``CheckResult.what`` etc.), so a report
    re-rendered later shows the words and charts the audit was made with."""
    return {"what": spec.what, "why": spec.why, "excluded_as": spec.excluded_as,
            "chart_kinds": dict(spec.charts)}


def described(name: str) -> dict[str, Any] | None:
    """Today's declaration of check ``name`` for an audit saved before declarations were
    (schema < 2.1, ``core/upgrade.py``); ``None`` for a check this version lacks or cannot
    import (an unimportable check must not cost the whole report)."""
    if name not in REGISTRY:
        return None
    try:
        return declaration(spec_of(name))
    except Exception:
        return None


def get_check(name: str) -> Check:
    if name not in REGISTRY:
        raise KeyError(name)
    module = _module(name)
    check: Check = getattr(module, module.SPEC.cls)()
    return check


def check_names(only: list[str] | None = None) -> list[str]:
    """The checks to run, in registry order; an unknown name is an ``InputError`` (a typo in a
    CI job must not turn into an audit that ran nothing and passed)."""
    from tuneready.config.errors import InputError

    unknown = [n for n in only or () if n not in REGISTRY]
    if unknown:
        raise InputError(f"--check {unknown[0]}: unknown check; allowed: "
                         f"{', '.join(REGISTRY)}")
    return [n for n in REGISTRY if not only or n in only]


def all_checks(only: list[str] | None = None) -> list[Check]:
    return [get_check(n) for n in check_names(only)]
