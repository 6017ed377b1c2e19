"""Hugging Face ``datasets`` objects in the Python API, without importing ``datasets``.

A ``Dataset`` is recognised by its type (module ``datasets``, class ``Dataset``), and its
rows are read as one ``pyarrow.Table`` through ``with_format("arrow")[:]``: that respects a
``select``/``shuffle``/``filter`` index mapping (``Dataset.data.table`` would return the rows
before it) and copies nothing through Python objects until the loader's batches. A
``DatasetDict`` gives the split named by ``split`` (default ``train``).
"""

from __future__ import annotations

from typing import Any

from tuneready.config.errors import InputError
from tuneready.io import Dataset, LoadOptions, load_table
from tuneready.io.sources import DEFAULT_SPLIT

_KINDS = ("Dataset", "DatasetDict", "IterableDataset", "IterableDatasetDict")


def is_hf_object(obj: Any) -> bool:
    kind = type(obj)
    return kind.__module__.split(".")[0] == "datasets" and kind.__name__ in _KINDS


def load_hf_object(obj: Any, options: LoadOptions) -> Dataset:
    kind = type(obj).__name__
    if kind.startswith("Iterable"):
        raise InputError(f"an {kind} streams rows without an end; take the rows to audit "
                         "first, e.g. Dataset.from_list(list(ds.take(100_000)))")
    split = None
    if kind == "DatasetDict":
        splits = list(obj.keys())
        split = options.split or DEFAULT_SPLIT
        if split not in splits:
            raise InputError(f"no split '{split}'; splits: {', '.join(splits)}; pass "
                             "split=...")
        obj = obj[split]
    elif options.split is not None:
        raise InputError("split= applies to a DatasetDict; this is a single Dataset")
    table = obj.with_format("arrow")[:]
    info = getattr(obj, "info", None)
    base = getattr(info, "dataset_name", None) or "hf_dataset"
    name = f"{base}[{split}]" if split else str(base)
    data = load_table(table, options, name=name, reader="hf_dataset")
    data.notes.insert(0, "read from a Hugging Face datasets object (its Arrow table)")
    return data
