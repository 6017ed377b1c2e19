"""The one in-memory shape every format is mapped onto.

A ``Dataset`` is a pandas frame with fixed role columns plus the problems met while reading.
Checks read roles, never source field names, so one check works for every fine-tuning format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Role columns always present in ``Dataset.frame`` (``label`` and ``split`` may be all-NA).
ROLE_COLUMNS = ("row_id", "input", "target", "label", "split", "roles", "n_train_turns")
GROUP_PREFIX = "group:"
#: the record's other scalar fields, kept as strings (``io.add_source_columns``)
SOURCE_PREFIX = "source:"
#: fields the structured formats map onto roles: never kept again as ``source:`` columns
ROLE_FIELDS = frozenset({"instruction", "input", "output", "system", "history", "prompt",
                         "completion", "chosen", "rejected", "messages", "conversations",
                         "conversation", "tools", "label", "kto_tag", "split", "response",
                         "query", "text"})


@dataclass(frozen=True)
class LoadProblem:
    """A record that could not be used as given, with where it is in the source file."""

    line: int
    field: str
    message: str
    code: str = "malformed_record"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message, "code": self.code}


@dataclass
class Dataset:
    """Rows mapped to roles. ``row_id`` is the 1-based line (or record number) in the source;
    for shards, the line in the shards read one after the other (see ``sources``)."""

    path: str
    format: str
    reader: str
    frame: pd.DataFrame
    mapping: dict[str, Any] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    sha256: str = ""
    records_read: int = 0
    notes: list[str] = field(default_factory=list)
    #: exact whole-file counts when ``frame`` is a sample (``--sample``); empty otherwise
    population: dict[str, Any] = field(default_factory=dict)
    #: the files read, in order, each with its range of row ids (``io/sources.py``)
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sample_fraction(self) -> float:
        """Share of the file's rows present in ``frame`` (1.0 when not sampled)."""
        raw = int(self.population.get("raw_n", 0))
        return len(self.frame) / raw if raw else 1.0

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def group_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith(GROUP_PREFIX)]

    @property
    def source_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith(SOURCE_PREFIX)]

    @property
    def has_labels(self) -> bool:
        return "label" in self.frame and bool(self.frame["label"].notna().any())

    @property
    def has_targets(self) -> bool:
        return bool((self.frame["target"].str.len() > 0).any())

    def labels(self) -> pd.Series:
        return self.frame["label"]

    def describe(self) -> dict[str, Any]:
        """Provenance block for reports: what was read and how it was interpreted."""
        return {
            "path": self.path,
            "format": self.format,
            "reader": self.reader,
            "sha256": self.sha256,
            "records_read": self.records_read,
            "rows": self.n,
            "mapping": self.mapping,
            "problems": len(self.problems),
            "notes": self.notes,
            "population": self.population,
            "sources": self.sources,
        }


#: one record read from a file: its line (row) number and the fields
Record = tuple[int, dict[str, Any]]


@dataclass
class RawFile:
    """Records read from one file plus every problem met on the way.

    ``span`` is the number of lines (records for Parquet/Arrow) the file occupies: the next
    shard's row ids start after it. ``columns`` is the header of a table format.
    """

    reader: str
    records: list[Record] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    sha256: str = ""
    span: int = 0
    columns: list[str] | None = None

def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROLE_COLUMNS})
