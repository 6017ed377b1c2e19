"""One bias analysis of a dataset: attributes, comparisons, corrections, tables and metrics.

Kept apart from ``checks/bias/check.py`` (which turns it into findings) so the statistics can be
used and tested without a full audit, and so the check module stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.bias.compare import Inputs, compare_attribute, gather
from tuneready.checks.bias.groups import Attribute, column_attributes
from tuneready.checks.bias.lexicon import NONE, TermMatches, match_terms, term_label_association
from tuneready.checks.bias.settings import BiasSettings
from tuneready.checks.bias.stats import Comparison, benjamini_hochberg
from tuneready.checks.english_only import IDENTITY_LEXICON, REFUSAL_PHRASES, english_rows_of
from tuneready.core.results import Finding, Severity
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

MAX_TERM_FINDINGS = 10
MAX_TERM_ROWS = 200


@dataclass
class Analysis:
    data: Dataset
    cfg: BiasSettings
    attributes: list[Attribute] = field(default_factory=list)
    tested: list[Comparison] = field(default_factory=list)
    info: list[Comparison] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    term_findings: list[Finding] = field(default_factory=list)
    inputs: Inputs | None = None
    matches: TermMatches | None = None
    notes: list[str] = field(default_factory=list)
    why_skipped: str = ""
    proxy_accuracy: float | None = None
    #: the proxy is below ``weak_proxy_accuracy``: its error gaps cannot tell teaching from
    #: hard examples (they are reported, never capping the verdict; confidence is low)
    weak_proxy: bool = False

    @property
    def min_n(self) -> int:
        return self.cfg.min_group_n

    def values(self, attribute: str) -> pd.Series:
        return next(a.values for a in self.attributes if a.name == attribute)

    # --- rows behind a finding ------------------------------------------------------
    def row_index(self, c: Comparison) -> np.ndarray:
        """Row ids that show the disparity (see the remedy of each metric), unordered."""
        assert c.high is not None and c.low is not None and self.inputs is not None
        ids = self.data.frame["row_id"].to_numpy()
        values = self.values(c.attribute).to_numpy(dtype=object)
        inp = self.inputs

        def rows_of(group: str, where: np.ndarray | None = None,
                    event: np.ndarray | None = None) -> np.ndarray:
            pos = np.arange(inp.n) if where is None else where
            keep = values[pos] == group
            if event is not None:
                keep &= event
            return pos[keep]

        if c.metric == "label_rate":
            hi, lo = rows_of(c.high.group), rows_of(c.low.group)
            # the first (up to 10) pairs, then the rest after the 10th of each group
            m = min(10, len(hi), len(lo))
            return np.asarray(ids[np.concatenate([hi[:m], lo[:m], hi[10:], lo[10:]])])
        proxy = (inp.proxy_positions is not None and inp.proxy_pred is not None
                 and inp.proxy_true is not None)
        if c.metric == "error_rate" and proxy:
            assert inp.proxy_pred is not None
            pos = rows_of(c.high.group, inp.proxy_positions,
                          np.asarray(inp.proxy_pred != inp.proxy_true))
        elif c.metric == "recall" and proxy:
            k = inp.proxy_classes.index(str(c.label))
            missed = np.asarray((inp.proxy_true == k) & (inp.proxy_pred != k))
            pos = rows_of(c.low.group, inp.proxy_positions, missed)
        elif c.metric == "noise_rate" and inp.noise_positions is not None:
            pos = rows_of(c.high.group, inp.noise_positions, inp.noise_flagged)
        elif c.metric == "refusal_rate" and inp.refusal_positions is not None:
            pos = rows_of(c.high.group, inp.refusal_positions, inp.refused)
        else:
            pos = rows_of(c.low.group)
        return np.asarray(ids[pos])

    # --- summaries ----------------------------------------------------------------------
    def insufficient_finding(self) -> Finding | None:
        small = [(a.name, str(g), int(n)) for a in self.attributes if a.source != "lexicon"
                 for g, n in a.counts.sort_index().items() if n < self.min_n]
        small += [(a.name, str(g), int(n)) for a in self.attributes if a.source == "lexicon"
                  for g, n in a.counts.sort_index().items()
                  if n < self.min_n and g != NONE]
        if not small:
            return None
        ids = self.data.frame["row_id"].to_numpy()
        rows = [int(ids[p]) for a in self.attributes
                for p in np.flatnonzero(a.values.isin([g for an, g, _ in small
                                                       if an == a.name]).to_numpy())]
        names = ", ".join(f"{a}='{g}' ({n})" for a, g, n in small[:8])
        more = f", +{len(small) - 8} more" if len(small) > 8 else ""
        return Finding(
            "bias.insufficient_evidence", Severity.INFO,
            f"{len(small)} groups have fewer than {self.min_n} rows: insufficient evidence, "
            f"neither passed nor failed ({names}{more})", observed=min(n for *_, n in small),
            threshold=self.min_n, rows=sorted(set(rows))[:20], n_rows=len(set(rows)),
            remedy=f"collect at least {self.min_n} rows per group to judge these groups")

    def summary(self, n_findings: int) -> str:
        tested = [c for c in self.tested if c.test != "none"]
        flagged = sum(c.flagged for c in tested)
        names = ", ".join(a.name for a in self.attributes[:6])
        more = f" +{len(self.attributes) - 6}" if len(self.attributes) > 6 else ""
        note = f"; {'; '.join(self.notes)}" if self.notes else ""
        attributes = "1 attribute" if len(self.attributes) == 1 else \
            f"{len(self.attributes)} attributes"
        return (f"{attributes} ({names}{more}): {len(tested)} "
                f"comparisons, {flagged} significant and material disparities, "
                f"{n_findings} warnings or failures{note}")

    def metrics(self) -> dict[str, Any]:
        tested = [c for c in self.tested if c.test != "none"]
        sizes = [n for a in self.attributes for g, n in a.counts.items()
                 if not (a.source == "lexicon" and g == NONE)]
        out: dict[str, Any] = {
            "attributes": len(self.attributes), "groups": len(sizes),
            "groups_insufficient": sum(1 for n in sizes if n < self.min_n),
            "comparisons": len(tested), "significant": sum(c.significant for c in tested),
            "flagged": sum(c.flagged for c in tested), "terms_tested": len(self.terms),
            "terms_flagged": len(self.term_findings)}
        if self.proxy_accuracy is not None:
            out["proxy_accuracy"] = round(self.proxy_accuracy, 4)
        if self.matches is not None:
            out["rows_with_identity_terms"] = int((self.matches.matrix.getnnz(axis=1) > 0)
                                                  .sum())
        identity = self.data.population.get("identity")
        if identity and self.matches is not None:  # --engine dask: over every row
            out["sample_rows_with_identity_terms"] = out["rows_with_identity_terms"]
            out["rows_with_identity_terms"] = identity["rows_with_identity_terms"]
        for c in tested:
            key = f"{c.attribute}.{c.metric}"
            out[f"{key}.max_difference"] = max(out.get(f"{key}.max_difference", 0.0),
                                               round(c.difference, 4))
            out[f"{key}.min_ratio"] = min(out.get(f"{key}.min_ratio", 1.0), round(c.ratio, 4))
        return out

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        from tuneready.checks.bias.tables import group_table

        out = {"groups": group_table(self),
               "comparisons": [c.to_row() for c in self.tested + self.info
                               if c.test != "none" or c.metric == "selection_rate"]}
        if self.terms:
            out["terms"] = self.terms[:MAX_TERM_ROWS]
        identity = self.data.population.get("identity")
        if identity:  # --engine dask: rows per identity-term group over every row
            out["identity_groups_all_rows"] = [
                {"category": cat, "group": g, "rows": n}
                for cat, groups in identity["groups"].items() for g, n in groups.items()]
        return out


def analyse(data: Dataset, evidence: Evidence, cfg: BiasSettings) -> Analysis:
    analysis = Analysis(data, cfg)
    attrs = column_attributes(data, cfg.intersect)
    auto = [n for n in data.notes if n.startswith("group columns found by name")]
    analysis.notes += auto
    mode = cfg.lexicon
    if mode == "always" or (mode == "auto" and not attrs):
        attrs += _lexicon_attributes(analysis, data, evidence)
    limit = cfg.max_groups
    wide = [a for a in attrs if len(a.counts) > limit]
    if wide:
        analysis.notes.append("not compared, more than {} groups: {}".format(
            limit, ", ".join(f"{a.name} ({len(a.counts):,})" for a in wide)))
    attrs = [a for a in attrs if len(a.counts) <= limit]
    analysis.attributes = attrs
    if not attrs:
        analysis.why_skipped = "; ".join([
            "no group column (name one with --group) and no identity term found in the text",
            *analysis.notes])
        return analysis
    _compare(analysis, data, evidence)
    _terms(analysis, data)
    return analysis


def _lexicon_attributes(analysis: Analysis, data: Dataset, evidence: Evidence
                        ) -> list[Attribute]:
    """Groups from the English identity-term lexicon, read in the inputs in English only: in
    another language it finds only stray English words (code, names), and a group "none"
    holding every non-English row would compare languages, not identities. Not derived at all
    when too few inputs are in English; the other rows count as naming no term."""
    english = english_rows_of(evidence, "input", analysis.cfg.english_min_share)
    if not english.measured:
        analysis.notes.append(english.not_measured("identity-term groups", IDENTITY_LEXICON))
        return []
    texts = data.frame["input"]
    analysis.matches = match_terms(texts if english.complete else texts.where(english.mask, ""))
    derived = [Attribute(f"terms:{cat}", vals, "lexicon")
               for cat, vals in analysis.matches.groups.items() if (vals != NONE).any()]
    if derived:
        analysis.notes.append("groups derived from identity terms in the input text")
        left_out = english.left_out("identity terms")
        if left_out:
            analysis.notes.append(left_out + " (they count as naming none)")
    return derived


def _label_issues(evidence: Evidence, analysis: Analysis) -> Any:
    """The label-noise analysis when available; bias never fails because it is missing."""
    try:
        return getattr(evidence, "label_issues", None)
    except Exception as exc:  # another component's failure must not hide the group statistics
        analysis.notes.append(f"label-noise rates unavailable ({type(exc).__name__})")
        return None


def _compare(analysis: Analysis, data: Dataset, evidence: Evidence) -> None:
    cfg = analysis.cfg
    proxy = evidence.proxy if data.has_labels else None
    issues = _label_issues(evidence, analysis) if data.has_labels else None
    free_form = data.has_targets and not data.has_labels
    if proxy is not None:
        analysis.proxy_accuracy = float(proxy.oof_accuracy)
        if proxy.oof_accuracy < cfg.weak_proxy_accuracy:
            analysis.weak_proxy = True
            analysis.notes.append(f"the proxy model is weak (out-of-fold accuracy "
                                  f"{proxy.oof_accuracy:.0%}): error gaps may reflect hard "
                                  "examples, not teaching")
    analysis.inputs = gather(data.frame, proxy, issues,
                             evidence.target_tokens if free_form else None, free_form,
                             cfg.max_labels, cfg.min_label_n,
                             _english_answers(analysis, evidence) if free_form else None)
    for attr in analysis.attributes:
        tested, info = compare_attribute(attr, analysis.inputs, cfg)
        analysis.tested += tested
        analysis.info += info
    judge(analysis.tested, cfg)


def _english_answers(analysis: Analysis, evidence: Evidence) -> np.ndarray | None:
    """Which answers the English refusal phrases may read (``None``: all; all False when too
    few answers are in English, with a note)."""
    english = english_rows_of(evidence, "target", analysis.cfg.english_min_share)
    if english.complete:
        return None
    if not english.measured:
        analysis.notes.append(english.not_measured("refusal rates", REFUSAL_PHRASES))
        return np.zeros(len(english.mask), dtype=bool)
    analysis.notes.append(english.left_out("refusal rates"))
    return english.mask


def judge(comparisons: list[Comparison], cfg: BiasSettings) -> None:
    """Benjamini-Hochberg over all comparisons, then materiality from the policy thresholds
    (representation and answer length by ratio only: their differences are not rates)."""
    benjamini_hochberg(comparisons, cfg.alpha)
    min_ratio, max_diff = cfg.min_ratio, cfg.max_difference
    for c in comparisons:
        ratio_only = c.metric in ("representation", "answer_tokens")
        c.material = c.ratio < min_ratio or (not ratio_only and c.difference > max_diff)


def _terms(analysis: Analysis, data: Dataset) -> None:
    """Term-label association with its own Benjamini-Hochberg family."""
    from scipy.stats import false_discovery_control

    cfg = analysis.cfg
    if analysis.matches is None or not data.has_labels:
        return
    rows = term_label_association(analysis.matches, data.frame["label"],
                                  cfg.term_min_count, cfg.term_min_cooccurrence)
    if not rows:
        return
    adjusted = false_discovery_control([r["p_value"] for r in rows], method="bh")
    alpha, min_npmi = cfg.alpha, cfg.term_min_npmi
    for r, p in zip(rows, adjusted, strict=True):
        r["p_adjusted"] = float(f"{p:.4g}")
        r["p_value"] = float(f"{r['p_value']:.4g}")
        r["flagged"] = bool(p < alpha and r["npmi"] >= min_npmi)
    rows.sort(key=lambda r: (not r["flagged"], r["p_value"], r["term"], r["label"]))
    analysis.terms = rows
    by_label: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["flagged"]:
            by_label.setdefault(r["label"], []).append(r)
    analysis.term_findings = [_term_finding(group, analysis)
                              for group in list(by_label.values())[:MAX_TERM_FINDINGS]]


def _term_finding(terms: list[dict[str, Any]], analysis: Analysis) -> Finding:
    """One finding per label: the identity terms it leans on, strongest evidence first."""
    assert analysis.matches is not None
    label = terms[0]["label"]
    index = {(t[0], t[1]): i for i, t in enumerate(analysis.matches.terms)}
    cols = [index[(r["term"], r["category"])] for r in terms]
    has_term = np.asarray(analysis.matches.matrix[:, cols].sum(axis=1)).ravel() > 0
    labels = analysis.data.frame["label"].astype(str).to_numpy()
    pos = np.flatnonzero(has_term & (labels == label))
    ids = [int(i) for i in analysis.data.frame["row_id"].to_numpy()[pos]]
    listed = "; ".join(
        f"'{r['term']}' ({r['category']}: {r['label_rate_with_term']:.0%} of {r['count']} rows "
        f"vs {r['label_rate']:.0%} overall, nPMI {r['npmi']:.2f}, adjusted p="
        f"{r['p_adjusted']:.2g})" for r in terms[:5])
    more = f"; +{len(terms) - 5} more terms" if len(terms) > 5 else ""
    names = ", ".join(f"'{r['term']}'" for r in terms[:5])
    return Finding(
        "bias.term_label_association", Severity.WARN,
        f"label '{label}' leans on {len(terms)} identity terms: {listed}{more}",
        observed=terms[0]["npmi"], threshold=analysis.cfg.term_min_npmi,
        rows=sorted(ids)[:20], n_rows=len(ids),
        remedy=(f"read the rows with {names} labelled '{label}'; if the term is not what "
                "decides the label, add counter-examples (the term with other labels) so a "
                "tuned model does not learn it as a cue"))
