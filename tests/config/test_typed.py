"""Typed policy tables: defaults live only in default.toml, and code cannot drift from it.

Every table of ``default.toml`` has exactly one ``config.typed.Table`` dataclass whose fields are
its keys (the checks' tables are also tested per check in ``tests/checks/test_registry.py``),
a mismatch fails loudly, and no ``.get("<policy key>", default)`` is left in ``src/``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import tuneready
from tuneready.checks.size import SizeSettings
from tuneready.config.policy import load_policy
from tuneready.config.typed import Table, TableMismatch

SRC = Path(tuneready.__file__).parent
#: these read saved audits, whose older schemas may lack a key: a default there is a reader's
#: choice, not a second copy of the policy
SAVED_AUDIT_READERS = ("core", "render")
#: ``.get`` calls whose key only shares a name with a policy key (a price table's offer)
NOT_POLICY = {("decide/cost.py", "model")}


def _defaults() -> dict:
    text = resources.files("tuneready.config").joinpath("default.toml").read_text("utf-8")
    return tomllib.loads(text)


def _all_tables() -> list[type[Table]]:
    for info in pkgutil.walk_packages([str(SRC)], "tuneready."):
        if not info.name.startswith(("tuneready.cli", "tuneready.render")) \
                and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    out: list[type[Table]] = []
    todo = list(Table.__subclasses__())
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo += cls.__subclasses__()
    return out


def test_every_default_table_has_one_typed_table_with_its_keys() -> None:
    tables = _all_tables()
    by_name: dict[str, list[type[Table]]] = {}
    for cls in tables:
        by_name.setdefault(cls.table, []).append(cls)
    defaults = _defaults()
    assert sorted(by_name) == sorted(defaults), "a default.toml table has no Table dataclass"
    policy = load_policy()
    for name, classes in by_name.items():
        assert len(classes) == 1, f"[{name}] is declared twice: {classes}"
        cls = classes[0]
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        assert {f.name for f in fields} == set(defaults[name]), cls.__name__
        assert all(f.default is dataclasses.MISSING for f in fields), cls.__name__
        cls.from_policy(policy)  # the packaged values have the declared types


def test_a_missing_or_undeclared_key_fails_loudly() -> None:
    table = load_policy().for_check("size")
    assert SizeSettings.of(table).full_finetune_min == 1000
    missing = {k: v for k, v in table.items() if k != "lora_min"}
    with pytest.raises(TableMismatch, match="missing \\['lora_min'\\]"):
        SizeSettings.of(missing)
    with pytest.raises(TableMismatch, match="undeclared \\['lora_max'\\]"):
        SizeSettings.of({**table, "lora_max": 5})


def test_a_value_of_another_type_fails_loudly() -> None:
    table = load_policy().for_check("size")
    with pytest.raises(TableMismatch, match="lora_min"):
        SizeSettings.of({**table, "lora_min": "100"})
    with pytest.raises(TableMismatch, match="lora_min"):
        SizeSettings.of({**table, "lora_min": True})
    with pytest.raises(TableMismatch, match="max_imbalance_ratio"):
        SizeSettings.of({**table, "max_imbalance_ratio": 100})  # validation makes it 100.0


def test_settings_are_frozen() -> None:
    cfg = SizeSettings.from_policy(load_policy())
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.lora_min = 5  # type: ignore[misc]


def _defaulted_gets(text: str, rel: str, keys: set[str]) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get" and node.args
                and isinstance(node.args[0], ast.Constant)):
            continue
        key = node.args[0].value
        on_table = (isinstance(node.func.value, ast.Call)
                    and isinstance(node.func.value.func, ast.Attribute)
                    and node.func.value.func.attr == "for_check")
        defaulted = len(node.args) > 1 or bool(node.keywords)
        if on_table or (defaulted and key in keys and (rel, key) not in NOT_POLICY):
            out.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
    return out


def test_no_policy_get_with_a_default_in_src() -> None:
    """``x.get("<a default.toml key>", default)`` repeats default.toml (and drifts from it):
    read the typed table instead. ``policy.for_check(t).get(...)`` is refused with or without
    a default."""
    keys = {k for table in _defaults().values() for k in table}
    found = [hit for path in sorted(SRC.rglob("*.py"))
             if path.relative_to(SRC).parts[0] not in SAVED_AUDIT_READERS
             for hit in _defaulted_gets(path.read_text("utf-8"),
                                        path.relative_to(SRC).as_posix(), keys)]
    assert not found, "\n".join(found)


def test_the_guard_finds_what_it_forbids() -> None:
    """The scan above is not vacuous: it flags both shapes, and not other dicts' reads."""
    text = ('a = policy.get("lora_min", 100)\n'
            'b = policy.for_check("size").get("lora_min")\n'
            'c = metrics.get("rows", 0)\n'
            'd = raw.get("model", "")\n')
    hits = _defaulted_gets(text, "decide/cost.py", {"lora_min", "model"})
    assert [h.split(":")[1] for h in hits] == ["1", "2"]
