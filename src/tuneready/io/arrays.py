"""User-supplied per-row arrays: ``--pred-probs`` (rows x classes), ``--embeddings`` (rows x dims).

Read from ``.npy`` (no pickles) or ``.csv`` (numbers only; one header line of names is
skipped). Row i must describe the dataset's i-th row after loading (file order, minus records
the loader could not use); the audit checks the shape against the data before any check runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tuneready.config.errors import InputError


def load_array(path: Path, flag: str) -> np.ndarray:
    """A 2-D float array from ``path``; ``InputError`` (exit 2) on anything else."""
    if not path.exists():
        raise InputError(f"{flag}: no such file", path=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix in (".csv", ".txt"):
            arr = _read_csv(path)
        else:
            raise InputError(f"{flag}: expected a .npy or .csv file", path=str(path))
    except (ValueError, OSError) as exc:
        raise InputError(f"{flag}: cannot read numbers ({exc})", path=str(path)) from None
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise InputError(f"{flag}: expected a 2-D array (rows x columns), got shape "
                         f"{arr.shape}", path=str(path))
    return arr


def _read_csv(path: Path) -> np.ndarray:
    with path.open("r", encoding="utf-8") as fh:
        first = fh.readline()
    skip = 0 if _numeric(first) else 1
    return np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2, dtype=np.float64)


def _numeric(line: str) -> bool:
    try:
        [float(x) for x in line.strip().split(",") if x.strip()]
    except ValueError:
        return False
    return True
