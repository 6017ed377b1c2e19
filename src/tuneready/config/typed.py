"""Typed policy tables: the code that reads a table declares its keys once, with their types.

Defaults live only in ``config/default.toml``; ``config/settings.py`` validates a policy and
coerces every value to its default's type when the policy is loaded. The code that reads a
table declares it as a frozen dataclass subclassing ``Table`` (fields with types and no
defaults, ``table`` naming the policy table) and builds it with ``Settings.of(table_values)``:
``cfg.full_finetune_min`` is an ``int`` to mypy, and there is no second default to drift from
``default.toml``.

A mismatch between a dataclass and ``default.toml`` (a key one has and the other lacks, or a
value of another type) is a programming error, not a user error: the user's policy was
already checked against ``default.toml``. It raises ``TableMismatch`` at once, and
``tests/checks/test_registry.py`` compares every declared table with ``default.toml``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Hashable, Mapping
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Self

if TYPE_CHECKING:
    from tuneready.config.policy import Policy


class TableMismatch(TypeError):
    """A settings dataclass and the policy table it reads do not have the same keys/types."""


class Table:
    """Base of a typed policy table (subclasses are ``@dataclass(frozen=True)``)."""

    #: the policy table (``[name]`` in ``default.toml``) the dataclass mirrors
    table: ClassVar[str]

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Self:
        """The typed table from ``values`` (``Policy.for_check(cls.table)``, or a test's copy
        of it with some keys overridden). Every field must be there, no other key may be."""
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        missing = [n for n in names if n not in values]
        extra = sorted(k for k in values if k not in names)
        if missing or extra:
            raise TableMismatch(f"{cls.__name__} and policy table [{cls.table}] differ: "
                                f"missing {missing}, undeclared {extra}")
        hints = _hints(typing.cast(Hashable, cls))
        for name in names:
            _check_type(cls, name, values[name], hints[name])
        return cls(**{n: values[n] for n in names})

    @classmethod
    def from_policy(cls, policy: Policy) -> Self:
        return cls.of(policy.for_check(cls.table))

    def values(self) -> dict[str, Any]:
        """Key -> value, for code that looks keys up by name (``core.ladder``'s levels)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@cache
def _hints(cls: Hashable) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _check_type(cls: type, name: str, value: Any, hint: Any) -> None:
    """The value's type is the declared one (lists and tables by their outer type only:
    ``config/settings.py`` has checked their items)."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    allowed = tuple(typing.get_origin(a) or a for a in args)
    ok = isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed)
    if not ok:
        raise TableMismatch(f"{cls.__name__}.{name} is declared {hint}, policy table "
                            f"[{getattr(cls, 'table', '?')}] has {type(value).__name__}")
