"""The free-form answer rules as they were before the ``answers`` check (frozen copy).

``tuneready/targets.py`` at commit ebd5b36 (label_noise's ``target_*`` findings), copied here
so that ``bench/answers.py`` can print the "before" column on the same planted rows after the
module was replaced. Only the detection is kept (no findings or rendering); the misfit model
uses the proxy helpers wherever they live now.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry,? but|i apologi[sz]e|unfortunately,? i)"
    r"|\bas an ai(?: language model| assistant)?,? i (?:cannot|can ?not|can'?t|don'?t|do not"
    r"|am not able|am unable)|\bas a (?:large )?language model\b"
    r"|\bi (?:cannot|can ?not|can'?t|am unable to|'m unable to|won'?t be able to|will not) "
    r"(?:help|assist|provide|comply|do that|answer|fulfil|fulfill|create|generate|write)",
    re.IGNORECASE)
DANGLING = re.compile(r"(?:[,:;(\-/]|\b(?:and|or|but|the|a|an|to|of|with|because|which|that|is))$",
                      re.IGNORECASE)
KINDS = ("empty", "refusal", "echo", "truncated", "contradiction")
#: kinds that are unusable whatever the intent; refusals may be deliberate (out-of-scope or
#: safety behaviour), so they warn and are listed but neither cap nor leave the effective size
DEFECTS = ("empty", "echo", "truncated", "contradiction")
#: a pseudo-label proxy below this out-of-fold accuracy cannot say what an input calls for
MISFIT_MIN_ACCURACY = 0.5
#: and a misfit needs the proxy this sure of another answer cluster
MISFIT_MIN_CONFIDENCE = 0.6
MAX_GROUP = 50


def target_defects(data: Any, evidence: Any, policy: dict[str, Any]) -> pd.DataFrame:
    """One boolean column per defect kind, one row per dataset row (frame order)."""
    targets = data.frame["target"].fillna("").astype(str)
    stripped = targets.str.strip()
    empty = stripped.str.len() <= int(policy.get("empty_max_chars", 0))
    refusal = stripped.str.slice(0, 300).str.contains(REFUSAL) & ~empty
    echo = _echo(evidence.norm_input, evidence.norm_target,
                 float(policy.get("echo_overlap", 0.9))) & ~empty
    truncated = stripped.map(_looks_truncated) & ~empty
    contradiction = _contradictions(data.frame["input"], evidence.norm_target,
                                    float(policy.get("contradiction_similarity", 0.3))) & ~empty
    return pd.DataFrame({"empty": empty.to_numpy(), "refusal": refusal.to_numpy(),
                         "echo": echo, "truncated": truncated.to_numpy(),
                         "contradiction": contradiction})


def _echo(inputs: pd.Series, targets: pd.Series, overlap: float) -> np.ndarray:
    out = np.zeros(len(inputs), dtype=bool)
    for i, (a, b) in enumerate(zip(inputs.tolist(), targets.tolist(), strict=True)):
        tb = set(str(b).split())
        if len(tb) < 3:
            continue
        ta = set(str(a).split())
        out[i] = len(ta & tb) / len(ta | tb) >= overlap
    return out


def _looks_truncated(text: str) -> bool:
    if not text:
        return False
    if text.count("```") % 2 == 1:
        return True
    return len(text.split()) >= 5 and DANGLING.search(text) is not None


def _coarse(text: object) -> str:
    """Case, digits, punctuation and spacing folded: near-identical inputs share this key."""
    return " ".join(re.sub(r"[\W\d_]+", " ", str(text or "").lower()).split())


def _grams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(max(1, len(text) - 2))}


def _contradictions(inputs: pd.Series, norm_targets: pd.Series, limit: float) -> np.ndarray:
    """Rows whose answer shares almost nothing with the group's most common answer."""
    keys = inputs.map(_coarse)
    out = np.zeros(len(inputs), dtype=bool)
    sizes = keys.map(keys.value_counts())
    multi = np.flatnonzero((sizes > 1).to_numpy() & (keys.str.len() > 0).to_numpy())
    if not len(multi):
        return out
    targets = norm_targets.to_numpy()
    for _key, members in pd.Series(multi).groupby(keys.to_numpy()[multi]):
        pos = members.to_numpy()[:MAX_GROUP]
        answers = pd.Series(targets[pos])
        modal = str(answers.value_counts().index[0])
        ref = _grams(modal)
        for p, a in zip(pos.tolist(), answers.tolist(), strict=True):
            g = _grams(str(a))
            if len(ref | g) and len(ref & g) / len(ref | g) < limit:
                out[p] = True
    return out


def misfit_positions(evidence: Any, policy: dict[str, Any]) -> np.ndarray:
    """Rows whose answer cluster the input does not predict (cleanlab on pseudo-labels)."""
    frame = evidence.data.frame
    targets = frame["target"].fillna("").astype(str)
    positions = np.flatnonzero((targets.str.strip().str.len() > 0).to_numpy())
    if len(positions) < int(policy.get("pseudo_label_min_rows", 200)):
        return np.zeros(0, dtype=np.int64)
    clusters = _cluster_answers(targets.to_numpy()[positions].tolist(), evidence.seed)
    counts = np.bincount(clusters)
    keep = counts[clusters] >= 5
    positions, clusters = positions[keep], clusters[keep]
    _, clusters = np.unique(clusters, return_inverse=True)
    if clusters.max(initial=0) < 1:
        return np.zeros(0, dtype=np.int64)
    estimate_count, flag_lowest, max_folds, cross_val_probs = _proxy_helpers()

    folds = int(min(max_folds, np.bincount(clusters).min()))
    probs, _ = cross_val_probs(evidence, positions, clusters, folds)
    if float((probs.argmax(axis=1) == clusters).mean()) < MISFIT_MIN_ACCURACY:
        return np.zeros(0, dtype=np.int64)
    count = estimate_count(clusters, probs)
    quality = probs[np.arange(len(clusters)), clusters]
    flagged = flag_lowest(clusters, probs, quality, count)
    flagged &= probs.max(axis=1) >= MISFIT_MIN_CONFIDENCE
    return positions[flagged]


def _cluster_answers(texts: list[str], seed: int) -> np.ndarray:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        x = TfidfVectorizer(max_features=20_000, sublinear_tf=True, min_df=2,
                            dtype=np.float32).fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing to cluster on
        return np.zeros(len(texts), dtype=np.int64)
    dims = max(1, min(50, x.shape[1] - 1))
    z = TruncatedSVD(n_components=dims, random_state=seed).fit_transform(x)
    k = int(np.clip(np.sqrt(len(texts) / 10), 2, 20))
    km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048)
    return np.asarray(km.fit_predict(z), dtype=np.int64)


def _proxy_helpers() -> tuple[Any, Any, int, Any]:
    """cleanlab's count and ranking and the proxy's cross-validation, before or after the
    layout move (``tuneready.noise``/``proxy`` -> ``tuneready.evidence.label_issues``/``proxy``)."""
    import importlib

    for noise_mod, proxy_mod in (("tuneready.evidence.label_issues", "tuneready.evidence.proxy"),
                                 ("tuneready.noise", "tuneready.proxy")):
        try:
            noise = importlib.import_module(noise_mod)
            proxy = importlib.import_module(proxy_mod)
        except ImportError:
            continue
        return noise.estimate_count, noise.flag_lowest, proxy.MAX_FOLDS, proxy.cross_val_probs
    raise ImportError("no proxy helpers found")


def detect(data: Any, evidence: Any) -> tuple[dict[str, set[int]], set[int]]:
    """Flagged positions per kind and the positions that left the effective size."""
    policy = {"empty_max_chars": 0, "echo_overlap": 0.9, "contradiction_similarity": 0.3,
              "pseudo_label_min_rows": 200}
    kinds = target_defects(data, evidence, policy)
    flags = {k: set(np.flatnonzero(kinds[k].to_numpy()).tolist()) for k in KINDS}
    flags["misfit"] = set(misfit_positions(evidence, policy).tolist())
    excluded = set(np.flatnonzero(kinds[list(DEFECTS)].any(axis=1).to_numpy()).tolist())
    return flags, excluded
