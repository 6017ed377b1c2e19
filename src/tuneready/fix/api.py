"""``tuneready.fix(...)``: the Python API of ``tuneready fix`` (files in, files out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tuneready.fix.run import FixResult


def fix(source: Any, out: str | None = None, *, report_dir: str | None = None,
        eval_path: str | None = None, review: str | None = None, drop_flagged: bool = False,
        relabel_flagged: bool = False, drop_bad_answers: bool = False, redact: bool = False,
        drop_private: bool = False,
        keep: tuple[str, ...] = (), only: tuple[str, ...] = (), label: str | None = None,
        text: str | None = None, format: str | None = None, reader: str | None = None,
        encoding: str = "utf-8", policy: str | None = None) -> FixResult:
    """Audit a data file, write its cleaned copy (same format, encoding and compression),
    ``changes.csv`` beside it and, in the report folder, the re-audit and the diff.

    ``source``: a path, or a list of shard paths (files only: a DataFrame has no format to
    write back). Returns a ``FixResult``: ``before`` and ``after`` audits, the ``plan``, the
    ``summary`` counts, the ``cleaned`` and ``changes`` paths. Nothing is written when an
    option or path is unusable (``InputError``).
    """
    from tuneready.config.errors import InputError
    from tuneready.engine.pipeline import AuditOptions
    from tuneready.fix.plan import FixOptions
    from tuneready.fix.run import relabel_threshold, run_fix
    from tuneready.io import LoadOptions

    paths = [source] if isinstance(source, (str, Path)) else source
    if not isinstance(paths, (list, tuple)) or not all(isinstance(p, (str, Path))
                                                       for p in paths):
        raise InputError("fix needs a file path (or shard paths): the cleaned data is written "
                         "in the input's own format")
    options = AuditOptions(load=LoadOptions(reader=reader, format=format, text=text,
                                            label=label, encoding=encoding), policy=policy,
                           eval_path=Path(eval_path) if eval_path else None,
                           review_path=Path(review) if review else None)
    fix_options = FixOptions(drop_flagged=drop_flagged, relabel_flagged=relabel_flagged,
                             drop_bad_answers=drop_bad_answers, redact=redact,
                             drop_private=drop_private, keep=keep, only=only,
                             relabel_min_probability=relabel_threshold(policy))
    return run_fix([Path(p) for p in paths], options, fix_options,
                   out=Path(out) if out else None,
                   folder=Path(report_dir) if report_dir else None)
