"""``tuneready fix``: audit, choose the changes, write the cleaned data, audit it again.

Order matters for failing closed: every option, the output path (never the input, always
writable) and the review file are checked before the first audit, so a usage error costs
nothing and leaves nothing behind. The input is only ever opened for reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuneready.config.errors import InputError
from tuneready.config.policy import Policy, load_policy
from tuneready.config.typed import Table
from tuneready.core.results import Audit
from tuneready.engine.pipeline import AuditOptions, audit_with_evidence, load_source, run_audit
from tuneready.evidence.store import Evidence
from tuneready.fix import changes as changes_csv
from tuneready.fix.plan import Action, Change, FixOptions, FixPlan, select
from tuneready.fix.targets import collect, relabel_field, repeats
from tuneready.fix.writers import Edit, ShardJob, relabel, replace_fields, write_shard
from tuneready.io.dataset import Dataset
from tuneready.io.sources import Source, resolve
from tuneready.io.streams import split_suffix

#: re-checks after dropping repeats (clusters can re-form once a member is gone)
MAX_ROUNDS = 10
CHANGES = "changes.csv"


@dataclass
class FixResult:
    before: Audit
    after: Audit
    plan: FixPlan
    cleaned: Path
    changes: Path
    folder: Path
    summary: dict[str, Any]
    diff: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def reaudit(self) -> dict[str, int]:
        return reaudit_counts(self.after)


def run_fix(paths: list[Path], audit: AuditOptions, options: FixOptions,
            out: Path | None = None, folder: Path | None = None,
            progress: Callable[[str], None] | None = None) -> FixResult:
    """Everything ``tuneready fix`` does; ``InputError`` for every usage problem."""
    options.validate()
    if audit.load.sample:
        raise InputError("fix works on every row; drop --sample")
    source = resolve(paths, audit.load.split)
    report = folder or Path("reports") / source.slug
    targets = output_paths(source, out, report)
    refuse_inputs(source, [*targets.values(), report])
    for path in [*targets.values(), report]:
        writable(path.parent if path in targets.values() else path)
    policy = load_policy(audit.policy)
    say = progress or (lambda _m: None)
    data = load_source(paths, audit.load)
    review = _review(data, audit)  # stricter than the audit's reading: checked first
    before, data, evidence = audit_with_evidence(paths, audit, progress=say, data=data)
    say("choose changes")
    plan = select(collect(data, evidence, policy, review,
                          private=options.redact or options.drop_private), options)
    if not relabel_field(data) and (options.relabel_flagged or review is not None):
        plan.notes.append("labels here are the answers themselves: rows are not relabelled "
                          "(use --drop-flagged to drop flagged rows)")
    converge(data, plan, policy, evidence.eval_data, options)
    say("write cleaned data")
    _write(source, data, plan, targets, audit.load.encoding, policy)
    cleaned = out or (targets[source.files[0]] if len(source.files) == 1
                      else report / f"{source.slug}.cleaned")
    changes_path = cleaned.parent / CHANGES  # beside the file (or the shards' folder)
    _install(changes_path, changes_csv.render(_masked(plan, policy)))
    say("re-audit")
    after = run_audit(list(targets.values()), _reaudit_options(audit, data, plan), progress=say)
    return _finish(before, after, plan, data, cleaned, changes_path, report)


@dataclass(frozen=True)
class FixSettings(Table):
    """``[fix]``: how sure the proxy must be before ``--relabel-flagged`` changes a label."""

    table = "fix"
    relabel_min_probability: float


def relabel_threshold(policy: str | Path | None) -> float:
    """``[fix] relabel_min_probability`` of the policy (exit 2 on a bad policy, as ever)."""
    return FixSettings.from_policy(load_policy(policy)).relabel_min_probability


def output_paths(source: Source, out: Path | None, report: Path) -> dict[Path, Path]:
    """Input file -> cleaned file: ``<report>/<name>.cleaned.<ext>``; shards go to a folder
    (``--out`` names it) under their own names."""
    if len(source.files) == 1:
        path = source.files[0]
        return {path: out or report / f"{source.slug}.cleaned{_extension(path)}"}
    base = out or report / f"{source.slug}.cleaned"
    return {p: base / source.label(p) for p in source.files}


def _extension(path: Path) -> str:
    inner, compression = split_suffix(path)
    return (inner or "".join(path.suffixes[:1])) + (path.suffixes[-1] if compression else "")


def refuse_inputs(source: Source, outputs: list[Path]) -> None:
    """No output may be an input file (by path or as a hard link), nor lie inside an input
    folder of shards (the next audit of that folder would read it)."""
    inputs = {p.resolve() for p in source.files}
    root = source.root.resolve() if source.root is not None and source.root.is_dir() else None
    for out in outputs:
        where = out.resolve()
        if where in inputs or (out.exists() and any(os.path.samefile(out, p)
                                                    for p in source.files)):
            raise InputError("the output would overwrite the input; choose another --out",
                             path=str(out))
        if root is not None and where.is_relative_to(root):
            raise InputError("the output would land inside the input folder; choose another "
                             "--out", path=str(out))


def writable(folder: Path) -> None:
    """The nearest existing ancestor must be a writable folder (checked before any work)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise InputError("cannot write here (not a writable folder)", path=str(probe))


def _review(data: Dataset, audit: AuditOptions) -> Any:
    """The review's answers; in fix an answer for a row that is not there is an error."""
    if audit.review_path is None:
        return None
    from tuneready.io import review_file

    answers = review_file.read(audit.review_path)
    ids = {str(r) for r in data.frame["row_id"].tolist()}
    hashes = {review_file.input_hash(t) for t in data.frame["input"].tolist()}
    for a in answers:
        if a.row_id not in ids and a.input_hash not in hashes:
            raise InputError(f"unknown row id {a.row_id}", path=str(audit.review_path),
                             line=a.line, field="row_id")
    classes = sorted(str(v) for v in data.frame["label"].dropna().unique())
    return review_file.match(answers, data.frame, classes, str(audit.review_path))


def kept_frame(data: Dataset, plan: FixPlan) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows that stay, with their new labels, and their positions in ``data.frame``."""
    frame = data.frame
    keep = ~frame["row_id"].isin(plan.dropped).to_numpy()
    out = frame[keep].reset_index(drop=True).copy()
    labels = {c.row_id: c.label_after for c in plan.changes.values()
              if c.action == Action.RELABEL}
    if labels:
        out["label"] = [labels.get(int(r), v) for r, v in zip(out["row_id"], out["label"],
                                                               strict=True)]
    return out, np.flatnonzero(keep)


def converge(data: Dataset, plan: FixPlan, policy: Policy, eval_data: Dataset | None,
             options: FixOptions) -> int:
    """Re-check the rows that stay until no repeat or leak is left (or ``MAX_ROUNDS``);
    returns the rounds taken. A drop found here replaces a planned relabel."""
    for rounds in range(1, MAX_ROUNDS + 1):
        frame, _ = kept_frame(data, plan)
        ev = Evidence(replace(data, frame=frame, problems=[]), seed=policy.seed)
        ev.eval_data = eval_data
        extra = [c for c in select(repeats(ev, policy), options).changes.values()
                 if c.action == Action.DROP]
        if not extra:
            return rounds
        for change in extra:
            plan.changes[change.row_id] = _recheck(change)
    plan.notes.append(f"repeats still found after {MAX_ROUNDS} re-checks")
    return MAX_ROUNDS


def _recheck(change: Change) -> Change:
    return replace(change, kept_reason=change.kept_reason + " (found on re-check)"
                   if change.kept_reason else "")


def _masked(plan: FixPlan, policy: Policy) -> FixPlan:
    """The plan with identifiers in its excerpts masked, for the change log."""
    from tuneready.fix.private import mask_excerpts

    ordered = plan.ordered()
    masked = mask_excerpts([c.excerpt for c in ordered], policy)
    return FixPlan({c.row_id: replace(c, excerpt=m) for c, m in zip(ordered, masked,
                                                                   strict=True)}, plan.notes)


def _write(source: Source, data: Dataset, plan: FixPlan, targets: dict[Path, Path],
           encoding: str, policy: Policy) -> None:
    """One job per shard; each shard's row ids found by binary search (sorted arrays)."""
    dropped = plan.dropped
    rows = data.frame["row_id"].to_numpy(dtype=np.int64)
    bad = np.asarray([p.line for p in data.problems], dtype=np.int64)
    every = np.sort(np.concatenate([rows, bad]))
    keep = np.asarray([r for r in every.tolist() if r not in dropped], dtype=np.int64)
    edits = edits_for(plan, relabel_field(data), policy)
    edit_rows = np.sort(np.asarray(list(edits), dtype=np.int64))
    last_row = int(every[-1]) if len(every) else 0
    blocks = data.sources or [{"first_row": 1, "last_row": last_row}]
    for path, block in zip(source.files, blocks, strict=True):
        first, last = int(block["first_row"]), int(block["last_row"])
        job = ShardJob(path, data.reader, set(_local(keep, first, last)),
                       {r: edits[r + first - 1] for r in _local(edit_rows, first, last)},
                       targets[path], tuple(_local(every, first, last)))
        write_shard(job, encoding)


def _local(sorted_ids: np.ndarray, first: int, last: int) -> list[int]:
    """Ids in ``[first, last]`` as line numbers of their shard (1-based)."""
    lo, hi = np.searchsorted(sorted_ids, [first, last + 1])
    return (sorted_ids[lo:hi] - first + 1).tolist()


def edits_for(plan: FixPlan, label_field: str | None,
              policy: Policy | None = None) -> dict[int, Edit]:
    """Row id -> how its record is rewritten: a relabel sets the label field, a replacement
    sets the fields it names, a redaction rewrites every string of the record (a new action
    adds its own ``Edit`` here)."""
    edits: dict[int, Edit] = {}
    redact: Edit | None = None
    for change in plan.changes.values():
        if change.action == Action.RELABEL and change.label_after is not None and label_field:
            edits[change.row_id] = relabel(label_field, change.label_after)
        elif change.action == Action.REPLACE and change.replacement:
            edits[change.row_id] = replace_fields(change.replacement)
        elif change.action == Action.REPLACE and change.code.startswith("privacy."):
            if redact is None:
                from tuneready.fix.private import redact_record

                redact = redact_record(policy or load_policy(None))
            edits[change.row_id] = redact
    return edits


def _install(path: Path, text: str) -> None:
    from tuneready.io.write import atomic_write

    atomic_write(path, text)


def _reaudit_options(audit: AuditOptions, data: Dataset, plan: FixPlan) -> AuditOptions:
    """The same audit of the cleaned rows: user arrays cut to them; no review (its row ids
    are the old file's)."""
    _, positions = kept_frame(data, plan)
    return replace(audit, review_path=None,
                   pred_probs=None if audit.pred_probs is None else audit.pred_probs[positions],
                   embeddings=None if audit.embeddings is None else audit.embeddings[positions],
                   command=audit.command + " (re-audit of the cleaned data)"
                   if audit.command else "")


def reaudit_counts(audit: Audit) -> dict[str, int]:
    """What the Done-when asks of the re-audit, read from its check metrics."""
    metrics = {c.name: c.metrics for c in audit.checks}
    dup = metrics.get("duplicates", {})
    return {"exact_duplicates": int(metrics.get("size", {}).get("exact_duplicates", 0)),
            "near_duplicate_clusters": int(dup.get("clusters", 0)),
            "leaked_eval_rows": int(dup.get("leaked_eval_rows", 0)),
            "malformed_records": int(metrics.get("schema", {}).get("malformed_records", 0)),
            "invalid_rows": int(metrics.get("schema", {}).get("invalid_rows", 0))}


def _finish(before: Audit, after: Audit, plan: FixPlan, data: Dataset, cleaned: Path,
            changes_path: Path, report: Path) -> FixResult:
    from tuneready.decide.diff import compare
    from tuneready.io.write import atomic_write
    from tuneready.render import diff as diff_render
    from tuneready.render.outputs import write_reports

    kept_bad = sum(1 for p in data.problems if p.line not in plan.dropped)
    rows_out = len(kept_frame(data, plan)[0]) + kept_bad
    summary = changes_csv.summary(plan, data.records_read, len(data.problems), rows_out)
    comparison = compare(before, after)
    write_reports(before, report, step_summary=False)
    write_reports(after, report / "after", step_summary=False)
    atomic_write(report / "diff.md", diff_render.render(comparison))
    fix_block = {"summary": summary, "reaudit": reaudit_counts(after), "notes": plan.notes,
                 "cleaned": str(cleaned), "changes": str(changes_path)}
    atomic_write(report / "diff.json", json.dumps({**comparison, "fix": fix_block},
                                                  indent=2, sort_keys=True) + "\n")
    return FixResult(before, after, plan, cleaned, changes_path, report, summary, comparison,
                     plan.notes)
