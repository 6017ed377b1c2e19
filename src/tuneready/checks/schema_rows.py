"""The schema check's flagged rows: why each row failed a rule, in words and numbers.

Kept apart from ``checks/schema.py`` so the check stays small. Every reason is a plain fact
(an empty field, a character or token count, a record the loader could not read), so no
precision applies (``""``). The evidence never quotes the row: counts and limits only, and for
a malformed record the field the loader named, not its message (which may quote the line).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tuneready.checks.flagrows import Flags
from tuneready.io.dataset import Dataset

if TYPE_CHECKING:  # checks.schema imports this module
    from tuneready.checks.schema import Rule, SchemaSettings


def flag_malformed(flags: Flags, data: Dataset) -> None:
    """One line per record the loader could not use (its line number is its row id; it never
    became a row, so it has no input hash and leaves nothing: it was never counted)."""
    by_code: dict[str, list[tuple[int, str]]] = {}
    for p in data.problems:
        by_code.setdefault(p.code, []).append((p.line, p.field))
    for code, items in by_code.items():
        fields = ["whole record" if f in ("*", "") else f"field '{f}'" for _, f in items]
        flags.add(f"schema.{code}", [line for line, _ in items],
                  f"record not usable ({code.replace('_', ' ')})", fields)


def flag_rule(flags: Flags, rule: Rule, pos: np.ndarray, frame: pd.DataFrame,
              cfg: SchemaSettings) -> None:
    """The rows (frame positions) of one failed rule with the number that failed it
    (``frame``: the validation frame, inputs stripped, ``tokens`` = input + target)."""
    code = rule.code
    evidence: object = ""
    if code == "schema.input_too_long":
        chars = frame["input"].str.len().to_numpy()[pos]
        reason, evidence = "input over the character limit", _counts(
            chars, "characters", f", limit {cfg.max_input_chars:,}")
    elif code == "schema.input_too_short":
        chars = frame["input"].str.len().to_numpy()[pos]
        reason, evidence = "input under the character minimum", _counts(
            chars, "characters", f", minimum {cfg.min_input_chars:,}")
    elif code == "schema.over_context_limit":
        tokens = frame["tokens"].to_numpy()[pos]
        reason, evidence = "over the context limit", _counts(
            tokens, "tokens", f", limit {cfg.context_limit:,}")
    elif code == "schema.bad_chat_structure":
        reason, evidence = "chat structure", frame["structure"].to_numpy(dtype=object)[pos]
    elif code == "schema.label_not_allowed":
        reason = "label not in the allowed set"
    else:
        reason = f"empty {rule.column}"
    flags.add(code, None, reason, evidence, positions=pos)  # type: ignore[arg-type]


def flag_too_many(flags: Flags, data: Dataset, invalid: set[int]) -> None:
    """The rows behind the invalid share: every malformed record and every invalid row."""
    lines = [p.line for p in data.problems]
    rows = np.asarray(lines + sorted(invalid), dtype=np.int64)
    reason = np.asarray(["malformed record"] * len(lines) + ["invalid row"] * len(invalid),
                        dtype=object)
    flags.add("schema.too_many_invalid_rows", rows, reason,
              "counted in the invalid share")


def _counts(values: np.ndarray, unit: str, tail: str) -> np.ndarray:
    """``"9,120 tokens, limit 8,192"`` per row."""
    s = pd.Series(np.asarray(values, dtype=np.int64)).map("{:,}".format)
    return (s + f" {unit}{tail}").to_numpy(dtype=object)
