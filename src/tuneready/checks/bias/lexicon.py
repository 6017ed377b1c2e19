"""Identity terms in text: derived groups, and labels that lean on identity terms.

Most fine-tuning sets have no sensitive column, yet a classifier tuned on them can still learn
that "muslim" or "gay" predicts a label (Dixon et al. 2018). We match the project's own lexicon
(``data/identity_terms.tsv``) on whole word tokens: one regex pass over all rows, each token
mapped to its lexicon word id, then the lexicon's trie walked from every token at once (linear
in rows, no Python loop over terms or n-grams), which gives:

- a derived group per row and category ("none", the group mentioned, or "multiple");
- a sparse row x term indicator matrix for document-level term-label association (nPMI with a
  Fisher p-value, minimum counts so one occurrence cannot look like a strong association).
"""

from __future__ import annotations

import functools
import itertools
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


#: joins the rows of the token stream; not a word character, so it never changes the tokens
SEP = "\x01"
_TOKEN = re.compile(r"\x01|\w+")


@dataclass
class _Trie:
    """The lexicon's terms as a trie over word ids: an edge is ``parent * width + word``
    (sorted in ``edges``, its node in ``child``); the entries (lexicon rows) ending at node
    ``v`` are ``entries[start[v]:start[v + 1]]``, in lexicon order."""

    vocab: dict[str, int]
    edges: np.ndarray
    child: np.ndarray
    start: np.ndarray
    entries: np.ndarray
    depth: int

    @classmethod
    def build(cls, keys: list[list[str]]) -> _Trie:
        vocab: dict[str, int] = {}
        nodes: dict[tuple[int, int], int] = {}
        end = np.full(len(keys), -1, dtype=np.int64)
        for i, words in enumerate(keys):
            node = 0
            for word in words:
                w = vocab.setdefault(word, len(vocab))
                node = nodes.setdefault((node, w), len(nodes) + 1)
            end[i] = node if words else -1
        width = max(len(vocab), 1)
        edges = np.array([p * width + w for p, w in nodes], dtype=np.int64)
        order = np.argsort(edges)
        entries = np.flatnonzero(end >= 0)
        entries = entries[np.argsort(end[entries], kind="stable")]
        start = np.searchsorted(end[entries], np.arange(len(nodes) + 2))
        return cls(vocab, edges[order], np.array(list(nodes.values()), dtype=np.int64)[order],
                   start, entries, max((len(k) for k in keys), default=0))

    def step(self, node: np.ndarray, word: np.ndarray) -> np.ndarray:
        """Child of each (node, word), -1 where the trie has no such edge."""
        if not len(self.edges):
            return np.full(len(node), -1, dtype=np.int64)
        code = node * max(len(self.vocab), 1) + word
        j = np.minimum(np.searchsorted(self.edges, code), len(self.edges) - 1)
        return np.where((word >= 0) & (self.edges[j] == code), self.child[j], -1)


def _token_ids(texts: pd.Series, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Word id of every token of the lower-cased texts (-1: not a lexicon word) in one regex
    pass over the texts joined by ``SEP`` (id -2, so no n-gram crosses rows), and its row.

    The pass runs over ``TOKEN_CHUNK`` texts at a time, with a ``SEP`` between chunks too, so
    the ids are the same as one pass over all texts, but only one chunk's tokens exist as
    Python strings at once (3M rows: about 60M token strings, several GB, held together)."""
    lookup = {**vocab, SEP: -2}
    parts: list[np.ndarray] = []
    for start in range(0, len(texts), TOKEN_CHUNK):
        if parts:
            parts.append(np.full(1, -2, dtype=np.int64))
        parts.append(_chunk_ids(texts.iloc[start:start + TOKEN_CHUNK], lookup))
    ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return ids, np.cumsum(ids == -2)


#: texts tokenized at a time by ``_token_ids``
TOKEN_CHUNK = 50_000


def _chunk_ids(texts: pd.Series, lookup: dict[str, int]) -> np.ndarray:
    lower = texts.str.lower().tolist()
    joined = SEP.join(lower)
    if joined.count(SEP) != max(len(lower) - 1, 0):  # a text holds SEP: it is no word anyway
        joined = SEP.join(t.replace(SEP, " ") for t in lower)
    tokens = _TOKEN.findall(joined)
    return np.fromiter(map(lookup.get, tokens, itertools.repeat(-1)), dtype=np.int64,
                       count=len(tokens))


def _ngram_hits(ids: np.ndarray, trie: _Trie) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(token position, length, lexicon row) of every term starting at every position: the
    trie is walked from all positions at once, one word further per step. Whole tokens only,
    so matching is on word boundaries ("african-american" equals "african american")."""
    pos = np.flatnonzero(ids >= 0)
    node = np.zeros(len(pos), dtype=np.int64)
    found: list[list[np.ndarray]] = [[np.zeros(0, dtype=np.int64)] for _ in range(3)]
    for length in range(1, trie.depth + 1):
        at = pos + length - 1
        inside = at < len(ids)
        pos, node = pos[inside], trie.step(node[inside], ids[at[inside]])
        pos, node = pos[node >= 0], node[node >= 0]
        count = trie.start[node + 1] - trie.start[node]
        first = np.repeat(trie.start[node] - np.cumsum(count) + count, count)
        entry = trie.entries[first + np.arange(int(count.sum()))]
        for parts, values in zip(found, (np.repeat(pos, count),
                                         np.full(len(entry), length), entry), strict=True):
            parts.append(values.astype(np.int64))
    start, length_, entry_ = (np.concatenate(parts) for parts in found)
    return start, length_, entry_


def _longest(pos: np.ndarray, length: np.ndarray, entry: np.ndarray,
             categories: np.ndarray) -> np.ndarray:
    """Within a category keep the longest match: "trans woman" is not also "woman".
    ``pos`` counts word tokens only; returns the mask of hits kept."""
    codes, _ = pd.factorize(categories)
    cat = codes[entry].astype(np.int64)
    width = int(codes.max()) + 1 if len(codes) else 1
    longer = length > 1
    covered = np.concatenate([(pos[longer] + o) * width + cat[longer]
                              for o in range(int(length.max(initial=1)))])
    return ~((length == 1) & np.isin(pos * width + cat, covered))


def match_terms(texts: pd.Series, lexicon: pd.DataFrame | None = None) -> TermMatches:
    """Match every term of every category in every text: one tokenizing pass, then lookups."""
    import scipy.sparse as sp

    lex = (load_lexicon() if lexicon is None else lexicon).reset_index(drop=True)
    texts = texts.fillna("").astype(str).reset_index(drop=True)
    n = len(texts)
    trie = _Trie.build([re.findall(r"\w+", t) for t in lex["term"]])
    ids, rows = _token_ids(texts, trie.vocab)
    pos, length, entries = _ngram_hits(ids, trie)
    kept = _longest(pos - rows[pos], length, entries, lex["category"].to_numpy())
    hit_rows, entries = rows[pos[kept]], entries[kept]
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

    from tuneready.checks.bias.exact import fisher_exact_pvalues

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
