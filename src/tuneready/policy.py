"""Policies: every threshold, from a TOML file merged over the packaged default.

One source of truth: ``tuneready/policies/default.toml`` ships inside the package, and the
repository's ``checks/default.toml`` is that same file. A user policy only states what differs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tuneready.errors import InputError

CheckPolicy = dict[str, Any]


@dataclass
class Policy:
    name: str
    data: dict[str, Any]

    def for_check(self, name: str) -> CheckPolicy:
        return dict(self.data.get(name, {}))

    @property
    def seed(self) -> int:
        return int(self.data.get("audit", {}).get("seed", 0))

    @property
    def required(self) -> str:
        return str(self.data.get("audit", {}).get("required", "full_fine_tune"))

    def digest(self) -> str:
        blob = json.dumps(self.data, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()


def packaged_text(name: str = "default") -> str:
    return resources.files("tuneready.policies").joinpath(f"{name}.toml").read_text("utf-8")


def packaged_names() -> list[str]:
    files = resources.files("tuneready.policies").iterdir()
    return sorted(f.name[:-5] for f in files
                  if f.name.endswith(".toml") and f.name != "prices.toml")


def load_policy(path: str | Path | None = None) -> Policy:
    """Packaged default, overlaid with ``path`` (a file, or a packaged name like ``strict``)."""
    base = tomllib.loads(packaged_text("default"))
    if path is None:
        return Policy("default", base)
    p = Path(path)
    if not p.exists() and str(path) in packaged_names():
        overlay = tomllib.loads(packaged_text(str(path)))
        return Policy(str(path), merge(base, overlay))
    try:
        overlay = tomllib.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError("no such policy file", path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML ({exc})", path=str(p)) from None
    _check_keys(base, overlay, str(p))
    return Policy(p.stem, merge(base, overlay))


def merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(base: dict[str, Any], overlay: dict[str, Any], path: str) -> None:
    """Reject unknown tables and keys: a typo in a threshold must not pass silently."""
    for table, values in overlay.items():
        if table not in base:
            raise InputError(f"unknown table [{table}]; known: {', '.join(base)}", path=path)
        if not isinstance(values, dict):
            raise InputError("expected a table", path=path, field=table)
        for key in values:
            if key not in base[table]:
                raise InputError(f"unknown key in [{table}]", path=path, field=key)


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
