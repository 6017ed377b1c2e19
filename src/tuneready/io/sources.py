"""What the user pointed at -> the files to read, in order: one file, shards, or a HF folder.

Accepted: a file; a folder of shards (every data file in it, by name); a glob
(``'data/*.jsonl.gz'``, quoted so the shell leaves it alone) or several paths (the shell
expanded it); a Hugging Face ``save_to_disk`` folder (``state.json`` lists its Arrow files)
or ``DatasetDict`` folder (``dataset_dict.json``, one sub-folder per split, ``--split``
chooses, default ``train``). A folder of hub-style shards (``train-00000-of-00004.parquet``,
``test-00000-of-00001.parquet``) is split the same way.

Shards are audited as one data set. Row ids stay integers and stay unique: a shard's rows are
numbered after the lines of the shards before it, as if the files were concatenated in order
(``cat shard1 shard2``). So for JSONL split into shards at line boundaries the row ids are
the lines of the original file, and ``dataset.sources`` in the JSON maps each shard to its
range of row ids (``line in shard = row id - first_row + 1``, for record-numbered formats
the record number).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError
from tuneready.io.dataset import LoadProblem
from tuneready.io.readers import _EXT, ACCEPTED, RawFile, detect_reader, read_file
from tuneready.io.streams import COMPRESSIONS, split_suffix

DEFAULT_SPLIT = "train"
_HUB_SHARD = re.compile(r"^(?P<split>[A-Za-z][\w.]*?)-\d{5}-of-\d{5}")
_GLOB = re.compile(r"[*?\[]")


@dataclass
class Source:
    """The files behind one data set, and how to name it in reports."""

    name: str
    slug: str
    files: list[Path]
    root: Path | None = None
    reader: str | None = None
    split: str | None = None
    notes: list[str] = field(default_factory=list)

    def label(self, path: Path) -> str:
        """A shard's name relative to the folder or glob it came from."""
        if self.root is None:
            return path.name
        return Path(os.path.relpath(path, self.root)).as_posix()


def resolve(paths: Sequence[str | Path], split: str | None = None) -> Source:
    """The files to read for ``paths``; ``InputError`` when there are none or they clash."""
    items = [Path(p) for p in paths]
    if not items:
        raise InputError("no input given")
    if len(items) > 1:
        _no_split(split, "several files")
        missing = next((p for p in items if not p.is_file()), None)
        if missing is not None:
            raise InputError("no such file" if not missing.exists() else
                             "is a directory; pass folders one at a time", path=str(missing))
        first = items[0]
        return Source(f"{first.name} + {len(items) - 1} more", _slug(first), items)
    path = items[0]
    if path.is_dir():
        return _folder(path, split)
    if not path.exists() and _GLOB.search(str(path)):
        _no_split(split, "a glob")
        matches = sorted(Path(m) for m in glob.glob(str(path)) if Path(m).is_file())
        if not matches:
            raise InputError("no files match this pattern", path=str(path))
        root = path.parent
        return Source(f"{root.name}/{path.name}" if root.name else path.name, _slug(path),
                      matches, root=root)
    if not path.exists():
        raise InputError("no such file", path=str(path))
    _no_split(split, "a single file")
    return Source(path.name, _slug(path), [path])


def _no_split(split: str | None, what: str) -> None:
    if split is not None:
        raise InputError(f"--split applies to a Hugging Face DatasetDict folder or a folder of "
                         f"hub-style shards (train-00000-of-00002.parquet), not to {what}")


def _slug(path: Path) -> str:
    """A report-folder name: the file name without data and compression suffixes."""
    name = re.sub(r"[*?\[\]]", "", path.name)
    while True:
        stem, suffix = os.path.splitext(name)
        if suffix.lower() in _EXT or suffix.lower() in COMPRESSIONS:
            name = stem
        else:
            break
    clean = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return clean or "dataset"


def _folder(path: Path, split: str | None) -> Source:
    if (path / "dataset_dict.json").is_file():
        return _dataset_dict(path, split)
    if (path / "state.json").is_file():
        _no_split(split, "a single Hugging Face Dataset folder")
        return _hf_dataset(path, path.name or "dataset")
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                   and _is_data(p))
    if not files:
        raise InputError("the folder holds no data files; " + ACCEPTED, path=str(path))
    splits = {m.group("split") for p in files if (m := _HUB_SHARD.match(p.name))}
    if not splits:
        _no_split(split, "a folder without hub-style shard names")
        return Source(f"{path.name}/", _slug(path), files, root=path)
    chosen = _choose(split, sorted(splits), str(path))
    files = [p for p in files if (m := _HUB_SHARD.match(p.name)) and m.group("split") == chosen]
    return Source(f"{path.name}/{chosen}", f"{_slug(path)}-{chosen}", files, root=path,
                  split=chosen)


def _is_data(path: Path) -> bool:
    return split_suffix(path)[0] in _EXT and path.name not in ("dataset_info.json", "state.json")


def _choose(split: str | None, splits: list[str], where: str) -> str:
    chosen = split or DEFAULT_SPLIT
    if chosen not in splits:
        asked = f"no split '{chosen}'" + ("" if split else " (the default)")
        raise InputError(f"{asked}; splits here: {', '.join(splits)}; choose one with --split",
                         path=where)
    return chosen


def _dataset_dict(path: Path, split: str | None) -> Source:
    try:
        splits = [str(s) for s in _read_json(path / "dataset_dict.json").get("splits", [])]
    except AttributeError:
        raise InputError("dataset_dict.json has no 'splits' list", path=str(path)) from None
    chosen = _choose(split, splits, str(path))
    return _hf_dataset(path / chosen, f"{path.name}-{chosen}", root=path, split=chosen)


def _hf_dataset(path: Path, slug_name: str, root: Path | None = None,
                split: str | None = None) -> Source:
    """A ``save_to_disk`` folder: its Arrow files in the order ``state.json`` lists them."""
    state = _read_json(path / "state.json")
    listed = state.get("_data_files") if isinstance(state, dict) else None
    if isinstance(listed, list) and listed:
        names = [str(f.get("filename", "")) if isinstance(f, dict) else "" for f in listed]
        files = [path / n for n in names]
        missing = next((f for f in files if f == path or not f.is_file()), None)
        if missing is not None:
            raise InputError("state.json lists an Arrow file that is not there",
                             path=str(missing))
    else:
        files = sorted(path.glob("data-*.arrow"))
    if not files:
        raise InputError("a Hugging Face dataset folder without Arrow files (data-*.arrow)",
                         path=str(path))
    top = root or path
    name = f"{top.name}/{split}" if split else f"{path.name}/"
    return Source(name, _slug(Path(slug_name)), files, root=top, reader="arrow", split=split,
                  notes=["read as a Hugging Face datasets folder (Arrow IPC stream files)"])


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable ({type(exc).__name__})", path=str(path)) from None


def read_source(source: Source, reader: str | None, encoding: str) -> tuple[RawFile, list[dict]]:
    """Every shard read in order into one ``RawFile``; row ids offset past earlier shards.

    Shards must share one reader (and, for tables, one set of columns). The second value is
    the ``sources`` block: each shard's name, row-id range, records and sha256.
    """
    forced = reader or source.reader
    kinds = [(f, detect_reader(f, forced)) for f in source.files]
    first_kind = kinds[0][1]
    odd = next((f for f, k in kinds if k != first_kind), None)
    if odd is not None:
        raise InputError(f"is {detect_reader(odd, forced)} but {source.label(kinds[0][0])} is "
                         f"{first_kind}: all shards must have the same format", path=str(odd))
    combined = RawFile(reader=first_kind)
    blocks: list[dict] = []
    columns: list[str] | None = None
    offset = 0
    for path in source.files:
        raw = read_file(path, first_kind, encoding)
        if raw.columns is not None:
            if columns is not None and set(raw.columns) != set(columns):
                raise InputError(_column_clash(raw.columns, columns, source.label(
                    source.files[0])), path=str(path))
            columns = columns or raw.columns
        combined.records.extend((line + offset, rec) for line, rec in raw.records)
        combined.problems.extend(LoadProblem(p.line + offset, p.field, p.message, p.code)
                                 for p in raw.problems)
        blocks.append({"path": source.label(path), "first_row": offset + 1,
                       "last_row": offset + raw.span, "records": len(raw.records),
                       "problems": len(raw.problems), "sha256": raw.sha256})
        offset += raw.span
    combined.span, combined.columns = offset, columns
    combined.sha256 = blocks[0]["sha256"] if len(blocks) == 1 else _combined_sha(blocks)
    return combined, blocks


def _column_clash(mine: list[str], first: list[str], first_name: str) -> str:
    extra = sorted(set(mine) - set(first))
    lacking = sorted(set(first) - set(mine))
    parts = ([f"extra columns {extra}"] if extra else []) + \
            ([f"missing columns {lacking}"] if lacking else [])
    return (f"{' and '.join(parts)} compared with {first_name}: all shards must have the "
            "same columns")


def _combined_sha(blocks: list[dict]) -> str:
    """sha256 of the shard list as ``sha256sum`` prints it: ``<sha256>  <name>`` per line."""
    listing = "".join(f"{b['sha256']}  {b['path']}\n" for b in blocks)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()
