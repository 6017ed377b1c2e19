"""Off-topic answers: an answer that fits another prompt of the data set better than its own.

Prompt and answer are not paraphrases of each other, so their raw cosine says little ("How do
I reset it?" vs "Open settings, then Security"). Instead a ridge regression learns, out of
fold, where in answer space each prompt's answer usually lies: prompt vector -> predicted
answer vector (the shipped static sentence vectors, ``tuneready.evidence.sentence``). For
each answer:

- ``own``: its cosine with its own prompt's prediction;
- ``rank``: the share of candidate prompts whose prediction fits it better (a seeded sample
  of at most ``MAX_CANDIDATES`` prompts, scored in chunks: linear in rows, never n x n);
- the better-fitting prompt's row and cosine.

A swapped answer ranks its own prompt like any random prompt; a genuine one near the top.
How near depends on how tightly the data couples answers to prompts (instructions: tight;
chit-chat: loose), so the same ranks are computed for a **shuffled** pairing (each answer
against a random other prompt): that is what "no relation" looks like in this data set. An
answer is off-topic when its own prompt ranks worse than ``rank_min`` of the candidates and
no better than the shuffled pairs' median, and only when the data set's genuine pairs are
clearly better coupled than shuffled ones (``coupling``: the share of answers whose own
prompt beats the shuffled median, at least ``min_coupling``); otherwise nothing is flagged
and the coupling is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: candidate prompts each answer is ranked against (a seeded sample beyond this)
MAX_CANDIDATES = 4000
#: answers scored against the candidates at a time (memory: CHUNK x MAX_CANDIDATES floats)
CHUNK = 2048
FOLDS = 5
RIDGE = 1.0


@dataclass
class OffTopic:
    """Per-row scores (frame positions), ``nan`` where not scored."""

    own: np.ndarray
    rank: np.ndarray
    best_position: np.ndarray
    best: np.ndarray
    shuffled_rank: np.ndarray
    #: share of answers whose own prompt ranks better than the shuffled median
    coupling: float
    shuffled_median: float

    def flagged(self, rank_min: float, min_coupling: float) -> np.ndarray:
        if not np.isfinite(self.coupling) or self.coupling < min_coupling:
            return np.zeros(len(self.rank), dtype=bool)
        with np.errstate(invalid="ignore"):
            return (self.rank >= max(rank_min, 0.0)) & (self.rank >= self.shuffled_median) \
                & (self.best > self.own)


def score(prompts: np.ndarray, answers: np.ndarray, prompt_codes: np.ndarray,
          usable: np.ndarray, seed: int) -> OffTopic:
    """``prompts``/``answers``: unit sentence vectors (rows = frame positions);
    ``prompt_codes``: equal codes for identical prompts (never candidates for each other);
    ``usable``: rows with a prompt and an answer to score."""
    n = len(prompts)
    nan = np.full(n, np.nan)
    out = OffTopic(nan.copy(), nan.copy(), np.full(n, -1), nan.copy(), nan.copy(),
                   float("nan"), float("nan"))
    rows = np.flatnonzero(usable)
    if len(rows) < 3 * FOLDS:
        return out
    rng = np.random.default_rng(seed)
    predicted = _oof_ridge(prompts[rows], answers[rows], rng)
    cand = rows if len(rows) <= MAX_CANDIDATES else np.sort(
        rng.choice(rows, MAX_CANDIDATES, replace=False))
    local = {int(r): k for k, r in enumerate(rows)}
    cand_pred = predicted[[local[int(c)] for c in cand]]
    cand_codes = prompt_codes[cand]
    partner = rng.permutation(len(rows))
    for start in range(0, len(rows), CHUNK):
        block = np.arange(start, min(start + CHUNK, len(rows)))
        _score_block(out, rows, block, answers, predicted, partner, cand, cand_pred,
                     cand_codes, prompt_codes)
    ranked, shuffled = out.rank[rows], out.shuffled_rank[rows]
    out.shuffled_median = float(np.median(shuffled))
    out.coupling = float(np.mean(ranked < out.shuffled_median))
    return out


def _score_block(out: OffTopic, rows: np.ndarray, block: np.ndarray, answers: np.ndarray,
                 predicted: np.ndarray, partner: np.ndarray, cand: np.ndarray,
                 cand_pred: np.ndarray, cand_codes: np.ndarray,
                 prompt_codes: np.ndarray) -> None:
    pos = rows[block]
    a = answers[pos]
    sims = a @ cand_pred.T  # block x candidates
    own = np.einsum("ij,ij->i", a, predicted[block])
    other = np.einsum("ij,ij->i", a, predicted[partner[block]])
    valid = cand_codes[None, :] != prompt_codes[pos][:, None]
    counted = np.maximum(valid.sum(axis=1), 1)
    out.own[pos] = own
    out.rank[pos] = ((sims > own[:, None]) & valid).sum(axis=1) / counted
    out.shuffled_rank[pos] = ((sims > other[:, None]) & valid).sum(axis=1) / counted
    masked = np.where(valid, sims, -np.inf)
    best = masked.argmax(axis=1)
    out.best_position[pos] = cand[best]
    out.best[pos] = masked[np.arange(len(pos)), best]


def _oof_ridge(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Out-of-fold ridge predictions of ``y`` from ``x`` (closed form), unit length."""
    folds = rng.permutation(len(x)) % FOLDS
    out = np.zeros_like(y, dtype=np.float64)
    eye = RIDGE * np.eye(x.shape[1])
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        xt = x[train].astype(np.float64)
        mean_x, mean_y = xt.mean(axis=0), y[train].mean(axis=0)
        xc = xt - mean_x
        w = np.linalg.solve(xc.T @ xc + eye, xc.T @ (y[train] - mean_y))
        out[test] = (x[test] - mean_x) @ w + mean_y
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)
