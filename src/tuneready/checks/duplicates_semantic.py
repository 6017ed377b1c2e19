"""Semantic near-duplicates: prompts that say the same thing in other words.

"When is Boxing Day?" and "What date is Boxing Day?" share too few characters for MinHash, yet
a model learns the same thing from both. This part of the duplicates check finds such pairs
with the shipped sentence vectors (``evidence.sentence``, computed once per distinct text by
the pipeline) and a cosine threshold (``semantic_similarity``), searched without an n x n
matrix (``evidence.semantic``).

- **Its own category.** The search runs over one prompt per MinHash input cluster (exact and
  near copies are already the ``redundant_rows`` finding), so a semantic pair is never also a
  copy and the two counts never mix.
- **Not removed from the effective size.** A paraphrase is not a copy: a second wording of a
  question still teaches robustness to wording, and the threshold has false positives
  (measured precision 0.97 on TREC questions but 0.6 on chatterbot's two-word utterances,
  README "Duplicates"). The finding is information for a person to read, never a cap.
- **Bounded and honest.** A seeded sample of at most ``semantic_sample`` prompts is searched
  against all prompts; the share of prompts with a paraphrase carries a Wilson interval over
  that sample (the search's own recall, ~0.99 at the threshold, is a small further miss).
- **Negation.** A mean of token vectors cannot see "not": "You are immortal" and "You are not
  immortal" are at cosine 0.94. Pairs whose negation words differ are dropped.
- **English only.** The vectors are English token vectors (and the negation words English):
  on Chinese prompts they call 55 % of glaive_toolcall_zh "paraphrased". Only prompts in
  English are searched (``checks.english_only``), and none when fewer than
  ``english_min_share`` of the prompts are: an INFO finding says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import example_rows
from tuneready.checks.english_only import (
    STATIC_VECTORS,
    Readable,
    english_rows,
    english_rows_of,
)
from tuneready.core.results import Finding, Severity
from tuneready.evidence.semantic import LshParams, Pairs, cross_pairs, similar_pairs
from tuneready.evidence.stats import wilson
from tuneready.evidence.store import Evidence

if TYPE_CHECKING:  # checks.duplicates imports this module
    from tuneready.checks.duplicates import DuplicatesSettings

TEXT_LIMIT = 300
NEGATION = ("not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot",
            "without", "nowhere")
_NEGATION = re.compile(r"\b(?:" + "|".join(NEGATION) + r")\b|\w+n't\b", re.IGNORECASE)


@dataclass
class Prompts:
    """One row per MinHash input cluster: its first row, vector and normalized text."""

    rows: np.ndarray  # row positions of the representatives
    vectors: np.ndarray
    texts: np.ndarray

    def only(self, keep: np.ndarray) -> Prompts:
        return Prompts(self.rows[keep], self.vectors[keep], self.texts[keep])


def representatives(evidence: Evidence, labels: np.ndarray) -> Prompts | None:
    """The first non-empty row of every input cluster (``labels``: cluster per row)."""
    vectors = evidence.sentence_vectors
    if vectors is None or not len(labels):
        return None
    norm = evidence.norm_input.fillna("").to_numpy()
    nonempty = np.flatnonzero(pd.Series(norm).str.len().to_numpy() > 0)
    first = nonempty[~pd.Series(labels[nonempty]).duplicated().to_numpy()]
    return Prompts(first, vectors[first], norm[first])


def negation_keys(texts: np.ndarray) -> np.ndarray:
    """Each text's negation words, sorted and joined: two texts whose keys differ say
    opposite things as far as the vectors can tell (they cannot see the negation)."""
    found = pd.Series(texts, dtype=object).str.findall(_NEGATION)
    return found.map(lambda words: " ".join(sorted({w.lower() for w in words}))).to_numpy()


def _keep(pairs: Pairs, texts_a: np.ndarray, texts_b: np.ndarray) -> Pairs:
    """Pairs whose negation words agree (keys computed for the paired texts only)."""
    ok = _keys_at(texts_a, pairs.left) == _keys_at(texts_b, pairs.right)
    return Pairs(pairs.left[ok], pairs.right[ok], pairs.cosine[ok])


def _keys_at(texts: np.ndarray, positions: np.ndarray) -> np.ndarray:
    codes, uniq = pd.factorize(pd.Series(positions, dtype=np.int64))
    keys = negation_keys(texts[np.asarray(uniq, dtype=np.int64)]) if len(uniq) else uniq
    return np.asarray(keys, dtype=object)[codes] if len(codes) else np.zeros(0, dtype=object)


def lsh_params(cfg: DuplicatesSettings, seed: int) -> LshParams:
    return LshParams(bits=cfg.semantic_bits, bands=cfg.semantic_bands,
                     window=cfg.semantic_window, seed=seed)


def english_prompts(evidence: Evidence, prompts: Prompts, cfg: DuplicatesSettings
                    ) -> tuple[Prompts, Readable]:
    """The prompts in English (all of them when every one is), and which they are."""
    english = english_rows_of(evidence, "input", cfg.english_min_share, prompts.rows)
    english = Readable(english.mask, english.min_share, "distinct prompts", english.mix)
    return (prompts if english.complete else prompts.only(english.mask)), english


def not_measured(english: Readable, code: str, signal: str) -> tuple[Finding, dict[str, Any]]:
    """The INFO finding and metrics of a search the prompts' languages ruled out."""
    return Finding(
        code, Severity.INFO, english.not_measured(signal, STATIC_VECTORS)
        + "; it neither warns nor fails here", observed=round(english.share, 4),
        threshold=english.min_share), {"semantic": "not measured (language)",
                                       "semantic_english_share": round(english.share, 4)}


def semantic_duplicates(evidence: Evidence, labels: np.ndarray, cfg: DuplicatesSettings
                        ) -> tuple[list[Finding], dict[str, Any], list[dict[str, Any]]]:
    """Paraphrased prompts in the training data (``labels``: MinHash input cluster per row),
    among the prompts in English."""
    prompts = representatives(evidence, labels)
    if prompts is None:
        return [], {"semantic": "unavailable (wordllama not installed)"}, []
    prompts, english = english_prompts(evidence, prompts, cfg)
    if not english.measured:
        finding, gone = not_measured(english, "duplicates.semantic_not_measured",
                                     "the paraphrase search")
        return [finding], gone, []
    threshold = cfg.semantic_similarity
    n = len(prompts.rows)
    cap = cfg.semantic_sample
    queries = np.sort(np.random.default_rng(evidence.seed).permutation(n)[:cap])
    pairs = _keep(similar_pairs(prompts.vectors, threshold, queries,
                                lsh_params(cfg, evidence.seed)), prompts.texts, prompts.texts)
    is_query = np.zeros(n, dtype=bool)
    is_query[queries] = True
    with_partner = np.zeros(n, dtype=bool)
    with_partner[pairs.left] = with_partner[pairs.right] = True
    k, q = int((with_partner & is_query).sum()), len(queries)
    low, high = (k / q, k / q) if q == n else _interval(k, q)  # a census has no sampling error
    share = k / q if q else 0.0
    groups = _groups(n, pairs)
    metrics: dict[str, Any] = {
        "semantic_similarity": threshold, "semantic_prompts": n, "semantic_sample": q,
        "semantic_pairs": len(pairs.left), "semantic_prompts_with_paraphrase": k,
        "semantic_share": round(share, 4), "semantic_share_low": round(low, 4),
        "semantic_share_high": round(high, 4),
        "semantic_groups": int(pd.Series(groups[with_partner]).nunique())}
    left_out = english.left_out("the paraphrase search")
    if left_out:
        metrics["semantic_english_share"] = round(english.share, 4)
    table = _pair_table(evidence, prompts, pairs, groups,
                        cfg.max_table_rows)
    if not len(pairs.left):
        return [], metrics, table
    involved = np.flatnonzero(with_partner)
    rows = evidence.data.frame["row_id"].to_numpy()[prompts.rows[involved]]
    sampled = (f"all {n:,} distinct prompts searched" if q == n else
               f"95 % interval {low:.1%}-{high:.1%}: a seeded sample of {q:,} of {n:,} "
               "distinct prompts searched")
    warn = cfg.semantic_warn_share
    return [Finding(
        "duplicates.semantic", Severity.WARN if low >= warn else Severity.INFO,
        f"{share:.1%} of distinct prompts ({sampled}) have a paraphrase in the set that is "
        f"not a copy (sentence-vector cosine >= {threshold}): {len(pairs.left):,} pairs "
        "found; paraphrases stay in the effective size" + (f" ({left_out})" if left_out else ""),
        observed=round(share, 4), threshold=warn, rows=example_rows(rows), n_rows=len(rows),
        remedy="read the semantic pairs: keep deliberate rewordings, drop or rewrite "
               "prompts that are the same question again")], metrics, table


def _groups(n: int, pairs: Pairs) -> np.ndarray:
    from tuneready.evidence.minhash import components

    return components(n, pairs.left, pairs.right)


def _pair_table(evidence: Evidence, prompts: Prompts, pairs: Pairs, groups: np.ndarray,
                limit: int) -> list[dict[str, Any]]:
    """The most similar pairs first (ties by row), each with both prompts."""
    frame = evidence.data.frame
    ids, inputs = frame["row_id"].to_numpy(), frame["input"].to_numpy()
    order = np.lexsort((prompts.rows[pairs.left], -pairs.cosine))[:limit]
    out = []
    for k in order:
        a, b = prompts.rows[pairs.left[k]], prompts.rows[pairs.right[k]]
        out.append({"similarity": round(float(pairs.cosine[k]), 3),
                    "group": int(groups[pairs.left[k]]), "row_id": int(ids[a]),
                    "other_row_id": int(ids[b]), "input": str(inputs[a])[:TEXT_LIMIT],
                    "other_input": str(inputs[b])[:TEXT_LIMIT]})
    return _renumber(out)


def _renumber(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups numbered 1, 2, ... in order of first appearance (component ids are internal)."""
    seen: dict[int, int] = {}
    for row in table:
        row["group"] = seen.setdefault(row["group"], len(seen) + 1)
    return table


def semantic_leakage(evidence: Evidence, eval_inputs: pd.Series, leaked: np.ndarray,
                     labels: np.ndarray, cfg: DuplicatesSettings
                     ) -> tuple[list[Finding], dict[str, Any], list[dict[str, Any]]]:
    """Eval prompts that paraphrase a training prompt, among eval rows not already leaked
    exactly or nearly (``leaked``: boolean per eval row), both in English."""
    from tuneready.evidence.languages import detect
    from tuneready.evidence.sentence import embed

    prompts = representatives(evidence, labels)
    if prompts is None or evidence.eval_data is None:
        return [], {}, []
    prompts, english = english_prompts(evidence, prompts, cfg)
    raw = evidence.eval_data.frame["input"].fillna("").astype(str).to_numpy()
    eval_english = english_rows(detect(raw.tolist(), [""] * len(raw)), "input",
                                cfg.english_min_share, texts=pd.Series(raw, dtype=object))
    eval_english = Readable(eval_english.mask, eval_english.min_share, "eval prompts",
                            eval_english.mix)
    for gate in (english, eval_english):
        if not gate.measured:
            finding, _ = not_measured(gate, "duplicates.semantic_leakage_not_measured",
                                      "the paraphrase leak search")
            return [finding], {}, []
    threshold = cfg.semantic_similarity
    norm = eval_inputs.fillna("").to_numpy()
    todo = np.flatnonzero(~leaked & (pd.Series(norm).str.len().to_numpy() > 0)
                          & eval_english.mask)
    cap = cfg.semantic_sample
    sample = np.sort(todo[np.random.default_rng(evidence.seed).permutation(len(todo))[:cap]])
    vectors = embed(raw[sample].tolist())
    if vectors is None:
        return [], {}, []
    pairs = _keep(cross_pairs(prompts.vectors, vectors, threshold,
                              lsh_params(cfg, evidence.seed)),
                  prompts.texts, norm[sample])
    # each eval prompt's closest training prompt (ties: the earlier one)
    order = np.lexsort((pairs.left, -pairs.cosine, pairs.right))
    first = order[np.concatenate([[True], np.diff(pairs.right[order]) != 0])] \
        if len(order) else order
    k, q = len(first), len(sample)
    low, high = (k / q, k / q) if q == len(todo) else _interval(k, q)
    metrics = {"semantic_leak_searched": q, "semantic_leaked_eval_rows": k,
               "semantic_leak_share": round(k / q, 4) if q else 0.0,
               "semantic_leak_share_low": round(low, 4) if q else 0.0,
               "semantic_leak_share_high": round(high, 4) if q else 0.0}
    train_ids = evidence.data.frame["row_id"].to_numpy()
    eval_ids = evidence.eval_data.frame["row_id"].to_numpy()
    shown = first[np.lexsort((pairs.right[first], -pairs.cosine[first]))]
    table = [{"row_id": int(train_ids[prompts.rows[pairs.left[i]]]),
              "eval_row_id": int(eval_ids[sample[pairs.right[i]]]), "kind": "semantic",
              "similarity": round(float(pairs.cosine[i]), 3),
              "input": str(raw[sample[pairs.right[i]]])[:TEXT_LIMIT]} for i in shown]
    if not k:
        return [], metrics, table
    share = (f"{k / q:.1%}" if q == len(todo) else f"{k / q:.1%}, 95 % interval "
             f"{low:.1%}-{high:.1%}, a seeded sample of {q:,} of {len(todo):,}")
    return [Finding(
        "duplicates.semantic_leakage", Severity.WARN,
        f"{k:,} of {q:,} eval prompts that are no copy of a training prompt paraphrase one "
        f"({share}; sentence-vector cosine >= {threshold}): they test recall of a reworded "
        "question, not skill",
        observed=round(k / q, 4), rows=example_rows(r["row_id"] for r in table),
        n_rows=len({r["row_id"] for r in table}),
        remedy="read the semantic leaks and drop or replace those eval prompts")], \
        metrics, table


def _interval(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of k in n, as plain floats."""
    low, high = wilson(k, n)
    return float(low), float(high)
