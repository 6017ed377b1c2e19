"""Registry of checks, in the order they run.

Add a check by writing ``checks/<name>.py`` (or a package
``checks/<name>/`` whose ``check.py`` holds it) with one class and listing it here; the conformance
test in ``tests/checks/test_conformance.py`` runs every registered check over the same edge
cases. Imports are lazy so that ``tuneready --help`` loads none of the heavy libraries.
"""

from __future__ import annotations

import importlib

from tuneready.checks.contract import Check

#: module name -> class name; module name == check name == policy table
REGISTRY: dict[str, str] = {
    "schema": "SchemaCheck",
    "size": "SizeCheck",
    "label_noise": "LabelNoiseCheck",
    "duplicates": "DuplicatesCheck",
    "domain": "DomainCheck",
    "bias": "BiasCheck",
}


def get_check(name: str) -> Check:
    module = importlib.import_module(f"tuneready.checks.{name}")
    if hasattr(module, "__path__"):  # a check that is a package keeps its class in check.py
        module = importlib.import_module(f"tuneready.checks.{name}.check")
    cls = getattr(module, REGISTRY[name])
    check: Check = cls()
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
