"""domain: narrow-domain overfitting risk.

A model fine-tuned on one corner of a task (one template, one topic, one length) learns the
corner. We measure breadth several cheap ways (``tuneready.evidence.diversity``), mark each measure
that falls in its "narrow" zone (thresholds in the ``[domain]`` policy table), and combine the
count of narrow signals into a low / medium / high risk. High risk caps the verdict at LoRA
(adapters forget less of the base model) and says what data would broaden the set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import CheckSpec, Declared, example_rows, skipped
from tuneready.checks.domain_coverage import coverage
from tuneready.checks.domain_explain import EXPLAIN, THRESHOLD_KEY, remedy
from tuneready.checks.domain_languages import readers
from tuneready.checks.english_only import Readable
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import (
    CheckResult,
    Finding,
    LearningCurve,
    Severity,
    Status,
    Verdict,
)
from tuneready.evidence import diversity as dv
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

TEXT_LIMIT = 300


@dataclass(frozen=True)
class DomainSettings(Table):
    """``[domain]``: the budgets and narrow thresholds of each breadth measure, the learning
    curve, and the coverage of a ``--reference`` sample (``checks.domain_coverage``)."""

    table = "domain"
    min_rows: int
    medium_signals: int
    high_signals: int
    growth_sample: int
    lexical_tokens: int
    compression_chars: int
    distinct2_narrow: float
    compression_narrow: float
    vocab_growth_narrow: float
    template_sample: int
    template_similarity: float
    template_share_narrow: float
    opening_words: int
    opening_chars: int
    opening_min_share: float
    opening_share_narrow: float
    length_cv_narrow: float
    vendi_narrow: float
    max_topics: int
    largest_topic_narrow: float
    topics_min_rows: int
    gap_narrow: float
    curve_fractions: list[float]
    curve_max_rows: int
    curve_min_rows: int
    plateau_within: float
    curve_ratio_narrow: float
    curve_max_extrapolation: int
    coverage_quantile: float
    coverage_calibration_rows: int
    coverage_narrow: float
    reference_max_rows: int
    gap_regions: int
    english_min_share: float
    spaced_min_share: float


def text_column(data: Dataset) -> str:
    """Targets carry the behaviour being taught; inputs when there are no free-text targets
    (classification, or targets that are just the labels)."""
    frame = data.frame
    if not data.has_targets:
        return "input"
    same = (frame["target"].fillna("") == frame["label"].fillna("\x00")).mean()
    return "input" if same >= 0.9 else "target"


def lexical(texts: pd.Series, cfg: DomainSettings, seed: int,
            spaced: Readable) -> dict[str, Any]:
    """Distinct-n, compression and vocabulary growth at fixed token/character budgets of a
    seeded random order of rows, so sets of different sizes are comparable. Compression reads
    bytes (any script); distinct-n and vocabulary growth count words split at spaces, so they
    read only the rows written with spaces, and nothing when too few are (``spaced``)."""
    rows = texts.iloc[dv.sample_positions(len(texts), cfg.growth_sample, seed)].tolist()
    out: dict[str, Any] = {
        "compression_ratio": round(dv.compression_ratio(rows, cfg.compression_chars), 4)}
    if not spaced.measured:
        return out
    words = texts[spaced.mask]
    toks = dv.tokens(rows if spaced.complete else words.iloc[
        dv.sample_positions(len(words), cfg.growth_sample, seed)].tolist())
    short = dv.token_stream(toks, cfg.lexical_tokens)
    growth = dv.heaps_exponent(dv.token_stream(toks, 10**9))
    return {"lexical_tokens": len(short),
            "distinct_1": round(dv.distinct_n(short, 1), 4),
            "distinct_2": round(dv.distinct_n(short, 2), 4), **out,
            "vocab_growth": None if growth is None else round(growth, 4)}


def template_share(normalized: pd.Series, cfg: DomainSettings, seed: int) -> float:
    """Share of distinct texts (in a seeded sample) that are a near copy of another at a loose
    Jaccard: fill-in-the-blanks templates land together even with different slot values.
    Exact repeats are the duplicates check's business, so they are dropped first.
    ``normalized``: the texts as ``Evidence.norm_input``/``norm_target`` hold them."""
    from tuneready.evidence.minhash import MinHashParams, components, near_pairs, signatures

    distinct = pd.Series(normalized.fillna("").unique())
    pos = dv.sample_positions(len(distinct), cfg.template_sample, seed)
    norm = distinct.iloc[np.sort(pos)].tolist()
    sig = signatures(norm, MinHashParams(seed=seed))
    left, right, _ = near_pairs(sig, cfg.template_similarity)
    labels = components(len(norm), left, right)
    return 1.0 - len(np.unique(labels)) / len(norm) if norm else 0.0


def opening_stats(heads: pd.Series, cfg: DomainSettings) -> tuple[dict[str, Any], list[dict]]:
    """Shares of the most repeated openings (``heads``: ``dv.openings`` of the texts)."""
    if not len(heads):
        return {}, []
    counts = heads.value_counts()
    many = max(3, math.ceil(cfg.opening_min_share * len(heads)))
    repeated = float(counts[counts >= many].sum() / len(heads))
    table = [{"opening": str(k)[:TEXT_LIMIT], "count": int(v),
              "share": round(float(v / len(heads)), 4)} for k, v in counts.head(20).items()]
    return {"repeated_opening_share": round(repeated, 4),
            "top_opening_share": round(float(counts.iloc[0] / len(heads)), 4)}, table


def semantic(evidence: Evidence, cfg: DomainSettings, english: Readable | None
             ) -> tuple[dict[str, Any], dv.Topics, np.ndarray]:
    """Vendi score and k-means topics of the shared embedding, and the row positions they
    read. ``english``: the inputs the English static vectors may judge (``None``: the
    embedding reads any script); too few of them and nothing is measured."""
    emb = evidence.embedding
    positions = np.arange(len(emb))
    if english is not None and not english.complete:
        if not english.measured:
            return {}, dv.Topics(0, np.zeros(0, dtype=np.int64), 0.0, 0.0), positions[:0]
        positions = np.flatnonzero(english.mask)
        emb = emb[positions]
    k = int(min(cfg.max_topics, max(2, round(math.sqrt(len(emb) / 2)))))
    top = dv.topics(emb, k, evidence.seed)
    out = {"vendi": round(dv.vendi_score(emb), 3), "embedding_dims": int(emb.shape[1]),
           "embedding": evidence.embedding_source,
           "topics_k": top.k, "topics_effective": round(top.effective, 2),
           "largest_topic_share": round(top.largest_share, 4)}
    if len(positions) < len(evidence.embedding):
        out["semantic_rows"] = len(positions)
    return out, top, positions


def proxy_metrics(evidence: Evidence, cfg: DomainSettings) -> tuple[dict[str, Any], list[dict]]:
    """Generalization gap (the fold models on their own training rows vs on held-out rows)
    and the learning curve of the proxy."""
    proxy = evidence.proxy
    if proxy is None or proxy.folds == 0:
        return {}, []
    out: dict[str, Any] = {"oof_accuracy": round(proxy.oof_accuracy, 4)}
    inside, outside = evidence.proxy_in_sample_accuracy, proxy.in_sample_reference
    if inside is not None and outside is not None:
        # the TF-IDF models on their own training rows against the same models out of fold
        out["in_sample_accuracy"] = round(inside, 4)
        out["generalization_gap"] = round(inside - outside, 4)
    curve_out, table = curve_metrics(evidence, proxy.index, proxy.labels, cfg)
    out.update(curve_out)
    return out, table


def curve_metrics(evidence: Evidence, index: np.ndarray, labels: np.ndarray,
                  cfg: DomainSettings) -> tuple[dict[str, Any], list[dict]]:
    """Learning curve on one row per distinct input (a copy in both train and test would
    flatter it), at most ``curve_max_rows`` of them; n is training rows, so the rows needed
    compare directly with the distinct rows the dataset has."""
    import scipy.sparse as sp

    from tuneready.evidence.proxy import make_model

    pos = np.flatnonzero(~pd.Series(evidence.input_hash[index]).duplicated().to_numpy())
    # classes with too few distinct rows for a stratified split are left out of the curve
    counts = np.bincount(labels[pos])
    pos = pos[counts[labels[pos]] >= 5]
    available = len(pos)
    cap = cfg.curve_max_rows
    if len(pos) > cap:
        pos = np.sort(pos[dv.sample_positions(len(pos), cap, evidence.seed)])
    y = np.unique(labels[pos], return_inverse=True)[1]
    counts = np.bincount(y)
    if (len(counts) < 2 or counts.min() < 5
            or len(pos) < cfg.curve_min_rows):
        return {}, []
    x = evidence.features[index[pos]]
    fractions = [float(f) for f in cfg.curve_fractions]
    curve = dv.learning_curve(x, y, fractions, evidence.seed,
                              lambda: make_model(sparse=sp.issparse(x), seed=evidence.seed))
    table = [{"n": n, "score": round(s, 4), "fit": _round(curve.fit(n))}
             for n, s in curve.points]
    needed = curve.needed(cfg.plateau_within)
    if curve.a is None or needed is None:
        return {}, table
    now, doubled = curve.fit(available), curve.fit(2 * available)
    limit = float(cfg.curve_max_extrapolation)
    # a plateau at the bound (accuracy 1) or far beyond the data is not identified by the fit:
    # say "still rising", not a made-up number of rows
    identified = curve.a < 0.999 and needed <= limit * available
    out: dict[str, Any] = {
        "curve_rows": available, "curve_plateau": round(curve.a, 4),
        "curve_exponent": _round(curve.c), "curve_plateau_identified": identified,
        "curve_needed_ratio": round(min(needed / available, limit), 3),
        "curve_gain_if_doubled": round(float((doubled or 0) - (now or 0)), 4)}
    if identified:
        out["curve_needed_rows"] = int(needed)
    return out, table


def _curve_of(metrics: dict[str, Any]) -> LearningCurve | None:
    """The typed curve the decision reads (``curve_metrics`` above made the numbers)."""
    if "curve_rows" not in metrics:
        return None
    needed = metrics.get("curve_needed_rows")
    return LearningCurve(rows=int(metrics["curve_rows"]),
                         plateau_identified=bool(metrics["curve_plateau_identified"]),
                         needed_rows=None if needed is None else int(needed))


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def narrow_signals(metrics: dict[str, Any], cfg: DomainSettings) -> list[str]:
    """Metrics in their narrow zone (direction per ``EXPLAIN``, threshold per policy)."""
    out = []
    for metric, key in THRESHOLD_KEY.items():
        value, limit = metrics.get(metric), float(getattr(cfg, key))
        if value is None:
            continue
        low = EXPLAIN[metric][1] == "low"
        if metric == "largest_topic_share":
            # k-means on few rows is noise, and shares are at least 1/k: scale with k
            if metrics.get("semantic_rows", metrics.get("rows", 0)) < cfg.topics_min_rows:
                continue
            limit = max(limit, 3.0 / max(1, int(metrics.get("topics_k", 1))))
        if (low and value < limit) or (not low and value > limit):
            out.append(metric)
    return out


SPEC = CheckSpec(
    name="domain", cls="DomainCheck",
    what=("narrow-domain overfitting risk: lexical and semantic spread, "
          "template repetition, length spread, proxy generalization gap, "
          "learning curve, coverage of a --reference sample"),
    why=("a model tuned on one template or topic learns the corner, not the "
         "task; full fine-tuning on narrow data forgets most"),
    needs=frozenset({"norm_input", "norm_target", "input_hash", "tfidf", "embedding",
                     "sentence_vectors", "proxy", "languages"}),
    settings=DomainSettings,
    excluded_as=None,
    charts={"learning_curve": "learning_curve", "length_histogram": "length_histogram",
            "openings": "openings", "coverage_gaps": "coverage_gaps"},
    diff_metrics=(),
)


class DomainCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = DomainSettings.of(policy)
        n = len(data.frame)
        if n < cfg.min_rows:
            return skipped(self.name, f"{n} rows: too few to judge breadth", policy)
        column = text_column(data)
        texts = data.frame[column].fillna("")
        metrics: dict[str, Any] = {"rows": n, "text": column}
        read = readers(evidence, texts, column, cfg)
        metrics.update(lexical(texts, cfg, evidence.seed, read.spaced))
        normalized = evidence.norm_input if column == "input" else evidence.norm_target
        metrics["template_share"] = round(template_share(normalized, cfg, evidence.seed), 4)
        heads = dv.openings(texts, cfg.opening_words, ~read.spaced.mask, cfg.opening_chars)
        opening, openings_table = opening_stats(heads, cfg)
        metrics.update(opening)
        lengths = dv.word_counts(texts)
        metrics["length_mean"] = round(float(lengths.mean()), 2)
        metrics["length_cv"] = round(float(lengths.std() / lengths.mean()), 4) \
            if lengths.mean() > 0 else 0.0
        sem, top, top_rows = semantic(evidence, cfg, read.english)
        metrics.update(sem)
        proxy, curve_table = proxy_metrics(evidence, cfg)
        metrics.update(proxy)
        cov, gaps = coverage(evidence, cfg, read.english)
        metrics.update(cov)
        metrics.update(read.metrics())
        signals = narrow_signals(metrics, cfg)
        risk = ("high" if len(signals) >= cfg.high_signals else "medium"
                if len(signals) >= cfg.medium_signals else "low")
        metrics.update(narrow_signals=len(signals), risk=risk)
        tables: dict[str, list[dict[str, Any]]] = {
            "openings": openings_table, "length_histogram": dv.length_table(lengths),
            "learning_curve": curve_table, "coverage_gaps": gaps,
            "metrics_explained": [
                {"metric": m, "value": metrics.get(m), "narrow_if": _limit_text(m, cfg),
                 "narrow": m in signals, "explanation": EXPLAIN[m][0]}
                for m in EXPLAIN if metrics.get(m) is not None]}
        findings = self._findings(data, metrics, signals,
                                  _example_positions(texts, heads, signals, top, top_rows),
                                  cfg) + read.findings()
        status = Status.FAIL if risk == "high" else Status.WARN if risk == "medium" \
            else Status.PASS
        return CheckResult(name=self.name, status=status, metrics=metrics, findings=findings,
                           params=policy, tables=tables, learning_curve=_curve_of(metrics),
                           summary=f"{risk} narrow-domain risk ({len(signals)} narrow "
                                   f"signals: {', '.join(signals) or 'none'})"
                                   + read.summary())

    def _findings(self, data: Dataset, metrics: dict[str, Any], signals: list[str],
                  examples: np.ndarray, cfg: DomainSettings) -> list[Finding]:
        rows = data.frame["row_id"].to_numpy()
        findings = []
        risk = metrics["risk"]
        if risk != "low":
            high = risk == "high"
            findings.append(Finding(
                f"domain.{risk}_risk", Severity.FAIL if high else Severity.WARN,
                f"{risk} narrow-domain overfitting risk: {len(signals)} measures in their "
                f"narrow zone ({', '.join(signals)})", observed=len(signals),
                threshold=cfg.high_signals if high else cfg.medium_signals,
                rows=example_rows(rows[examples]), n_rows=len(examples),
                caps=Verdict.LORA if high else None, remedy=remedy(signals, metrics)))
        gain = metrics.get("curve_gain_if_doubled")
        if gain is not None and metrics.get("curve_needed_ratio", 0) > 1:
            findings.append(Finding(
                "domain.more_data_helps", Severity.INFO,
                "the proxy's learning curve still rises: doubling the data adds about "
                f"{gain:.1%} accuracy; " + (
                    f"about {metrics['curve_needed_rows']:,} rows would come within "
                    f"{cfg.plateau_within:.0%} of its plateau "
                    f"({metrics['curve_plateau']:.1%})"
                    if metrics.get("curve_plateau_identified") else
                    "no plateau is in sight within "
                    f"{float(cfg.curve_max_extrapolation):.0f}x the rows "
                    "available"), observed=metrics["curve_needed_ratio"],
                threshold=cfg.curve_ratio_narrow))
        if metrics.get("coverage") is not None and "coverage" in signals:
            findings.append(Finding(
                "domain.low_coverage", Severity.WARN,
                f"only {metrics['coverage']:.0%} of the reference inputs"
                + ("" if metrics["reference_rows"] == metrics["reference_rows_total"] else
                   f" (95 % interval {metrics['coverage_low']:.0%}-"
                   f"{metrics['coverage_high']:.0%}, {metrics['reference_rows']:,} of "
                   f"{metrics['reference_rows_total']:,} searched)")
                + " are as close to the training data as training inputs are to each other "
                "(about 95 % would be for a sample like the training data); see the coverage "
                "gaps for the regions missed",
                observed=metrics["coverage"], threshold=cfg.coverage_narrow,
                remedy="add training examples like the reference inputs in the coverage gaps"))
        return findings


def _example_positions(texts: pd.Series, heads: pd.Series, signals: list[str],
                       top: dv.Topics, top_rows: np.ndarray) -> np.ndarray:
    """The rows behind a risk finding: those sharing the most common opening when the set is
    templated, else those in the largest topic when that is narrow (``top_rows``: the row
    position of each row the topics were fitted on)."""
    templated = {"repeated_opening_share", "template_share", "compression_ratio",
                 "distinct_2"} & set(signals)
    if templated and len(heads):
        full = heads.reindex(texts.index).to_numpy()
        return np.flatnonzero(full == heads.value_counts().index[0])
    if "largest_topic_share" in signals and len(top.labels):
        return top_rows[top.labels == np.bincount(top.labels).argmax()]
    return np.zeros(0, dtype=np.int64)


def _limit_text(metric: str, cfg: DomainSettings) -> str | None:
    key = THRESHOLD_KEY.get(metric)
    if key is None:
        return None
    return f"{'<' if EXPLAIN[metric][1] == 'low' else '>'} {getattr(cfg, key)}"
