"""Install a report folder as one unit: every file from one run, or the previous set intact.

Why not write the files one by one (each atomically): two audits writing into the same folder
would interleave (``audit.json`` from one run, ``report.html`` from the other), and an audit
killed between two files would leave a mixed set. So the whole set is written into a staging
folder next to the report folder (same parent, so the same file system) and swapped in:

1. stage: ``<parent>/.<name>.tuneready-<random>/`` gets every file, each fsynced. The stager
   holds an ``flock`` on its staging folder for as long as it lives, which is how a later run
   tells a live stager's folder from a dead one's (a pid could be reused or belong to another
   container; a lock dies with its process).
2. lock: an exclusive ``flock`` on the parent folder serializes the swap between audits.
   Under it, staging folders of dead runs are removed and a report folder that a killed run
   left renamed aside is put back.
3. swap: Linux ``renameat2(RENAME_EXCHANGE)`` exchanges the staging and the report folder in
   one atomic step; the old set, now under the staging name, is deleted. Where that call is
   missing, two renames do it (report folder aside, staging folder in), and a kill between
   them is repaired by the next run (step 2): the previous set is never lost.

Only a folder that holds nothing but report files is swapped (a new folder, or one a
previous audit made); a folder with anything else in it (``--out .``, a shared artifacts
folder) keeps its other files: the report files are then replaced one by one, under the same
lock, each atomically. Readers that open a file mid-swap get the old or the new version.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

STAGING = ".tuneready-"
ASIDE = "aside-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _stage_hook(stage: str) -> None:
    """Called at each step of an install; tests replace it to kill the process there."""


def install(folder: Path, files: dict[str, str | Callable[[TextIO], None]],
            managed: set[str]) -> list[Path]:
    """Write ``files`` (name -> text, or a function that writes the text to the open file:
    a large file such as ``flagged.csv`` is streamed, never held whole in memory) as
    ``folder``'s report set; return their paths.

    ``managed`` are the names a report folder may hold (every report file any run writes):
    a folder holding only those is swapped whole, which also drops a file this run no longer
    writes.
    """
    given, folder = folder, Path(os.path.abspath(folder))
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    with _staging(parent, folder.name) as stage:
        for name, text in files.items():
            _write(stage / name, text)
            _stage_hook(f"wrote {name}")
        _fsync_dir(stage)
        with _locked(parent):
            _recover(parent, folder.name)
            _stage_hook("locked")
            if _swappable(folder, managed):
                _swap(stage, folder)
            else:
                _replace_each(stage, folder, list(files))
            _stage_hook("installed")
            _fsync_dir(parent)
    return [given / name for name in files]


def _prefix(name: str) -> str:
    return f".{name}{STAGING}"


@contextlib.contextmanager
def _staging(parent: Path, name: str) -> Iterator[Path]:
    """A fresh staging folder, locked while we live; removed (with what it ends up holding,
    the new files or the old set after the swap) when we are done, even on an exception.

    It is created and locked under the parent's lock, so a run cleaning up dead staging
    folders (also under that lock) never sees ours before we hold its lock."""
    stage = parent / f"{_prefix(name)}{secrets.token_hex(6)}"
    with _locked(parent):
        stage.mkdir(mode=0o755)
        fd = os.open(stage, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        os.close(fd)


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write(path: Path, text: str | Callable[[TextIO], None]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        if isinstance(text, str):
            fh.write(text)
        else:
            text(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a directory; the renames still hold
        pass
    finally:
        os.close(fd)


def _dead(path: Path) -> bool:
    """A staging folder whose owner is gone: nobody holds its lock."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    else:
        return True
    finally:
        os.close(fd)


def _recover(parent: Path, name: str) -> None:
    """Under the parent's lock: put back a report folder a killed run left aside, then remove
    the staging folders of runs that died."""
    folder = parent / name
    stale = [p for p in parent.glob(f"{_prefix(name)}*") if p.is_dir() and _dead(p)]
    aside = [p for p in stale if p.name.startswith(_prefix(name) + ASIDE)]
    if not folder.exists() and aside:
        keep = max(aside, key=lambda p: p.stat().st_mtime)
        os.rename(keep, folder)
        stale.remove(keep)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _swappable(folder: Path, managed: set[str]) -> bool:
    if not folder.exists():
        return True
    if folder.is_symlink() or not folder.is_dir():
        return False
    if Path.cwd().resolve().is_relative_to(folder.resolve()):
        return False  # swapping the folder we stand in would leave us in a deleted one
    return all(entry.is_file() and entry.name in managed for entry in folder.iterdir())


def _swap(stage: Path, folder: Path) -> None:
    if not folder.exists():
        os.rename(stage, folder)
        return
    if exchange(stage, folder):
        return
    # no atomic exchange here: the old set goes aside (under a name the next run's _recover
    # puts back if we are killed now), the new one in, the old one out with the staging
    aside = folder.with_name(_prefix(folder.name) + ASIDE + secrets.token_hex(6))
    os.rename(folder, aside)
    _stage_hook("aside")
    os.rename(stage, folder)
    os.rename(aside, stage)


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _replace_each(stage: Path, folder: Path, names: list[str]) -> None:
    """A folder shared with other files: replace our files one by one (each atomic)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(stage / name, folder / name)
        _stage_hook(f"replaced {name}")
