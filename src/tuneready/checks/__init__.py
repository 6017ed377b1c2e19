"""Registry of checks, in the order they run.

Add a check by writing ``checks/<name>.py`` with one class and listing it here; the conformance
test in ``tests/checks/test_conformance.py`` runs every registered check over the same edge
cases. Imports are lazy so that ``tuneready --help`` loads none of the heavy libraries.
"""

from __future__ import annotations

import importlib

from tuneready.checks.base import Check

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
    cls = getattr(module, REGISTRY[name])
    check: Check = cls()
    return check


def all_checks(only: list[str] | None = None) -> list[Check]:
    names = [n for n in REGISTRY if not only or n in only]
    return [get_check(n) for n in names]
