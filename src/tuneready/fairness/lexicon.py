"""Identity terms in text: derived groups, and labels that lean on identity terms.

Most fine-tuning sets have no sensitive column, yet a classifier tuned on them can still learn
that "muslim" or "gay" predicts a label (Dixon et al. 2018). We match the project's own lexicon
(``data/identity_terms.tsv``) on word boundaries, one compiled regex per category applied by
pandas to all rows at once (linear in rows, no Python loop over terms), which gives:

- a derived group per row and category ("none", the group mentioned, or "multiple");
- a sparse row x term indicator matrix for document-level term-label association (nPMI with a
  Fisher p-value, minimum counts so one occurrence cannot look like a strong association).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import scipy.sparse as sp

NONE, MULTIPLE = "none", "multiple"
#: phrases that open a refusal; searched in the first 300 characters of the target
REFUSAL = re.compile(
    r"\b(?:i'?m sorry|i am sorry|i apologi[sz]e|i can(?:not|'t|no?t)|i'?m (?:not able|unable)"
    r"|i am (?:not able|unable)|i won'?t|i will not|i must decline|as an ai\b)", re.IGNORECASE)


@dataclass
class TermMatches:
    """What the lexicon found: derived groups per category and a row x term matrix."""

    groups: dict[str, pd.Series]
    matrix: sp.csr_matrix
    terms: list[tuple[str, str, str]]  # (term, category, group), one per matrix column


@functools.lru_cache(maxsize=1)
def load_lexicon() -> pd.DataFrame:
    """The packaged lexicon: columns category, group, term (lower case)."""
    text = resources.files("tuneready.data").joinpath("identity_terms.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]
    frame = pd.DataFrame(rows, columns=["category", "group", "term"])
    frame["term"] = frame["term"].str.lower().str.strip()
    return frame


def _tokens(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Row of each word token and the lower-cased token, for all rows in one regex pass."""
    found = texts.str.lower().str.findall(r"\w+").explode().dropna()
    return found.index.to_numpy(dtype=np.int64), found.to_numpy(dtype=object)


def _ngram_hits(rows: np.ndarray, words: np.ndarray,
                lookup: dict[str, list[int]], max_len: int) -> pd.DataFrame:
    """Every (token position, length, lexicon row) where a term of ``max_len`` words or fewer
    starts; n-grams never cross rows. Whole tokens only, so matching is on word boundaries
    (and "african-american" equals "african american")."""
    frames = []
    gram = pd.Series(words, dtype=object)
    for length in range(1, max_len + 1):
        if length > 1:
            nxt = np.empty(len(words), dtype=object)
            nxt[:len(words) - length + 1] = words[length - 1:]
            same = np.zeros(len(words), dtype=bool)
            same[:len(words) - length + 1] = rows[length - 1:] == rows[:len(rows) - length + 1]
            gram = (gram + " " + pd.Series(nxt, dtype=object)).where(same)
        ids = gram.map(lookup).dropna()
        if len(ids):
            hit = ids.explode()
            frames.append(pd.DataFrame({"pos": hit.index.to_numpy(dtype=np.int64),
                                        "length": length,
                                        "entry": hit.to_numpy(dtype=np.int64)}))
    if not frames:
        return pd.DataFrame({"pos": [], "length": [], "entry": []}, dtype=np.int64)
    return pd.concat(frames, ignore_index=True)


def _longest(hits: pd.DataFrame, categories: np.ndarray) -> pd.DataFrame:
    """Within a category keep the longest match: "trans woman" is not also "woman"."""
    codes, _ = pd.factorize(categories)
    cat = codes[hits["entry"].to_numpy(dtype=np.int64)].astype(np.int64)
    pos = hits["pos"].to_numpy(dtype=np.int64)
    length = hits["length"].to_numpy(dtype=np.int64)
    width = int(codes.max()) + 1 if len(codes) else 1
    longer = length > 1
    covered = np.concatenate([(pos[longer] + o) * width + cat[longer]
                              for o in range(int(length.max(initial=1)))])
    drop = (length == 1) & np.isin(pos * width + cat, covered)
    return hits[~drop]


def match_terms(texts: pd.Series, lexicon: pd.DataFrame | None = None) -> TermMatches:
    """Match every term of every category in every text: one tokenizing pass, then lookups."""
    import scipy.sparse as sp

    lex = (load_lexicon() if lexicon is None else lexicon).reset_index(drop=True)
    texts = texts.fillna("").astype(str).reset_index(drop=True)
    n = len(texts)
    keys = [" ".join(re.findall(r"\w+", t)) for t in lex["term"]]
    lookup: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        lookup.setdefault(key, []).append(i)
    rows, words = _tokens(texts)
    hits = _ngram_hits(rows, words, lookup, max(len(k.split()) for k in keys) if keys else 1)
    hits = _longest(hits, lex["category"].to_numpy())
    hit_rows = rows[hits["pos"].to_numpy()] if len(hits) else np.zeros(0, dtype=np.int64)
    entries = hits["entry"].to_numpy(dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(entries), dtype=np.int32), (hit_rows, entries)),
                           shape=(n, len(lex)))
    matrix.data[:] = 1  # document-level presence, not counts
    pairs = pd.DataFrame({"row": hit_rows, "category": lex["category"].to_numpy()[entries],
                          "group": lex["group"].to_numpy()[entries]}).drop_duplicates()
    groups: dict[str, pd.Series] = {}
    for category in sorted(lex["category"].unique()):
        part = pairs[pairs["category"] == category]
        several = part["row"].duplicated(keep=False).to_numpy()
        derived = np.full(n, NONE, dtype=object)
        derived[part["row"].to_numpy()] = np.where(several, MULTIPLE,
                                                   part["group"].to_numpy(dtype=object))
        groups[str(category)] = pd.Series(derived, dtype=object)
    meta = list(zip(lex["term"], lex["category"], lex["group"], strict=True))
    return TermMatches(groups, matrix, meta)


def term_label_association(matches: TermMatches, labels: pd.Series, min_term: int = 10,
                           min_cooccurrence: int = 5) -> list[dict[str, Any]]:
    """Document-level nPMI of (term present, label) with a two-sided Fisher p-value (all
    tables tested at once by ``fairness.exact``).

    nPMI = ln(p(x,y) / (p(x) p(y))) / -ln p(x,y), in [-1, 1]; 0 means independence. Only
    pairs with at least ``min_term`` documents containing the term and ``min_cooccurrence``
    documents with both are tested (the rest cannot support a claim either way).
    """
    import scipy.sparse as sp

    from tuneready.fairness.exact import fisher_exact_pvalues

    labels = labels.reset_index(drop=True)
    mask = labels.notna().to_numpy()
    if not mask.any() or matches.matrix.shape[1] == 0:
        return []
    x = matches.matrix[np.flatnonzero(mask)]
    y_codes, classes = pd.factorize(labels[mask], sort=True)
    y = sp.csr_matrix((np.ones(len(y_codes)), (np.arange(len(y_codes)), y_codes)),
                      shape=(len(y_codes), len(classes)))
    n = x.shape[0]
    term_n = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
    label_n = np.asarray(y.sum(axis=0)).ravel().astype(np.int64)
    co = (x.T @ y).toarray().astype(np.int64)
    terms, labs = np.nonzero((co >= min_cooccurrence) & (term_n[:, None] >= min_term))
    k, tn, ln = co[terms, labs], term_n[terms], label_n[labs]
    p_values = fisher_exact_pvalues(np.stack([np.c_[k, tn - k], np.c_[ln - k, n - tn - ln + k]],
                                             axis=1).reshape(-1, 2, 2))
    out = []
    for t, j, kk, tt, ll, p in zip(terms, labs, k.tolist(), tn.tolist(), ln.tolist(),
                                   p_values.tolist(), strict=True):
        p_xy, p_x, p_y = kk / n, tt / n, ll / n
        npmi = 1.0 if p_xy >= 1 else math.log(p_xy / (p_x * p_y)) / -math.log(p_xy)
        term, category, group = matches.terms[t]
        out.append({"term": term, "category": category, "group": group,
                    "label": str(classes[j]), "count": tt, "cooccurrence": kk,
                    "label_rate_with_term": round(kk / tt, 4),
                    "label_rate": round(ll / n, 4), "npmi": round(npmi, 4), "p_value": p})
    return out


def refusals(targets: pd.Series) -> np.ndarray:
    """Whether each target opens with (or soon contains) a refusal phrase."""
    head = targets.fillna("").astype(str).str.slice(0, 300)
    return np.asarray(head.str.contains(REFUSAL, regex=True), dtype=bool)
