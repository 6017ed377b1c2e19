"""The shared proxy model: out-of-fold predicted probabilities for labelled rows.

Confident learning, per-group error and the learning curve all need predictions a model made
on rows it did not train on. We fit one seeded, stratified k-fold linear model over the shared
features (or take the user's ``--pred-probs``) and every check reads the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tuneready.evidence.store import Evidence

MAX_FOLDS = 5
MIN_ROWS = 10
#: From this many labelled rows the proxy uses ``LARGE_FOLDS`` folds: each fold model still
#: trains on 13k+ rows, and the fits cost half. Measured with 10 % planted flips
#: (``bench/label_noise.py``'s flips): 50k perturbed SMS/TREC rows, 5 folds precision 0.832 /
#: recall 0.847 in 4.3 s, 3 folds 0.831 / 0.842 in 2.2 s. On the 5k-row SMS and TREC sets 3
#: folds lose up to 2 points, so smaller sets keep 5.
LARGE_ROWS = 20_000
LARGE_FOLDS = 3



@dataclass
class ProxyResult:
    """Out-of-fold class probabilities for the labelled rows the proxy could learn from.

    ``index`` holds positions (into ``Dataset.frame``) of the rows with predictions, aligned
    with ``labels`` (class indices) and ``pred_probs``. Rows of classes too rare for k-fold are
    left out and listed in ``skipped_classes``.
    """

    classes: list[str]
    index: np.ndarray
    labels: np.ndarray
    pred_probs: np.ndarray
    folds: int
    oof_accuracy: float
    source: str
    skipped_classes: list[str] = field(default_factory=list)
    #: the TF-IDF fold models' accuracy on their own training rows (``None`` for --pred-probs)
    in_sample_accuracy: float | None = None
    #: out-of-fold accuracy of the same TF-IDF models: ``in_sample_accuracy`` minus this is
    #: the generalization gap of one model, not of the stack
    in_sample_reference: float | None = None
    #: out-of-fold probabilities of each independent view ("tfidf", "sentence", "embeddings",
    #: "user"), aligned with ``index``; ``pred_probs`` is their weighted mean (``weights``)
    views: dict[str, np.ndarray] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def predicted(self) -> np.ndarray:
        return np.asarray(self.pred_probs.argmax(axis=1))

def labelled_classes(evidence: Evidence) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Positions and class indices of rows usable for k-fold (classes with >= 2 rows)."""
    labels = evidence.data.frame["label"]
    mask = labels.notna().to_numpy()
    counts = labels[mask].value_counts()
    usable = sorted(str(c) for c, n in counts.items() if n >= 2)
    skipped = sorted(str(c) for c, n in counts.items() if n < 2)
    keep = mask & labels.isin(usable).to_numpy()
    positions = np.flatnonzero(keep)
    lookup = {c: i for i, c in enumerate(usable)}
    y = np.asarray([lookup[v] for v in labels.to_numpy()[positions]], dtype=np.int64)
    return positions, y, usable, skipped


def fit_proxy(evidence: Evidence) -> ProxyResult | None:
    """Out-of-fold probabilities of each available view on the same folds, and their stack.

    Views: ``tfidf`` (word and character n-grams, logistic regression), ``sentence`` (the
    shipped static sentence vectors, linear discriminant analysis) or ``embeddings`` (the
    user's ``--embeddings`` in its place), and ``user`` (``--pred-probs``, which then is the
    proxy; the TF-IDF view is still fitted as the independent second opinion the lower bound
    of the noise rate needs, ``evidence.noise_range``). Without user probabilities the proxy
    is the weighted mean of the views, the weight chosen on a grid by out-of-fold log-loss
    (one parameter fitted on out-of-fold predictions: no leak worth a refit). Measured on the
    public cases (``bench/label_noise.py``): TF-IDF alone 0.670 / 0.856 out-of-fold accuracy on
    chatterbot openings / VADER tweets, the stack 0.777 / 0.863; on TREC, where the static
    vectors are weak (0.69), the weight goes to TF-IDF and nothing is lost.
    """
    positions, y, classes, skipped = labelled_classes(evidence)
    if len(classes) < 2 or len(positions) < MIN_ROWS:
        return None
    folds = int(min(LARGE_FOLDS if len(y) >= LARGE_ROWS else MAX_FOLDS, np.bincount(y).min()))
    splits = fold_splits(evidence, positions, y, folds)
    views: dict[str, np.ndarray] = {}
    in_sample = reference = None
    if _has_text(evidence):
        views["tfidf"], in_sample = view_probs(evidence.tfidf, y, splits, evidence.seed,
                                               positions)
        reference = _accuracy(views["tfidf"], y)
    dense, dense_name = _dense_features(evidence)
    if dense is not None:
        views[dense_name], _ = view_probs(dense, y, splits, evidence.seed, positions)
    user = evidence._user_pred_probs
    if user is not None:
        probs = _user_probs(user, positions, classes, all_classes(evidence))
        views["user"] = probs
        weights = {"user": 1.0}
        source = "user --pred-probs"
    else:
        if not views:
            return None
        probs, weights = stack(views, y)
        source = (f"{folds}-fold stack of " + " + ".join(
            f"{VIEW_NAMES[name]} ({weights[name]:.0%})" for name in views))
    return ProxyResult(classes, positions, y, probs, 0 if user is not None else folds,
                       _accuracy(probs, y), source, skipped, in_sample, reference, views,
                       weights)


#: how each view is named in the report
VIEW_NAMES = {"tfidf": "TF-IDF logistic regression",
              "sentence": "sentence-vector discriminant analysis",
              "embeddings": "user-embedding discriminant analysis",
              "user": "user --pred-probs"}


def _accuracy(probs: np.ndarray, y: np.ndarray) -> float:
    return float((probs.argmax(axis=1) == y).mean())


def _has_text(evidence: Evidence) -> bool:
    return bool(evidence.data.frame["input"].fillna("").str.strip().str.len().gt(0).any())


def _dense_features(evidence: Evidence) -> tuple[np.ndarray | None, str]:
    if evidence._user_embeddings is not None:
        return np.asarray(evidence._user_embeddings, dtype=np.float64), "embeddings"
    return evidence.sentence_vectors, "sentence"


def stack(views: dict[str, np.ndarray], y: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """Weighted mean of two views' probabilities, weight by out-of-fold log-loss on a grid
    of 0, 0.1, ..., 1 (a tie keeps the first view's larger share)."""
    names = list(views)
    if len(names) == 1:
        return views[names[0]], {names[0]: 1.0}
    a, b = views[names[0]], views[names[1]]
    rows = np.arange(len(y))

    def loss(w: float) -> float:
        p = w * a[rows, y] + (1 - w) * b[rows, y]
        return float(-np.log(np.clip(p, 1e-6, 1.0)).mean())

    grid = [round(1 - i / 10, 1) for i in range(11)]
    w = min(grid, key=loss)
    return w * a + (1 - w) * b, {names[0]: w, names[1]: round(1 - w, 1)}


def all_classes(evidence: Evidence) -> list[str]:
    """Every label value, sorted: the column order expected of ``--pred-probs``."""
    return sorted(str(v) for v in evidence.data.frame["label"].dropna().unique())


def check_user_arrays(n_rows: int, classes: list[str], pred_probs: np.ndarray | None,
                      embeddings: np.ndarray | None) -> str | None:
    """Why the user's ``--pred-probs``/``--embeddings`` do not fit the data, or ``None``.

    Checked right after loading so a wrong file is a usage error (exit 2), not a crash
    deep inside a check. Rows must follow the dataset's row order after loading.
    """
    for flag, arr in (("--pred-probs", pred_probs), ("--embeddings", embeddings)):
        if arr is None:
            continue
        if arr.ndim != 2 or arr.shape[0] != n_rows:
            return (f"{flag} has shape {'x'.join(map(str, arr.shape))}; expected {n_rows} rows "
                    "(one per loaded row, in file order)")
        if not np.isfinite(arr).all():
            return f"{flag} contains NaN or infinite values"
    if pred_probs is not None:
        if pred_probs.shape[1] != len(classes):
            return (f"--pred-probs has {pred_probs.shape[1]} columns; the data has "
                    f"{len(classes)} classes (columns in sorted label order: "
                    f"{', '.join(classes[:10])}{', ...' if len(classes) > 10 else ''})")
        if (pred_probs < 0).any():
            return "--pred-probs contains negative values"
    return None


def _user_probs(user: np.ndarray, positions: np.ndarray, usable: list[str],
                every: list[str]) -> np.ndarray:
    """The user's probabilities for the proxy rows, restricted to the usable classes."""
    probs = np.asarray(user, dtype=np.float64)
    if probs.shape[1] != len(every):
        raise ValueError(f"--pred-probs has {probs.shape[1]} columns, the data has "
                         f"{len(every)} classes")
    cols = [every.index(c) for c in usable]
    probs = probs[positions][:, cols]
    total = probs.sum(axis=1, keepdims=True)
    return np.asarray(np.where(total > 0, probs / np.where(total > 0, total, 1),
                               1.0 / len(usable)))


def make_model(sparse: bool = True, seed: int = 0) -> Any:
    """The proxy's estimator; one definition so every fit (out-of-fold, in-sample, learning
    curve) uses the same model."""
    from sklearn.linear_model import LogisticRegression

    # No class_weight="balanced": reweighting shifts the probabilities away from the label
    # frequencies, and confident learning then flags true minority rows. Measured on SMS spam
    # with 10 % flips: precision 0.69 with balanced weights, 0.96 without (bench/label_noise.py).
    # C=4 (weak regularization) fits the many sparse n-gram features; measured best of 0.5-4.
    # On sparse L2-normalized TF-IDF rows, saga at tol 1e-3 gives the same flags as lbfgs
    # (SMS 10 % flips: precision 0.957 / recall 0.891 vs 0.959 / 0.887) 5-15x faster; dense
    # user embeddings may be unscaled, where lbfgs converges more reliably.
    if sparse:
        # saga visits rows in random order: seeded, or reruns differ in the last digits
        return LogisticRegression(C=4.0, solver="saga", tol=1e-3, max_iter=1000,
                                  random_state=seed)
    return LogisticRegression(C=4.0, max_iter=2000)


def fold_splits(evidence: Evidence, positions: np.ndarray, y: np.ndarray,
                folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded stratified folds, every copy of an input in one fold (``_group_folds``)."""
    from sklearn.model_selection import StratifiedKFold

    splits = _group_folds(evidence.input_hash[positions], y, folds, evidence.seed)
    if splits is None:
        splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=evidence.seed)
                      .split(np.zeros(len(y)), y))
    return splits


def view_probs(x: Any, y: np.ndarray, splits: list[tuple[np.ndarray, np.ndarray]],
               seed: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Out-of-fold probabilities of one view, and the fold models' accuracy on their own
    training rows.

    The second number is the in-sample side of the generalization gap: the same models the
    out-of-fold accuracy comes from, scored on the rows they learned from. It costs one
    prediction pass per fold instead of a sixth fit on every row (1 s at 50k rows). Sparse
    views get the logistic regression of ``make_model``; dense ones linear discriminant
    analysis with Ledoit-Wolf shrinkage (closed form, O(n d^2): 256-d vectors of 100k rows in
    about a second per fold, where lbfgs took 4-13 s on 5k rows with 6-50 classes).

    ``rows`` maps the positions of ``y`` (and of the splits) to rows of ``x``: each fold
    indexes the whole matrix once, instead of the caller copying the labelled rows first (a
    dense 256-d view of 3M rows is 3 GB). Every fold's model is fitted on a bounded sample of
    its training rows (``fit_rows``), so the cost stops growing with the data.
    """
    import scipy.sparse as sp

    n_classes = int(y.max()) + 1

    sparse = sp.issparse(x)

    def at(idx: np.ndarray) -> Any:
        return x[idx if rows is None else rows[idx]]

    def one_fold(split: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, int, int]:
        train, test = split
        fit = bounded(train, y, SPARSE_FIT_ROWS if sparse else DENSE_FIT_ROWS, seed)
        model = make_model(sparse=True, seed=seed) if sparse else dense_model()
        model.fit(at(fit), y[fit])
        if sparse and REFINE_EPOCHS and len(fit) < len(train):
            fit = train
            refine(model, at(fit), y[fit], REFINE_EPOCHS)
        probs = np.zeros((len(test), n_classes))
        correct = 0
        for start in range(0, len(test), PREDICT_ROWS):
            part = test[start:start + PREDICT_ROWS]
            probs[start:start + len(part), model.classes_] = model.predict_proba(at(part))
        for start in range(0, len(fit), PREDICT_ROWS):
            part = fit[start:start + PREDICT_ROWS]
            correct += int((model.predict(at(part)) == y[part]).sum())
        return probs, correct, len(fit)

    import warnings
    from concurrent.futures import ThreadPoolExecutor

    from sklearn.exceptions import ConvergenceWarning

    # Folds run in two threads, not processes: saga's inner loop releases the GIL, so threads
    # use both cores (20k rows, 5 folds: 5.3 s vs 9.0 s serial and 6.6 s with two loky worker
    # processes), without starting workers that import scikit-learn again and receive their
    # own copy of the matrix (about 300 MB each). Each fold is seeded: same result either way.
    with warnings.catch_warnings():
        if sparse and REFINE_EPOCHS and any(len(t) > SPARSE_FIT_ROWS for t, _ in splits):
            warnings.simplefilter("ignore", ConvergenceWarning)
        with ThreadPoolExecutor(max_workers=min(2, len(splits))) as pool:
            results = list(pool.map(one_fold, splits))
    out = np.zeros((len(y), n_classes))
    for (_, test), (probs, _, _) in zip(splits, results, strict=True):
        out[test] = probs
    trained = sum(n for _, _, n in results)
    return out, sum(correct for _, correct, _ in results) / trained


#: Rows predicted at a time: a fold's test rows are a fifth of the data, and predicting them in
#: one call gathers their feature rows and the model's float64 intermediates at once (a dense
#: 256-d view of 3M rows: about 1.8 GB per fold, two folds at a time); in chunks of this many
#: rows the memory stays bounded and the probabilities are the same.
PREDICT_ROWS = 65_536

#: Sparse (TF-IDF) views fit each fold on at most this many training rows (seeded,
#: stratified by class), then ``REFINE_EPOCHS`` saga passes over all of them. Saga's passes
#: to converge grow with the rows: without a bound the proxy took 46 s at 1M rows and 368 s
#: at 3M (issue 19). Measured with 10 % flips on 3M ``bench/common`` rows
#: (``bench/proxy_scale.py``, busy shared machine, seconds rough): every row 1974 s,
#: precision 0.9986 / recall 0.8928; 200k + 5 passes 667 s, 0.9986 / 0.8950; 200k + 2
#: passes 251 s, 0.9986 / 0.8716; 200k alone 347 s, 0.9978 / 0.8302. At 300k rows a 50k
#: bound + 2 passes lost 0.003 recall (0.9507 vs 0.9541). Below the bound nothing changes
#: (every public label-noise case is far below it).
SPARSE_FIT_ROWS = 200_000

#: After the bounded fit, this many saga passes over all the fold's training rows, started
#: from the bounded solution (linear in rows: a fixed number of passes).
REFINE_EPOCHS = 5


def refine(model: Any, x: Any, y: np.ndarray, epochs: int) -> None:
    """A few more saga passes over ``x`` from the model's current weights (``warm_start``).
    It stops before convergence on purpose: ``view_probs`` silences that warning (filters
    are process-wide, so around the thread pool, not inside a thread)."""
    model.set_params(warm_start=True, max_iter=epochs)
    model.fit(x, y)


#: Dense views fit each fold on at most this many training rows (seeded, stratified): a
#: linear discriminant on 256 dimensions is well estimated from 20k rows, and the cost then
#: stops growing with the data (100k rows: 2.8 s for three folds on all rows).
DENSE_FIT_ROWS = 20_000


def bounded(rows: np.ndarray, y: np.ndarray, cap: int, seed: int) -> np.ndarray:
    """At most ``cap`` of ``rows``, every class kept in proportion (at least 2 rows of each,
    or all it has), seeded; sorted."""
    if len(rows) <= cap:
        return rows
    rng = np.random.default_rng(seed + 1)
    classes, counts = np.unique(y[rows], return_counts=True)
    keep = []
    for cls, count in zip(classes, counts, strict=True):
        members = rows[y[rows] == cls]
        take = min(count, max(2, round(cap * count / len(rows))))
        keep.append(rng.choice(members, size=take, replace=False))
    return np.sort(np.concatenate(keep))


def cross_val_probs(evidence: Evidence, positions: np.ndarray, y: np.ndarray,
                    folds: int) -> tuple[np.ndarray, float]:
    """Out-of-fold probabilities of the proxy's features (TF-IDF or the user's embeddings)
    for other targets ``y`` of the same rows (the free-form answers' pseudo-labels)."""
    return view_probs(evidence.features, y, fold_splits(evidence, positions, y, folds),
                      evidence.seed, positions)


def dense_model() -> Any:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    return LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")


def _group_folds(hashes: np.ndarray, y: np.ndarray, folds: int,
                 seed: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Stratified folds that keep every copy of the same normalized input in one fold.

    Otherwise a copy in the training fold leaks the answer: the model is confidently right on
    the duplicate (hiding how hard the row is) and confidently wrong on a conflicting copy.
    Folds are drawn over distinct inputs (first occurrence, its label) and then spread to the
    copies: linear in rows. ``None`` when some class has too few distinct inputs.
    """
    from sklearn.model_selection import StratifiedKFold

    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    if len(first) == len(hashes):
        return None
    rep_y = y[first]
    if np.bincount(rep_y, minlength=int(y.max()) + 1).min() < folds:
        return None
    fold_of_rep = np.empty(len(first), dtype=np.int64)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(cv.split(np.zeros(len(first)), rep_y)):
        fold_of_rep[test] = k
    fold = fold_of_rep[inverse.ravel()]
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(folds)]
