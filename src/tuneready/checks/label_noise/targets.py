"""Free-form targets without labels (chat / SFT): answers that teach the wrong thing.

When the targets form a small closed set, the loader already turned them into labels and the
label_noise check uses confident learning. Otherwise the label has no class to be wrong
about, but an answer can still be unusable:

- **empty** answers (the model learns to say nothing);
- **refusals** ("I'm sorry, but I can't ...", "As an AI language model ...") where the data
  should teach the task (warned and listed, but not counted as defects: a refusal may be the
  behaviour the set is meant to teach);
- **echoes**: the answer repeats the input (same word set);
- **truncated** answers: an unclosed code fence, or text that stops on a comma, colon or a
  connective ("and", "the", ...), typical of a generation cut at a token limit;
- **contradictions**: near-identical inputs (same text after folding case, digits and
  punctuation) whose answers share almost nothing (character 3-gram Jaccard below
  ``contradiction_similarity``), compared with the group's most common answer;
- **misfits** (from ``pseudo_label_min_rows`` rows): answers are clustered into pseudo-labels
  (k-means on a low-rank TF-IDF of the answers) and cleanlab, on out-of-fold predictions of the
  cluster from the *input* features, flags answers of a kind the input does not call for
  (only when that model beats chance-like accuracy and is sure of another cluster).
  Model-based and fuzzier than the rest: reported, never capping the verdict.

All linear in rows: per-row rules, a groupby for near-identical inputs (at most 50 answers
compared per group), and one k-fold linear model over the shared input TF-IDF.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import example_rows, skipped, status_of
from tuneready.core.results import CheckResult, Finding, Severity, Verdict

if TYPE_CHECKING:
    from tuneready.config.policy import CheckPolicy
    from tuneready.evidence.store import Evidence
    from tuneready.io.dataset import Dataset

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


def target_result(name: str, data: Dataset, evidence: Evidence,
                  policy: CheckPolicy) -> CheckResult:
    """The label_noise result for unlabelled data with free-form targets."""
    if not data.has_targets:
        return skipped(name, "no labels and no target answers to check", policy)
    kinds = target_defects(data, evidence, policy)
    misfit = misfit_positions(evidence, policy)
    row_ids = data.frame["row_id"].to_numpy()
    flagged = np.flatnonzero(kinds[list(DEFECTS)].any(axis=1).to_numpy())
    share = len(flagged) / data.n
    findings = _rate_finding(share, len(flagged), row_ids[flagged], policy)
    for kind in KINDS:
        rows = row_ids[kinds[kind].to_numpy()]
        if len(rows):
            findings.append(Finding(
                f"label_noise.target_{kind}", Severity.WARN,
                f"{len(rows):,} answers are {_DESCRIBE[kind]}"
                + ("; check they are intended behaviour" if kind == "refusal" else ""),
                observed=len(rows),
                threshold=0, rows=example_rows(rows), n_rows=len(rows), remedy=_REMEDY[kind]))
    if len(misfit):
        findings.append(Finding(
            "label_noise.target_misfit", Severity.INFO,
            f"{len(misfit):,} answers are of a kind their input rarely calls for (answers "
            "clustered into pseudo-labels, cleanlab on the inputs); worth a look",
            observed=len(misfit), threshold=0, rows=example_rows(row_ids[misfit]),
            n_rows=len(misfit)))
    metrics: dict[str, Any] = {"targets_n": data.n, "flagged_n": len(flagged),
                               "defect_rate": round(share, 4), "misfit_n": len(misfit),
                               **{f"{k}_n": int(kinds[k].sum()) for k in KINDS}}
    return CheckResult(
        name=name, status=status_of(findings), metrics=metrics, findings=findings,
        params=policy, excluded_rows=sorted(int(r) for r in row_ids[flagged]),
        summary=f"{share:.1%} of {data.n:,} free-form answers are unusable "
                f"({len(flagged):,} rows); {len(misfit):,} more look off-topic",
        tables={"flagged_targets": _table(data, kinds, misfit)})


_DESCRIBE = {"empty": "empty", "refusal": "refusals or AI disclaimers",
             "echo": "echoes of their input", "truncated": "cut off mid-sentence or mid-code",
             "contradiction": "contradicted by the answer to a near-identical input"}
_REMEDY = {"empty": "drop or write the missing answers",
           "refusal": "replace refusals with the answer the task needs, or drop them",
           "echo": "write real answers for these rows",
           "truncated": "regenerate or complete the cut answers",
           "contradiction": "give near-identical inputs one consistent answer"}


def _rate_finding(share: float, n: int, rows: np.ndarray, policy: CheckPolicy) -> list[Finding]:
    for level, key, default, severity, cap in (
            ("not_ready", "not_ready_rate", 0.2, Severity.FAIL, Verdict.NOT_READY),
            ("fail", "fail_rate", 0.15, Severity.FAIL, Verdict.LORA),
            ("warn", "warn_rate", 0.05, Severity.WARN, None)):
        limit = float(policy.get(key, default))
        if share > limit:
            return [Finding(f"label_noise.rate_above_{level}", severity,
                            f"{share:.1%} of answers are empty, echoes, truncated or "
                            f"contradictory, above the {limit:.0%} {level} level",
                            observed=round(share, 4), threshold=limit, rows=example_rows(rows),
                            n_rows=n, caps=cap,
                            remedy=f"fix or drop the {n:,} answers flagged")]
    return []


def target_defects(data: Dataset, evidence: Evidence, policy: CheckPolicy) -> pd.DataFrame:
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


def misfit_positions(evidence: Evidence, policy: CheckPolicy) -> np.ndarray:
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
    from tuneready.evidence.label_issues import estimate_count, flag_lowest
    from tuneready.evidence.proxy import MAX_FOLDS, cross_val_probs

    folds = int(min(MAX_FOLDS, np.bincount(clusters).min()))
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


def _table(data: Dataset, kinds: pd.DataFrame, misfit: np.ndarray,
           limit: int = 500) -> list[dict[str, Any]]:
    frame = data.frame
    mis = np.zeros(len(frame), dtype=bool)
    mis[misfit] = True
    rows = []
    for p in np.flatnonzero(kinds.any(axis=1).to_numpy() | mis)[:limit].tolist():
        found = [k for k in KINDS if kinds[k].iat[p]] or ["misfit"]
        rows.append({"row_id": int(frame["row_id"].to_numpy()[p]), "kind": ", ".join(found),
                     "input": str(frame["input"].iat[p])[:300],
                     "target": str(frame["target"].iat[p])[:300]})
    return rows
