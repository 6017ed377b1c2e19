"""Write an audit's report files: each format from the same finished ``Audit``.

The report folder always gets the full set (``audit.json``, ``report.html``, ``summary.md``,
``junit.xml``, ``flagged.csv`` (every finding's every row), and ``review.csv`` when the data
has labels or answer findings to review)
so a reviewer or a CI artifact upload finds the same names every time. The set is installed
as one unit (``io/reportdir.py``): concurrent audits never interleave their files and a
killed audit leaves the previous set intact. Extra paths (``--html``, ``--md``, ``--junit``)
get copies, each written atomically. The Markdown summary is appended to
``$GITHUB_STEP_SUMMARY`` when that variable is set (GitHub Actions shows it on the run page).
A renderer that fails costs only its own file: the audit and the other reports still land.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tuneready.core.results import Audit
from tuneready.io.write import atomic_write
from tuneready.render.review_panel import review_rows

FOLDER_FILES = {"json": "audit.json", "html": "report.html", "md": "summary.md",
                "junit": "junit.xml"}
#: every file name a report folder may hold (what an audit writes there, with or without
#: options); a folder holding only these is replaced whole by the next audit
#: the label-noise review sample, for a person to fill (``tuneready.evidence.review``)
REVIEW_FILE = "review.csv"
#: every (finding, row) of every check (``core.precision.FlaggedRow``), in every folder
FLAGGED_FILE = "flagged.csv"
MANAGED_FILES = {*FOLDER_FILES.values(), REVIEW_FILE, FLAGGED_FILE}
#: flagged rows written per ``writerows`` call
FLAGGED_CHUNK = 65_536


def write_flagged(audit: Audit, fh: TextIO) -> None:
    """``flagged.csv`` into an open file: one line per (finding, row) of every check, in
    check order; cells formula-safe (``io/csvsafe.py``). Rows carry no raw text
    (``FlaggedRow``) and were masked with every other reported string before the audit
    existed. Streamed, in chunks: a million flagged rows never become one string."""
    import csv

    from tuneready.core.precision import FlaggedRow
    from tuneready.io.csvsafe import safe_cell

    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(FlaggedRow.COLUMNS)
    for check in audit.checks:
        for start in range(0, len(check.flagged), FLAGGED_CHUNK):
            writer.writerows([safe_cell(v) for v in f.cells()]
                             for f in check.flagged[start:start + FLAGGED_CHUNK])


def render_flagged(audit: Audit) -> str:
    """``flagged.csv`` as text (``write_flagged``)."""
    buf = io.StringIO()
    write_flagged(audit, buf)
    return buf.getvalue()


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _renderers() -> dict[str, Callable[[Audit], str]]:
    from tuneready.render import html, junit, markdown
    from tuneready.render import json as json_render

    return {"json": json_render.render, "html": html.render,
            "md": lambda a: markdown.render(a, html_name=FOLDER_FILES["html"]),
            "junit": junit.render}


def write_reports(audit: Audit, folder: Path | None = None,
                  extra: dict[str, Path | None] | None = None,
                  step_summary: bool = True) -> Written:
    """Render each format once and write it to the folder and to any extra path.

    ``OSError`` (unwritable folder) propagates: the caller reports it as an input error.
    """
    targets: dict[str, list[Path]] = {k: [] for k in FOLDER_FILES}
    if folder is not None:
        for kind, name in FOLDER_FILES.items():
            targets[kind].append(folder / name)
    for kind, path in (extra or {}).items():
        if path is not None:
            targets[kind].append(path)
    written = Written()
    renderers = _renderers()
    folder_set: dict[str, str | Callable[[TextIO], None]] = {}
    if folder is not None:  # written by every audit, empty but for its header when clean
        folder_set[FLAGGED_FILE] = functools.partial(write_flagged, audit)
    review = review_rows(audit)
    if folder is not None and review:
        from tuneready.io.review_file import render as render_review

        folder_set[REVIEW_FILE] = render_review(review)  # part of the set, installed with it
    summary = None
    for kind, paths in targets.items():
        if not paths and not (kind == "md" and step_summary):
            continue
        try:
            text = renderers[kind](audit)
        except Exception as exc:  # a renderer bug must not hide the verdict or the other files
            written.problems.append(f"could not render {kind}: {type(exc).__name__}: {exc}")
            continue
        for path in dict.fromkeys(paths):
            if folder is not None and path == folder / FOLDER_FILES[kind]:
                folder_set[FOLDER_FILES[kind]] = text
            else:
                written.paths.append(atomic_write(path, text))
        summary = text if kind == "md" else summary
    if folder is not None:
        from tuneready.io.reportdir import install

        written.paths[:0] = install(folder, folder_set, MANAGED_FILES)
    if summary is not None and step_summary:
        _append_step_summary(summary)
    return written


def _append_step_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
