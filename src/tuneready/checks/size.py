"""size: are there enough distinct examples, in every class, for the training path?

Raw row counts flatter a dataset. We count distinct examples (exact duplicates after folding
case and whitespace removed) and compare against the policy's thresholds per path. Effective
size (distinct minus rows other checks exclude) is computed by the decision with the same
``size_cap`` rule, so both speak the same thresholds.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tuneready.checks.base import example_rows, status_of
from tuneready.evidence import Evidence
from tuneready.io.dataset import Dataset
from tuneready.model import CheckResult, Finding, Severity, Verdict
from tuneready.policy import CheckPolicy


def size_cap(n: int, policy: CheckPolicy, what: str = "distinct") -> Finding | None:
    """The finding (with its verdict cap) for ``n`` examples, or ``None`` when n suffices."""
    full = int(policy.get("full_finetune_min", 1000))
    lora = int(policy.get("lora_min", 100))
    floor = int(policy.get("not_ready_below", 10))
    prefix = "size" if what == "distinct" else "decision"
    if n < floor:
        return Finding(f"{prefix}.below_minimum", Severity.FAIL,
                       f"only {n:,} {what} examples: below the {floor} needed for any tuning "
                       "or a reliable few-shot prompt", observed=n, threshold=floor,
                       caps=Verdict.NOT_READY, remedy=f"collect at least {floor - n:,} more "
                       "distinct examples")
    if n < lora:
        return Finding(f"{prefix}.below_lora_min", Severity.WARN,
                       f"{n:,} {what} examples: below the {lora:,} LoRA minimum; a few-shot "
                       "prompt can use them directly", observed=n, threshold=lora,
                       caps=Verdict.PROMPT_ENGINEERING,
                       remedy=f"about {lora - n:,} more distinct examples for LoRA")
    if n < full:
        return Finding(f"{prefix}.below_full_finetune_min", Severity.WARN,
                       f"{n:,} {what} examples: below the {full:,} full fine-tune minimum",
                       observed=n, threshold=full, caps=Verdict.LORA,
                       remedy=f"about {full - n:,} more distinct examples for a full fine-tune")
    return None


class SizeCheck:
    name: ClassVar[str] = "size"
    what: ClassVar[str] = ("raw, distinct and per-class example counts and training tokens "
                           "against the minimum for each training path")
    why: ClassVar[str] = ("fine-tuning rarely pays below about 1,000 good examples; adapters "
                          "need hundreds; below that a prompt does better")

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        frame = data.frame
        dup_positions = _duplicate_positions(evidence.row_hash)
        dup_rows = frame["row_id"].to_numpy()[dup_positions].tolist()
        distinct = len(frame) - len(dup_rows)
        findings: list[Finding] = []
        cap = size_cap(distinct, policy)
        if cap:
            findings.append(cap)
        if dup_rows:
            share = len(dup_rows) / max(1, len(frame))
            findings.append(Finding(
                "size.exact_duplicates", Severity.WARN if share > 0.05 else Severity.INFO,
                f"{len(dup_rows):,} rows ({share:.1%}) repeat an earlier example exactly "
                "(ignoring case and spacing); they add weight, not information",
                observed=len(dup_rows), threshold=0, rows=example_rows(dup_rows),
                n_rows=len(dup_rows), remedy="drop the repeated rows"))
        metrics: dict[str, Any] = {"raw_n": len(frame), "distinct_n": distinct,
                                   "exact_duplicates": len(dup_rows)}
        tables: dict[str, list[dict[str, Any]]] = {}
        if data.has_labels:
            counts = frame["label"].dropna().value_counts()
            findings.extend(_class_findings(counts, frame, policy))
            metrics.update(n_classes=len(counts), labelled_n=int(counts.sum()),
                           imbalance_ratio=round(float(counts.max() / counts.min()), 2))
            tables["classes"] = [{"label": str(k), "count": int(v),
                                  "share": round(float(v / counts.sum()), 4)}
                                 for k, v in counts.sort_index().items()]
        if len(frame):
            metrics["training_tokens"] = int(evidence.input_tokens.sum()
                                             + evidence.target_tokens.sum())
        return CheckResult(name=self.name, status=status_of(findings), findings=findings,
                           metrics=metrics, params=policy, excluded_rows=sorted(dup_rows),
                           tables=tables, summary=f"{len(frame):,} rows, {distinct:,} distinct")


def _duplicate_positions(hashes: np.ndarray) -> np.ndarray:
    """Positions of rows whose hash appeared earlier (first occurrence is kept)."""
    if not len(hashes):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(pd.Series(hashes).duplicated(keep="first").to_numpy())


def _class_findings(counts: pd.Series, frame: pd.DataFrame,
                    policy: CheckPolicy) -> list[Finding]:
    hard = int(policy.get("per_class_min", 10))
    warn = int(policy.get("per_class_warn", 50))
    out = []
    rare = counts[counts < hard]
    if len(rare):
        rows = frame.loc[frame["label"].isin(rare.index), "row_id"].tolist()
        out.append(Finding(
            "size.class_below_min", Severity.FAIL,
            f"{len(rare)} classes have fewer than {hard} examples "
            f"({_name_counts(rare)}): a tuned model will not learn them",
            observed=int(rare.min()), threshold=hard, rows=example_rows(rows), n_rows=len(rows),
            caps=Verdict.LORA, remedy="collect more examples of these classes or merge them"))
    thin = counts[(counts >= hard) & (counts < warn)]
    if len(thin):
        out.append(Finding(
            "size.class_below_warn", Severity.WARN,
            f"{len(thin)} classes have fewer than {warn} examples ({_name_counts(thin)})",
            observed=int(thin.min()), threshold=warn))
    ratio = float(counts.max() / counts.min()) if len(counts) > 1 else 1.0
    limit = float(policy.get("max_imbalance_ratio", 100.0))
    if ratio > limit:
        out.append(Finding(
            "size.class_imbalance", Severity.WARN,
            f"the largest class is {ratio:.0f}x the smallest (limit {limit:.0f}x)",
            observed=round(ratio, 2), threshold=limit))
    return out


def _name_counts(counts: pd.Series, limit: int = 5) -> str:
    items = [f"{k}: {v}" for k, v in counts.sort_values().head(limit).items()]
    more = f", +{len(counts) - limit} more" if len(counts) > limit else ""
    return ", ".join(items) + more
