"""duplicates: near-duplicate examples and prompts, and train/eval leakage.

5,000 rows that are 200 templates with names swapped are not 5,000 examples, and an eval set
that shares prompts with the training data measures memory, not skill. ``size`` already drops
exact repeats (same normalized input + target + label); this check finds the NEAR repeats with
MinHash/LSH (``evidence.minhash``: linear in rows, never an n x n matrix), lists the clusters,
and excludes every member but the first of each cluster from the effective size. With
``--eval`` it names the eval rows whose prompt is in the training data, exactly or nearly.
Paraphrased prompts (same meaning, other words) are a third, separate category found with the
shipped sentence vectors (``checks.duplicates_semantic``): reported, never removed from the
effective size, never counted with the copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import CheckSpec, Declared, example_rows, status_of
from tuneready.checks.duplicates_semantic import semantic_duplicates, semantic_leakage
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity
from tuneready.evidence.minhash import (
    MinHashParams,
    Signatures,
    best_matches,
    components,
    near_pairs,
    signatures,
)
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

TEXT_LIMIT = 300
#: the metrics the Dask engine computes over every row (``Dataset.population["duplicates"]``)
EXACT_METRICS = ("rows", "exact_duplicates", "near_duplicates", "redundant_rows",
                 "redundant_share", "clusters")


@dataclass(frozen=True)
class DuplicatesSettings(Table):
    """``[duplicates]``: MinHash/LSH copies, redundancy and leakage levels, and the semantic
    (paraphrase) search of ``checks.duplicates_semantic``."""

    table = "duplicates"
    near_threshold: float
    num_perm: int
    bands: int
    shingle_chars: int
    max_chars: int
    warn_share: float
    fail_share: float
    leakage_fail_share: float
    max_table_rows: int
    max_leaked_rows: int
    semantic_similarity: float
    semantic_sample: int
    semantic_warn_share: float
    semantic_bits: int
    semantic_bands: int
    semantic_window: int
    english_min_share: float


@dataclass
class Clustering:
    """Cluster label per row (positions), built on distinct texts then expanded to rows."""

    labels: np.ndarray
    redundant: np.ndarray  # positions of rows that are not their cluster's first row
    sig: Signatures | None
    codes: np.ndarray  # row position -> distinct-text index (into ``sig``)
    first: np.ndarray  # distinct-text index -> first row position


def minhash_params(cfg: DuplicatesSettings, seed: int) -> MinHashParams:
    return MinHashParams(num_perm=cfg.num_perm, bands=cfg.bands, shingle=cfg.shingle_chars,
                         max_chars=cfg.max_chars, seed=seed)


def cluster(texts: pd.Series, hashes: np.ndarray, params: MinHashParams,
            threshold: float) -> Clustering:
    """Exact groups by hash, then near groups by MinHash over one text per exact group."""
    codes, uniques = pd.factorize(pd.Series(hashes), sort=False)
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # earliest position of each distinct text
    sig = signatures(texts.to_numpy()[first].tolist(), params)
    left, right, _ = near_pairs(sig, threshold)
    comp = components(len(uniques), left, right)[codes]
    return Clustering(comp, _redundant(comp), sig, np.asarray(codes), first)


def _redundant(comp: np.ndarray) -> np.ndarray:
    """Positions that are not the first row of their cluster."""
    rep = pd.Series(np.arange(len(comp))).groupby(comp).transform("min").to_numpy()
    return np.flatnonzero(rep != np.arange(len(comp)))


def example_clusters(evidence: Evidence, inp: Clustering, params: MinHashParams,
                     threshold: float) -> Clustering:
    """Two rows are the same example when their inputs AND their targets are near duplicates
    and their labels are equal: a long shared prompt must not hide a different short answer.
    Exact repeats (``row_hash``, as ``size`` counts them) always share all three."""
    frame = evidence.data.frame
    parts = [inp.labels, frame["label"].fillna("\x00").to_numpy()]
    if evidence.data.has_targets:
        parts.append(cluster(evidence.norm_target.fillna(""),
                             pd.util.hash_pandas_object(evidence.norm_target.fillna(""),
                                                        index=False).to_numpy(),
                             params, threshold).labels)
    key = pd.MultiIndex.from_arrays(parts) if len(frame) else pd.Index([])
    comp = np.asarray(pd.factorize(key)[0], dtype=np.int64)
    codes = np.asarray(pd.factorize(pd.Series(evidence.row_hash))[0], dtype=np.int64)
    return Clustering(comp, _redundant(comp), None, codes, np.zeros(0, dtype=np.int64))


def cluster_table(c: Clustering, frame: pd.DataFrame, limit: int,
                  only: np.ndarray | None = None) -> list[dict[str, Any]]:
    """The largest clusters first: size, how many distinct texts, row ids, one example."""
    if not len(c.labels):
        return []
    by = pd.DataFrame({"comp": c.labels, "code": c.codes, "pos": np.arange(len(c.labels))})
    stats = by.groupby("comp").agg(size=("pos", "size"), distinct=("code", "nunique"),
                                   first=("pos", "min"))
    if only is not None:
        stats = stats[stats.index.isin(only)]
    stats = stats[stats["size"] > 1].sort_values(["size", "first"], ascending=[False, True])
    rows = frame["row_id"].to_numpy()
    stats = stats.head(limit)
    shown = by[by["comp"].isin(stats.index)]
    members: dict[Any, np.ndarray] = {
        comp: rows[np.sort(p.to_numpy())[:20]] for comp, p in shown.groupby("comp")["pos"]}
    out = []
    for i, (comp, st) in enumerate(stats.iterrows(), start=1):
        out.append({"cluster": i, "size": int(st["size"]), "distinct": int(st["distinct"]),
                    "kind": "exact" if st["distinct"] == 1 else "near",
                    "row_ids": ", ".join(str(int(r)) for r in members[comp]),
                    "example": str(frame["input"].iat[int(st["first"])])[:TEXT_LIMIT]})
    return out


SPEC = CheckSpec(
    name="duplicates", cls="DuplicatesCheck",
    what=("near-duplicate examples and prompts (MinHash/LSH), the share of "
          "redundant rows, paraphrased prompts (sentence vectors), and train/eval leakage "
          "with --eval"),
    why=("repeated rows add weight, not information, and make a model "
         "memorize; an eval set that shares prompts with training overstates "
         "quality"),
    # the sentence vectors (paraphrases) are a model stage: the check is forked after the
    # label-noise check has computed them, never embedding every text a second time
    needs=frozenset({"norm_input", "norm_target", "input_hash", "row_hash",
                     "sentence_vectors", "languages"}),
    settings=DuplicatesSettings,
    excluded_as="near duplicates",
    charts={"clusters": "clusters"},
    diff_metrics=(),
)


class DuplicatesCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = DuplicatesSettings.of(policy)
        frame = data.frame
        n = len(frame)
        params = minhash_params(cfg, evidence.seed)
        threshold = cfg.near_threshold
        limit = cfg.max_table_rows
        rows = frame["row_id"].to_numpy()
        findings: list[Finding] = []
        tables: dict[str, list[dict[str, Any]]] = {}

        inp = cluster(evidence.norm_input.fillna(""), evidence.input_hash, params, threshold)
        ex = example_clusters(evidence, inp, params, threshold)
        exact = int(pd.Series(evidence.row_hash).duplicated().sum()) if n else 0
        redundant = len(ex.redundant)
        share = redundant / n if n else 0.0
        tables["clusters"] = cluster_table(ex, frame, limit)
        n_clusters = int((np.bincount(ex.labels) > 1).sum()) if n else 0
        metrics: dict[str, Any] = {
            "rows": n, "exact_duplicates": exact, "near_duplicates": redundant - exact,
            "redundant_rows": redundant, "redundant_share": round(share, 4),
            "clusters": n_clusters, "near_threshold": threshold}
        population = data.population.get("duplicates")
        if population:  # --engine dask: the same numbers over every row (engine.near)
            metrics.update({k: population[k] for k in EXACT_METRICS}, sample_rows=n)
            exact, redundant = metrics["exact_duplicates"], metrics["redundant_rows"]
            share, n_clusters = metrics["redundant_share"], metrics["clusters"]
        if redundant:
            findings.append(_redundant_finding(redundant, exact, share, n_clusters,
                                               rows[ex.redundant], cfg))

        conflicting = _conflicting_prompts(inp, ex)
        metrics["prompt_clusters_with_different_answers"] = (
            population["prompt_clusters_with_different_answers"] if population
            else len(conflicting))
        if len(conflicting):
            mask = np.isin(inp.labels, conflicting)
            tables["prompt_clusters"] = cluster_table(inp, frame, limit, only=conflicting)
            findings.append(Finding(
                "duplicates.same_prompt_different_answers", Severity.INFO,
                f"{int(mask.sum()):,} rows in {len(conflicting):,} groups share an identical or "
                "near-identical prompt but differ in answer or label: check that the answers "
                "agree", observed=int(mask.sum()), rows=example_rows(rows[mask]),
                n_rows=int(mask.sum()), remedy="keep one consistent answer per prompt"))

        sem_findings, sem_metrics, tables["semantic_pairs"] = semantic_duplicates(
            evidence, inp.labels, cfg)
        findings.extend(sem_findings)
        metrics.update(sem_metrics)

        if evidence.eval_data is not None:
            leak_findings, leak_metrics, leaked, ev = (
                _population_leakage(evidence, data.population["leakage"], cfg)
                if "leakage" in data.population
                else _leakage(evidence, inp, params, threshold, cfg))
            findings.extend(leak_findings)
            metrics.update(leak_metrics)
            tables["leaked"] = leaked[:cfg.max_leaked_rows]
            leaked_ids = data.population.get("leakage", {}).get(
                "eval_row_ids", [r["eval_row_id"] for r in leaked])
            leaked_mask = np.isin(evidence.eval_data.frame["row_id"].to_numpy(), leaked_ids)
            sem_findings, sem_metrics, sem_leaked = semantic_leakage(
                evidence, ev.norm_input, leaked_mask, inp.labels, cfg)
            findings.extend(sem_findings)
            metrics.update(sem_metrics)
            tables["semantic_leaked"] = sem_leaked[:cfg.max_leaked_rows]

        summary = (f"{redundant:,} of {metrics['rows']:,} rows redundant ({share:.1%}): "
                   f"{exact:,} exact, {redundant - exact:,} near repeats")
        if metrics.get("semantic_pairs"):
            summary += f"; {metrics['semantic_pairs']:,} paraphrase pairs (not removed)"
        if "leaked_eval_rows" in metrics:
            summary += f"; {metrics['leaked_eval_rows']:,} eval rows leaked"
        return CheckResult(name=self.name, status=status_of(findings), summary=summary,
                           metrics=metrics, findings=findings, params=policy,
                           excluded_rows=sorted(int(r) for r in rows[ex.redundant]),
                           tables=tables,
                           # over every row (the exact repeats are the size check's)
                           excluded_total=(int(population["near_duplicates"]) if population
                                           else None))


def _redundant_finding(redundant: int, exact: int, share: float, n_clusters: int,
                       rows: np.ndarray, cfg: DuplicatesSettings) -> Finding:
    warn, fail = cfg.warn_share, cfg.fail_share
    severity = (Severity.FAIL if share >= fail else Severity.WARN if share >= warn
                else Severity.INFO)
    return Finding(
        "duplicates.redundant_rows", severity,
        f"{redundant:,} rows ({share:.1%}) repeat another row exactly ({exact:,}) or nearly "
        f"({redundant - exact:,}) in {n_clusters:,} clusters; only one per cluster counts "
        "toward the effective size", observed=round(share, 4),
        threshold=warn if severity != Severity.FAIL else fail, rows=example_rows(rows),
        n_rows=redundant, remedy=f"drop the {redundant:,} repeated rows (one kept per cluster) "
        "or replace them with new, different examples")


def _conflicting_prompts(inp: Clustering, ex: Clustering) -> np.ndarray:
    """Prompt clusters whose rows fall in more than one example cluster (answers differ)."""
    if not len(inp.labels):
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({"p": inp.labels, "e": ex.labels})
    per = frame.groupby("p")["e"].nunique()
    return np.asarray(per.index[per.to_numpy() > 1], dtype=np.int64)


def _leakage(evidence: Evidence, inp: Clustering, params: MinHashParams, threshold: float,
             cfg: DuplicatesSettings
             ) -> tuple[list[Finding], dict[str, Any], list[dict[str, Any]], Evidence]:
    """Eval rows whose normalized prompt equals, or nearly equals, a training prompt (and
    the eval set's evidence, for the semantic search of the rest)."""
    assert evidence.eval_data is not None
    ev = Evidence(evidence.eval_data, seed=evidence.seed)
    eval_frame = evidence.eval_data.frame
    m = len(eval_frame)
    nonempty = (ev.norm_input.fillna("").str.len() > 0).to_numpy()
    train_first = pd.Series(np.arange(len(evidence.input_hash))).groupby(
        evidence.input_hash).min()
    exact_pos = pd.Series(ev.input_hash).map(train_first).to_numpy()
    exact = nonempty & ~np.isnan(exact_pos)
    train_pos = np.where(exact, np.nan_to_num(exact_pos, nan=-1), -1).astype(np.int64)
    sim = np.where(exact, 1.0, 0.0)
    todo = np.flatnonzero(nonempty & ~exact)
    if len(todo) and len(inp.first) and inp.sig is not None:
        qsig = signatures(ev.norm_input.to_numpy()[todo].tolist(), params)
        q, b, s = best_matches(qsig, inp.sig, threshold)
        train_pos[todo[q]] = inp.first[b]
        sim[todo[q]] = s
    leaked = np.flatnonzero(train_pos >= 0)
    rows = evidence.data.frame["row_id"].to_numpy()
    eval_rows = eval_frame["row_id"].to_numpy()
    eval_inputs = eval_frame["input"].to_numpy()
    table = [{"row_id": int(rows[train_pos[i]]), "eval_row_id": int(eval_rows[i]),
              "kind": "exact" if exact[i] else "near", "similarity": round(float(sim[i]), 3),
              "input": str(eval_inputs[i])[:TEXT_LIMIT]} for i in leaked]
    share = len(leaked) / m if m else 0.0
    train_rows = sorted({int(rows[train_pos[i]]) for i in leaked})
    metrics = {"eval_rows": m, "leaked_eval_rows": len(leaked),
               "leaked_train_rows": len(train_rows),
               "leaked_exact": int(exact.sum()), "leaked_near": len(leaked) - int(exact.sum()),
               "leaked_share": round(share, 4)}
    return _leak_findings(metrics, train_rows, cfg), metrics, table, ev


def _population_leakage(evidence: Evidence, population: dict[str, Any],
                        cfg: DuplicatesSettings
                        ) -> tuple[list[Finding], dict[str, Any], list[dict[str, Any]], Evidence]:
    """Leakage as the Dask engine found it over every training row (``engine.exact``)."""
    assert evidence.eval_data is not None
    ev = Evidence(evidence.eval_data, seed=evidence.seed)
    metrics = dict(population["metrics"])
    return (_leak_findings(metrics, population["train_rows"], cfg), metrics,
            list(population["table"]), ev)


def _leak_findings(metrics: dict[str, Any], train_rows: list[int],
                   cfg: DuplicatesSettings) -> list[Finding]:
    leaked, exact = metrics["leaked_eval_rows"], metrics["leaked_exact"]
    if not leaked:
        return []
    share = leaked / metrics["eval_rows"]
    fail = cfg.leakage_fail_share
    return [Finding(
        "duplicates.eval_leakage", Severity.FAIL if share >= fail else Severity.WARN,
        f"{leaked:,} eval rows ({share:.1%}) have a prompt that is in the training data "
        f"({exact:,} exactly, {leaked - exact:,} nearly): scores on "
        "that eval set overstate quality", observed=round(share, 4), threshold=fail,
        rows=example_rows(train_rows), n_rows=len(train_rows),
        remedy=f"remove the {leaked:,} leaked prompts from the eval set (or the "
        f"{len(train_rows):,} training rows behind them)")]
