"""The rows an audit's findings rest on, in full, for ``fix`` to act on.

A finding in ``audit.json`` names at most a few example rows; ``fix`` needs every row and,
for repeats, the whole cluster. So this module asks the same code the checks use (one place:
the schema rules, the duplicate clustering and eval matching of ``checks/duplicates``, the
label-issue evidence, the answer defects of ``targets``) on the same data, seed and policy,
and turns what they find into ``RowFlag``s and ``Cluster``s. Seeded, so the rows are the
rows the audit counted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tuneready.config.policy import Policy
from tuneready.evidence.store import Evidence
from tuneready.fix.plan import Cluster, RowFlag, Targets
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import Matched

EXCERPT = 120


def collect(data: Dataset, evidence: Evidence, policy: Policy, review: Matched | None,
            *, label_issues: bool = True, private: bool = False) -> Targets:
    """Every row-level fact ``select`` may act on (``label_issues=False`` skips the proxy,
    for the convergence re-checks that only look at repeats and leaks)."""
    frame = data.frame
    excerpts = frame["input"].fillna("").astype(str).str.slice(0, EXCERPT).tolist()
    labels = _labels(frame)
    rows = frame["row_id"].to_numpy()
    out = Targets(relabel_possible=relabel_field(data) is not None)
    out.flags += [RowFlag(p.line, f"schema.{p.code}", excerpt=p.message) for p in data.problems]
    out.flags += _invalid(data, evidence, policy, rows, excerpts, labels)
    out.flags += _leaks(evidence, policy, rows, excerpts, labels)
    if data.has_targets:
        out.flags += _bad_answers(data, evidence, policy, rows, excerpts, labels)
    if private:  # only when asked: a scan of every text
        from tuneready.fix.private import private_flags

        out.flags += private_flags(data, policy)
    if label_issues:
        out.flags += _label_flags(evidence, review, rows, excerpts, labels)
    out.clusters = clusters(evidence, policy)
    out.info = _info(out, rows, excerpts, labels)
    return out


def _info(targets: Targets, rows: np.ndarray, excerpts: list[str],
          labels: list[str | None]) -> dict[int, tuple[str, str | None]]:
    """Excerpt and label of every row a cluster names (only those: memory stays small)."""
    position = {int(r): i for i, r in enumerate(rows.tolist())}
    named = {r for c in targets.clusters for r in c.rows}
    return {r: (excerpts[position[r]], labels[position[r]]) for r in named}


def relabel_field(data: Dataset) -> str | None:
    """The record field that holds the label, when there is one (not answers-as-labels)."""
    label = data.mapping.get("label")
    if not isinstance(label, str) or label.startswith("target ("):
        return None
    return label


def _invalid(data: Dataset, evidence: Evidence, policy: Policy, rows: np.ndarray,
             excerpts: list[str], labels: list[str | None]) -> list[RowFlag]:
    """Rows failing a schema rule that excludes them (the first such rule names them)."""
    from tuneready.checks.schema import SchemaSettings, _rules, _validate, _validation_frame

    if not len(data.frame):
        return []
    position = {int(r): i for i, r in enumerate(rows.tolist())}
    rules = _rules(data, SchemaSettings.from_policy(policy))
    failures = _validate(_validation_frame(data, evidence), rules)
    seen: set[int] = set()
    out = []
    for rule, failed in failures.items():
        if not rule.excludes:
            continue
        for row in failed:
            if row not in seen:
                seen.add(row)
                i = position[row]
                out.append(RowFlag(row, rule.code, excerpts[i], labels[i]))
    return sorted(out, key=lambda f: f.row_id)


def clusters(evidence: Evidence, policy: Policy) -> list[Cluster]:
    """The duplicates check's example clusters (exact and near repeats) with 2+ members."""
    from tuneready.checks.duplicates import (
        DuplicatesSettings,
        cluster,
        example_clusters,
        minhash_params,
    )

    frame = evidence.data.frame
    if not len(frame):
        return []
    cfg = DuplicatesSettings.from_policy(policy)
    params = minhash_params(cfg, evidence.seed)
    threshold = cfg.near_threshold
    inp = cluster(evidence.norm_input.fillna(""), evidence.input_hash, params, threshold)
    ex = example_clusters(evidence, inp, params, threshold)
    rows = frame["row_id"].to_numpy()
    chars = frame["target"].fillna("").astype(str).str.strip().str.len().to_numpy()
    repeated = pd.Series(evidence.row_hash).duplicated().to_numpy()
    by = pd.Series(np.arange(len(frame))).groupby(ex.labels)
    out = []
    for _, members in by:
        pos = np.sort(members.to_numpy())
        if len(pos) < 2:
            continue
        out.append(Cluster(tuple(int(r) for r in rows[pos]),
                           tuple(int(c) for c in chars[pos]),
                           frozenset(int(rows[p]) for p in pos if repeated[p])))
    return out


def _leaks(evidence: Evidence, policy: Policy, rows: np.ndarray, excerpts: list[str],
           labels: list[str | None]) -> list[RowFlag]:
    """Training rows whose prompt is in the eval set, exactly or nearly (the check's own
    matching, uncapped)."""
    if evidence.eval_data is None or not len(evidence.data.frame):
        return []
    from tuneready.checks.duplicates import (
        DuplicatesSettings,
        _leakage,
        cluster,
        minhash_params,
    )

    cfg = DuplicatesSettings.from_policy(policy)
    params = minhash_params(cfg, evidence.seed)
    threshold = cfg.near_threshold
    inp = cluster(evidence.norm_input.fillna(""), evidence.input_hash, params, threshold)
    _, _, leaked, _ = _leakage(evidence, inp, params, threshold, cfg)
    position = {int(r): i for i, r in enumerate(rows.tolist())}
    hashes = evidence.input_hash
    grouped = pd.Series(np.arange(len(rows))).groupby(hashes).agg(list)
    same_prompt: dict[Any, list[int]] = dict(zip(grouped.index, grouped.tolist(), strict=True))
    out: dict[int, RowFlag] = {}
    done: set[Any] = set()
    for entry in leaked:  # every training row with the leaked prompt, each group once
        key = hashes[position[int(entry["row_id"])]]
        if key in done:
            continue
        done.add(key)
        for i in same_prompt[key]:
            row = int(rows[i])
            out[row] = RowFlag(row, "duplicates.eval_leakage", excerpts[i], labels[i],
                               other=int(entry["eval_row_id"]))
    return [out[r] for r in sorted(out)]


def _bad_answers(data: Dataset, evidence: Evidence, policy: Policy, rows: np.ndarray,
                 excerpts: list[str], labels: list[str | None]) -> list[RowFlag]:
    """The answers the audit removes from the effective size (its own rules and the same
    review, run once more on the same evidence): empty answers, rows a reviewer confirmed
    (``--review``) and rows of types whose precision a review measured precise enough.
    Unreviewed candidates stay: nothing is dropped on a precision not measured here."""
    if data.has_labels or not data.has_targets:
        return []
    from tuneready.checks.answers.acting import decide
    from tuneready.checks.answers.detect import detect_all
    from tuneready.checks.answers.settings import AnswersSettings

    cfg = AnswersSettings.from_policy(policy)
    found = detect_all(data, evidence, cfg)
    removed = decide(found, evidence.answer_review, cfg.exclude_min_precision).removed
    kind_at = {f.position: f.kind for f in found.flags}
    return [RowFlag(int(rows[i]), f"answers.{kind_at.get(i, 'reviewed')}", excerpts[i],
                    labels[i]) for i in sorted(removed)]


def _label_flags(evidence: Evidence, review: Matched | None, rows: np.ndarray,
                 excerpts: list[str], labels: list[str | None]) -> list[RowFlag]:
    """Reviewed rows (the reviewer's label) and unreviewed candidates (the likely label and
    the proxy's probability of it)."""
    out: list[RowFlag] = []
    answered: set[int] = set()
    if review is not None:
        for pos, label in zip(review.positions.tolist(), review.labels, strict=True):
            answered.add(pos)
            out.append(RowFlag(int(rows[pos]), "label_noise.reviewed", excerpts[pos],
                               labels[pos], likely=label))
    issues = evidence.label_issues
    if issues is None:
        return out
    proxy = evidence.proxy
    scored = {int(p): i for i, p in enumerate(issues.positions.tolist())}
    confirmed = set(issues.confirmed_positions.tolist())
    conflicts = set(issues.conflict_positions.tolist())
    for pos in issues.flagged_positions.tolist():
        if pos in answered:
            continue
        i = scored.get(pos)
        likely, prob = _likely(issues, proxy, i)
        code = ("label_noise.conflicting_duplicates" if pos in conflicts else
                "label_noise.confirmed" if pos in confirmed else "label_noise.flagged")
        out.append(RowFlag(int(rows[pos]), code, excerpts[pos], labels[pos], likely=likely,
                           probability=prob))
    return out


def _likely(issues: Any, proxy: Any, i: int | None) -> tuple[str | None, float | None]:
    if i is None or proxy is None:
        return None, None
    k = int(issues.likely[i])
    return str(issues.classes[k]), float(proxy.pred_probs[i, k])


def repeats(evidence: Evidence, policy: Policy) -> Targets:
    """Only the repeats and eval leaks: what dropping rows can make appear again."""
    frame = evidence.data.frame
    rows = frame["row_id"].to_numpy()
    excerpts = frame["input"].fillna("").astype(str).str.slice(0, EXCERPT).tolist()
    labels = _labels(frame)
    out = Targets(flags=_leaks(evidence, policy, rows, excerpts, labels),
                  clusters=clusters(evidence, policy))
    out.info = _info(out, rows, excerpts, labels)
    return out


def _labels(frame: pd.DataFrame) -> list[str | None]:
    return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
            else str(v) for v in frame["label"].tolist()]
