"""size: are there enough distinct examples, in every class, for the training path?

Raw row counts flatter a dataset. We count distinct examples (exact duplicates after folding
case and whitespace removed) and compare against the policy's thresholds per path. Effective
size (distinct minus rows other checks exclude) is computed by the decision with the same
``size_cap`` rule, so both speak the same thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import CheckSpec, Declared, example_rows, status_of
from tuneready.checks.flagrows import Flags, numbered
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity, SizeBasis, Verdict
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset


@dataclass(frozen=True)
class SizeSettings(Table):
    """``[size]``: the examples each path needs, per-class counts, class balance."""

    table = "size"
    not_ready_below: int
    lora_min: int
    full_finetune_min: int
    per_class_min: int
    per_class_warn: int
    max_imbalance_ratio: float


def size_cap(n: int, cfg: SizeSettings, what: str = "distinct") -> Finding | None:
    """The finding (with its verdict cap) for ``n`` examples, or ``None`` when n suffices."""
    full, lora, floor = cfg.full_finetune_min, cfg.lora_min, cfg.not_ready_below
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
                       remedy=f"about {lora - n:,} more {what} examples for LoRA")
    if n < full:
        return Finding(f"{prefix}.below_full_finetune_min", Severity.WARN,
                       f"{n:,} {what} examples: below the {full:,} full fine-tune minimum",
                       observed=n, threshold=full, caps=Verdict.LORA,
                       remedy=f"about {full - n:,} more {what} examples for a full fine-tune")
    return None


SPEC = CheckSpec(
    name="size", cls="SizeCheck",
    what=("raw, distinct and per-class example counts and training tokens "
          "against the minimum for each training path"),
    why=("fine-tuning rarely pays below about 1,000 good examples; adapters "
         "need hundreds; below that a prompt does better"),
    needs=frozenset({"norm_input", "norm_target", "row_hash", "input_tokens",
                     "target_tokens"}),
    settings=SizeSettings,
    excluded_as="exact duplicates",
    charts={"classes": "size_classes"},
    diff_metrics=(),
)


class SizeCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = SizeSettings.of(policy)
        frame = data.frame
        dup_positions = _duplicate_positions(evidence.row_hash)
        dup_rows = frame["row_id"].to_numpy()[dup_positions].tolist()
        raw = int(data.population.get("raw_n", len(frame)))
        distinct = int(data.population.get("distinct_n", len(frame) - len(dup_rows)))
        n_dups = raw - distinct
        findings: list[Finding] = []
        flags = Flags(self.name, frame)
        cap = size_cap(distinct, cfg)
        if cap:
            findings.append(cap)
        if n_dups:
            share = n_dups / max(1, raw)
            findings.append(Finding(
                "size.exact_duplicates", Severity.WARN if share > 0.05 else Severity.INFO,
                f"{n_dups:,} rows ({share:.1%}) repeat an earlier example exactly "
                "(ignoring case and spacing); they add weight, not information",
                observed=n_dups, threshold=0, rows=example_rows(dup_rows),
                n_rows=n_dups, remedy="drop the repeated rows"))
            flag_copies(flags, frame, evidence.row_hash, dup_positions)
        metrics: dict[str, Any] = {"raw_n": raw, "distinct_n": distinct,
                                   "exact_duplicates": n_dups}
        if data.population:
            metrics.update(sample_n=len(frame), sample_fraction=round(data.sample_fraction, 6))
        tables: dict[str, list[dict[str, Any]]] = {}
        if data.has_labels:
            counts = _label_counts(data)
            findings.extend(_class_findings(counts, frame, cfg, flags))
            metrics.update(n_classes=len(counts), labelled_n=int(counts.sum()),
                           imbalance_ratio=round(float(counts.max() / counts.min()), 2))
            tables["classes"] = [{"label": str(k), "count": int(v),
                                  "share": round(float(v / counts.sum()), 4)}
                                 for k, v in counts.sort_index().items()]
        if len(frame):
            tokens = int(evidence.input_tokens.sum() + evidence.target_tokens.sum())
            metrics["training_tokens"] = round(tokens / data.sample_fraction)
        basis = SizeBasis(raw_n=raw, distinct_n=distinct, exact_duplicates=n_dups,
                          sample_fraction=round(data.sample_fraction, 6) if data.population
                          else 1.0)
        return CheckResult(name=self.name, status=status_of(findings), findings=findings,
                           metrics=metrics, params=policy, excluded_rows=sorted(dup_rows),
                           tables=tables, summary=f"{raw:,} rows, {distinct:,} distinct",
                           size_basis=basis, flagged=flags.rows(dup_rows))


def _label_counts(data: Dataset) -> pd.Series:
    """Per-label counts: exact over the whole file even when the audit runs on a sample."""
    if data.population.get("label_counts"):
        return pd.Series(data.population["label_counts"]).sort_values(ascending=False)
    return data.frame["label"].dropna().value_counts()


def _duplicate_positions(hashes: np.ndarray) -> np.ndarray:
    """Positions of rows whose hash appeared earlier (first occurrence is kept)."""
    if not len(hashes):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(pd.Series(hashes).duplicated(keep="first").to_numpy())


def flag_copies(flags: Flags, frame: pd.DataFrame, hashes: np.ndarray,
                positions: np.ndarray) -> None:
    """Each repeat names the earliest row it copies (a plain fact: no precision). With
    ``--sample`` these are the repeats inside the sample; the finding counts the file's."""
    first = pd.Series(np.arange(len(hashes))).groupby(hashes).transform("min").to_numpy()
    ids = frame["row_id"].to_numpy()
    flags.add("size.exact_duplicates", None,
              numbered("exact copy of row ", ids[first[positions]]),
              "same input, answer and label after folding case and spacing",
              positions=positions)


def _class_findings(counts: pd.Series, frame: pd.DataFrame,
                    cfg: SizeSettings, flags: Flags) -> list[Finding]:
    hard, warn = cfg.per_class_min, cfg.per_class_warn
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
        rare_rows = frame["label"].isin(rare.index).to_numpy()
        per_row = frame.loc[rare_rows, "label"].map(counts)
        flags.add("size.class_below_min", None, f"its class has fewer than {hard} examples",
                  per_row.map(lambda n: f"{int(n):,} in its class").to_numpy(dtype=object),
                  positions=np.flatnonzero(rare_rows))
    thin = counts[(counts >= hard) & (counts < warn)]
    if len(thin):
        out.append(Finding(
            "size.class_below_warn", Severity.WARN,
            f"{len(thin)} classes have fewer than {warn} examples ({_name_counts(thin)})",
            observed=int(thin.min()), threshold=warn))
    ratio = float(counts.max() / counts.min()) if len(counts) > 1 else 1.0
    limit = cfg.max_imbalance_ratio
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
