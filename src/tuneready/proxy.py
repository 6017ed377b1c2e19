"""The shared proxy model: out-of-fold predicted probabilities for labelled rows.

Confident learning, per-group error and the learning curve all need predictions a model made
on rows it did not train on. We fit one seeded, stratified k-fold linear model over the shared
features (or take the user's ``--pred-probs``) and every check reads the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tuneready.evidence import Evidence, ProxyResult

MAX_FOLDS = 5
MIN_ROWS = 10


def labelled_classes(evidence: Evidence) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Positions and class indices of rows usable for k-fold (classes with >= 2 rows)."""
    labels = evidence.data.frame["label"]
    mask = labels.notna().to_numpy()
    counts = labels[mask].value_counts()
    usable = sorted(c for c, n in counts.items() if n >= 2)
    skipped = sorted(c for c, n in counts.items() if n < 2)
    keep = mask & labels.isin(usable).to_numpy()
    positions = np.flatnonzero(keep)
    lookup = {c: i for i, c in enumerate(usable)}
    y = np.asarray([lookup[v] for v in labels.to_numpy()[positions]], dtype=np.int64)
    return positions, y, usable, skipped


def fit_proxy(evidence: Evidence) -> ProxyResult | None:
    from tuneready.evidence import ProxyResult

    positions, y, classes, skipped = labelled_classes(evidence)
    if len(classes) < 2 or len(positions) < MIN_ROWS:
        return None
    user = evidence._user_pred_probs
    if user is not None:
        probs = _user_probs(user, positions, len(classes))
        folds, source = 0, "user --pred-probs"
    else:
        folds = int(min(MAX_FOLDS, np.bincount(y).min()))
        probs = _cross_val_probs(evidence, positions, y, folds)
        source = f"{folds}-fold logistic regression on " + (
            "user embeddings" if evidence._user_embeddings is not None else "TF-IDF")
    accuracy = float((probs.argmax(axis=1) == y).mean())
    return ProxyResult(classes, positions, y, probs, folds, accuracy, source, skipped)


def _user_probs(user: np.ndarray, positions: np.ndarray, k: int) -> np.ndarray:
    probs = np.asarray(user, dtype=np.float64)[positions]
    if probs.shape[1] != k:
        raise ValueError(f"--pred-probs has {probs.shape[1]} columns, the data has {k} classes")
    return probs / probs.sum(axis=1, keepdims=True)


def _cross_val_probs(evidence: Evidence, positions: np.ndarray, y: np.ndarray,
                     folds: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    x = evidence.features[positions]
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=evidence.seed)
    probs = cross_val_predict(model, x, y, cv=cv, method="predict_proba", n_jobs=min(2, folds))
    return np.asarray(probs, dtype=np.float64)
