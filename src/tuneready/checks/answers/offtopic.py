"""Off-topic answers: an answer that fits another prompt of the data set better than its own.

Prompt and answer are not paraphrases of each other, so their raw cosine says little ("How do
I reset it?" vs "Open settings, then Security"). Instead two ridge regressions learn, out of
fold, how the data couples them (the shipped static sentence vectors,
``tuneready.evidence.sentence``): ``forward`` maps a prompt to where its answer usually lies,
``reverse`` an answer to where its prompt usually lies. The fit of prompt ``i`` to answer ``j``
counts both directions and corrects for hubs (CSLS, Lample et al. 2018, "Word translation
without parallel data")::

    fit(i, j) = 2 * (answer_j . forward_i + reverse_j . prompt_i) - hub_i

``hub_i`` is the mean of the ``HUB_K`` best forward and reverse similarities prompt ``i``
reaches among the candidate answers: a generic prompt ("Tell me more") lies near many answers
and would otherwise out-fit the true prompt of every loosely related answer. The answer's own
hub term is left out on purpose: it shifts all of one answer's fits equally, so its ranks and
gaps, which are all the flags read, do not depend on it. On the planted benchmark
(``bench/answers.py``) both directions and the hub correction raise the precision at 30 %
recall on chatterbot's loose chit-chat from about 0.4 (forward cosine alone) to about 0.7.

For each answer:

- ``own``: its fit to its own prompt;
- ``rank``: the share of candidate prompts that fit it better (a seeded sample of at most
  ``MAX_CANDIDATES`` prompts, scored in chunks: linear in rows, never n x n);
- the best-fitting candidate prompt's row and fit.

A swapped answer ranks its own prompt like any random prompt; a genuine one near the top.
How near depends on how tightly the data couples answers to prompts (instructions: tight;
chit-chat: loose), so the same ranks are computed for a **shuffled** pairing (each answer
against a random other prompt): that is what "no relation" looks like in this data set. The
flag rule (``detect.off_topic_flags``) reads these against the shuffled ranks, and only when
the data set's genuine pairs are clearly better coupled than shuffled ones (``coupling``: the
share of answers whose own prompt beats the shuffled median).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: candidate prompts each answer is ranked against (a seeded sample beyond this)
MAX_CANDIDATES = 4000
#: rows scored against the candidates at a time (memory: CHUNK x MAX_CANDIDATES floats)
CHUNK = 2048
FOLDS = 5
RIDGE = 1.0
#: nearest candidates averaged into a prompt's hub term
HUB_K = 10


@dataclass
class OffTopic:
    """Per-row scores (frame positions), ``nan`` where not scored."""

    own: np.ndarray
    rank: np.ndarray
    best_position: np.ndarray
    best: np.ndarray
    shuffled_rank: np.ndarray
    #: each answer's fit to a random other prompt (the shuffled pairing)
    shuffled: np.ndarray
    #: share of answers whose own prompt ranks better than the shuffled median
    coupling: float
    shuffled_median: float


@dataclass
class _Space:
    """The scored rows' vectors (local order) and the candidates they are ranked against."""

    query: np.ndarray  # [answer, reverse(answer)]
    key: np.ndarray  # [forward(prompt), prompt]
    hub: np.ndarray
    codes: np.ndarray
    cand: np.ndarray  # local indices


def score(prompts: np.ndarray, answers: np.ndarray, prompt_codes: np.ndarray,
          usable: np.ndarray, seed: int) -> OffTopic:
    """``prompts``/``answers``: unit sentence vectors (rows = frame positions);
    ``prompt_codes``: equal codes for identical prompts (never candidates for each other);
    ``usable``: rows with a prompt and an answer to score."""
    n = len(prompts)
    nan = np.full(n, np.nan)
    out = OffTopic(nan.copy(), nan.copy(), np.full(n, -1), nan.copy(), nan.copy(),
                   nan.copy(), float("nan"), float("nan"))
    rows = np.flatnonzero(usable)
    if len(rows) < 3 * FOLDS:
        return out
    rng = np.random.default_rng(seed)
    space = _space(prompts[rows], answers[rows], prompt_codes[rows], rng)
    partner = rng.permutation(len(rows))
    for start in range(0, len(rows), CHUNK):
        _score_block(out, rows, np.arange(start, min(start + CHUNK, len(rows))), space,
                     partner)
    ranked, shuffled = out.rank[rows], out.shuffled_rank[rows]
    out.shuffled_median = float(np.median(shuffled))
    out.coupling = float(np.mean(ranked < out.shuffled_median))
    return out


def _space(p: np.ndarray, a: np.ndarray, codes: np.ndarray,
           rng: np.random.Generator) -> _Space:
    forward = _oof_ridge(p, a, rng)
    reverse = _oof_ridge(a, p, rng)
    m = len(p)
    cand = np.arange(m) if m <= MAX_CANDIDATES else np.sort(
        rng.choice(m, MAX_CANDIDATES, replace=False))
    p32 = p.astype(np.float32)
    hub = np.empty(m, dtype=np.float32)
    for start in range(0, m, CHUNK):  # each prompt's best fits among the candidate answers
        block = slice(start, min(start + CHUNK, m))
        valid = codes[cand][None, :] != codes[block][:, None]
        hub[block] = _top_mean(forward[block] @ a[cand].T, valid) \
            + _top_mean(p32[block] @ reverse[cand].T, valid)
    return _Space(np.hstack([a.astype(np.float32), reverse]), np.hstack([forward, p32]),
                  hub, codes, cand)


def _top_mean(sims: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Mean of each row's ``HUB_K`` largest valid similarities (0 where none is valid)."""
    masked = np.where(valid, sims, -np.inf)
    k = min(HUB_K, masked.shape[1])
    top = np.partition(masked, masked.shape[1] - k, axis=1)[:, -k:]
    finite = np.isfinite(top)
    total = np.where(finite, top, 0.0).sum(axis=1)
    return np.asarray(total / np.maximum(finite.sum(axis=1), 1), dtype=np.float32)


def _score_block(out: OffTopic, rows: np.ndarray, block: np.ndarray, space: _Space,
                 partner: np.ndarray) -> None:
    pos, q, cand = rows[block], space.query[block], space.cand
    sims = 2 * (q @ space.key[cand].T) - space.hub[cand][None, :]  # block x candidates
    own = 2 * np.einsum("ij,ij->i", q, space.key[block]) - space.hub[block]
    other_rows = partner[block]
    other = 2 * np.einsum("ij,ij->i", q, space.key[other_rows]) - space.hub[other_rows]
    valid = space.codes[cand][None, :] != space.codes[block][:, None]
    counted = np.maximum(valid.sum(axis=1), 1)
    out.own[pos] = own
    out.shuffled[pos] = other
    out.rank[pos] = ((sims > own[:, None]) & valid).sum(axis=1) / counted
    out.shuffled_rank[pos] = ((sims > other[:, None]) & valid).sum(axis=1) / counted
    masked = np.where(valid, sims, -np.inf)
    best = masked.argmax(axis=1)
    out.best_position[pos] = rows[cand[best]]
    out.best[pos] = masked[np.arange(len(pos)), best]


def _oof_ridge(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Out-of-fold ridge predictions of ``y`` from ``x`` (closed form), unit length."""
    folds = rng.permutation(len(x)) % FOLDS
    out = np.zeros(y.shape, dtype=np.float64)
    eye = RIDGE * np.eye(x.shape[1])
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        xt = x[train].astype(np.float64)
        mean_x, mean_y = xt.mean(axis=0), y[train].mean(axis=0)
        xc = xt - mean_x
        w = np.linalg.solve(xc.T @ xc + eye, xc.T @ (y[train] - mean_y))
        out[test] = (x[test] - mean_x) @ w + mean_y
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(out / np.where(norms == 0, 1, norms), dtype=np.float32)
