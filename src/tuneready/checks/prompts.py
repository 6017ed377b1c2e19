"""prompts: are the system prompts and instruction templates one versioned prompt, or drift?

A prompt edited silently between data collection runs leaves near-identical variants a few
words apart: the tuned model learns a mixture, and nobody can say which prompt produced
which rows, so results stop being reproducible. For chat and instruction data we count the
distinct system prompts and instruction templates (the instruction of an instruction + input
record) with their shares, and look for variants within ``max_word_edits`` words of each
other (word-level Levenshtein distance, ``rapidfuzz``). Only distinct texts are compared,
and at most ``max_variants`` of the most frequent, so the cost does not grow with rows.
A finding lists the rows of each variant and recommends one versioned prompt; a single
consistent prompt gives no finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import CheckSpec, Declared, example_rows, skipped, status_of
from tuneready.checks.flagrows import Flags
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

FIELDS = {"system": "system prompt", "instruction": "instruction template"}
CLIP = 160


@dataclass(frozen=True)
class PromptsSettings(Table):
    """``[prompts]``: how far apart two prompt texts may be to count as variants of one."""

    table = "prompts"
    max_word_edits: int
    max_edit_share: float
    max_variants: int


SPEC = CheckSpec(
    name="prompts", cls="PromptsCheck",
    what=("distinct system prompts and instruction templates, their shares, and "
          "near-identical variants a few words apart"),
    why=("a prompt that changes silently between runs makes the data a mixture nobody can "
         "reproduce; one versioned prompt keeps it honest"),
    needs=frozenset(),  # reads the frame's system/instruction columns only
    settings=PromptsSettings,
    excluded_as=None,
    charts={},
    diff_metrics=(),
)


class PromptsCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        frame = data.frame
        present = [f for f in FIELDS if f in frame and frame[f].astype(str).str.strip().any()]
        if not present:
            return skipped(self.name, "no system prompt or instruction template in the data",
                           policy)
        metrics: dict[str, Any] = {}
        tables: dict[str, list[dict[str, Any]]] = {}
        findings: list[Finding] = []
        flags = Flags(self.name, frame)
        for field in present:
            m, table, found = _one_field(frame, field, PromptsSettings.of(policy), flags)
            metrics.update(m)
            tables[f"{field}_variants"] = table
            findings += found
        summary = "; ".join(
            f"{metrics[f'{f}_distinct']} distinct {FIELDS[f]}(s) on "
            f"{metrics[f'{f}_rows']:,} rows" for f in present)
        if findings:
            summary += f"; {sum(f.n_rows for f in findings):,} rows in near-identical variants"
        return CheckResult(self.name, status_of(findings), summary, metrics, findings,
                           dict(policy), tables=tables, flagged=flags.rows())


def _one_field(frame: pd.DataFrame, field: str, cfg: PromptsSettings, flags: Flags
               ) -> tuple[dict[str, Any], list[dict[str, Any]], list[Finding]]:
    texts = frame[field].fillna("").astype(str).str.strip().tolist()
    ids: dict[str, list[int]] = {}
    where: dict[str, list[int]] = {}  # frame positions, for flagged.csv
    for pos, (text, row) in enumerate(zip(texts, frame["row_id"].tolist(), strict=True)):
        if text:
            ids.setdefault(text, []).append(int(row))
            where.setdefault(text, []).append(pos)
    counts = {t: len(r) for t, r in sorted(ids.items(), key=lambda tr: (-len(tr[1]), tr[0]))}
    n = sum(counts.values())
    top = list(counts)[:cfg.max_variants]
    groups = near_groups(top, cfg.max_word_edits, cfg.max_edit_share)
    group_of = {t: i + 1 for i, g in enumerate(groups) for t in g}
    table = [{"variant": _clip(t), "rows": counts[t], "share": round(counts[t] / n, 4),
              "example_rows": ", ".join(map(str, ids[t][:5])), "group": group_of.get(t, 0)}
             for t in top]
    metrics = {f"{field}_rows": n, f"{field}_distinct": len(counts),
               f"{field}_top_share": round(counts[top[0]] / n, 4),
               f"{field}_near_groups": len(groups), f"{field}_compared": len(top)}
    findings = [_finding(field, g, ids, counts) for g in groups]
    for g in groups:
        _flag_group(flags, field, g, ids, where)
    return metrics, table, findings


def _flag_group(flags: Flags, field: str, group: list[str], ids: dict[str, list[int]],
                where: dict[str, list[int]]) -> None:
    """Every row of every variant in a drifting group, with its variant's word distance to
    the group's most frequent one (a plain count: no precision)."""
    from rapidfuzz.distance import Levenshtein

    base = group[0]
    positions: list[int] = []
    reasons: list[str] = []
    evidence: list[str] = []
    for rank, text in enumerate(group, start=1):
        edits = Levenshtein.distance(base.split(), text.split())
        why = (f"most frequent {FIELDS[field]} of a drifting group" if rank == 1 else
               f"{FIELDS[field]} variant {rank} of {len(group)}, {edits} word"
               f"{'' if edits == 1 else 's'} from the most frequent (row {ids[base][0]})")
        positions += where[text]
        reasons += [why] * len(ids[text])
        evidence += [f"{len(ids[text]):,} rows use this variant"] * len(ids[text])
    flags.add(f"prompts.{field}_drift", None, reasons, evidence,
              positions=np.asarray(positions, dtype=np.int64))


def near_groups(texts: list[str], max_edits: int, max_share: float) -> list[list[str]]:
    """Groups of distinct texts linked by a small word-level edit distance (union-find over
    pairs; quadratic in the *distinct* texts given, which the caller caps)."""
    from rapidfuzz.distance import Levenshtein

    words = [t.split() for t in texts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            longest = max(len(words[i]), len(words[j]))
            bound = min(max_edits, int(max_share * longest))
            if bound < 1 or abs(len(words[i]) - len(words[j])) > bound:
                continue
            d = Levenshtein.distance(words[i], words[j], score_cutoff=bound)
            if 0 < d <= bound:
                parent[root(j)] = root(i)
    members: dict[int, list[str]] = {}
    for i, t in enumerate(texts):
        members.setdefault(root(i), []).append(t)
    return [g for g in members.values() if len(g) > 1]


def _finding(field: str, group: list[str], ids: dict[str, list[int]], counts: dict[str, int]
             ) -> Finding:
    rows = sorted(r for t in group for r in ids[t])
    base = group[0]  # the most frequent variant (groups keep frequency order)
    parts = [f"'{_clip(base, 60)}' ({counts[base]:,} rows, e.g. "
             f"{', '.join(map(str, ids[base][:3]))})"]
    parts += [f"{difference(base, t)} ({counts[t]:,} rows, e.g. {', '.join(map(str, ids[t][:3]))})"
              for t in group[1:4]]
    more = f" and {len(group) - 4} more" if len(group) > 4 else ""
    return Finding(
        f"prompts.{field}_drift", Severity.WARN,
        f"{len(group)} {FIELDS[field]}s differ by a few words (likely silent edits): "
        + "; ".join(parts) + more,
        observed=len(group), threshold=1, rows=example_rows(rows), n_rows=len(rows),
        remedy=f"use one versioned {FIELDS[field]} (keep it in a file, pass it with --prompt "
               "and record its version with the data)")


def difference(base: str, other: str) -> str:
    """The words that differ, as "'concisely' for 'briefly'" (word-level opcodes)."""
    from difflib import SequenceMatcher

    a, b = base.split(), other.split()
    edits = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace":
            edits.append(f"'{' '.join(b[j1:j2])}' for '{' '.join(a[i1:i2])}'")
        elif op == "insert":
            edits.append(f"'{' '.join(b[j1:j2])}' added")
        elif op == "delete":
            edits.append(f"'{' '.join(a[i1:i2])}' dropped")
    return _clip(", ".join(edits), 80)


def _clip(text: str, limit: int = CLIP) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"
