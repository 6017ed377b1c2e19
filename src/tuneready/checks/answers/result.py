"""The ``answers`` result: findings per type with their measured precision, the rate of
answers that leave the effective size against the ladder, and the flagged rows with their
evidence (scores, the better-fitting prompt's row, the languages, the template's copies)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from tuneready.checks.answers.detect import ORDER, Detections, Flag
from tuneready.checks.answers.review import review_sample
from tuneready.checks.answers.settings import AnswersSettings
from tuneready.checks.contract import example_rows, status_of
from tuneready.config.policy import CheckPolicy
from tuneready.core.ladder import crossed
from tuneready.core.results import CheckResult, Finding, Severity
from tuneready.io.dataset import Dataset

DESCRIBE = {"empty": "are empty", "echo": "repeat their prompt",
            "refusal": "are refusals or AI disclaimers",
            "canned": "are a canned reply given to many different prompts",
            "language": "are in another language than their prompt",
            "truncated": "look cut off", "contradiction":
            "contradict the answer to a near-identical closed prompt",
            "off_topic": "fit another prompt of the data set better than their own"}
REMEDY = {"empty": "drop or write the missing answers",
          "echo": "write real answers for these rows",
          "refusal": "replace refusals with the answer the task needs, or drop them "
                     "(keep them if refusing is the behaviour to teach)",
          "canned": "write answers to each prompt, or keep one copy of the template",
          "language": "answer in the prompt's language, or say in the prompt which to use",
          "truncated": "regenerate or complete the cut answers (raise the export's token "
                       "limit when many stop at one count)",
          "contradiction": "give near-identical closed prompts one consistent answer",
          "off_topic": "check the export's prompt-answer alignment around these rows"}
#: rows of the flagged-answers table (the counts and findings cover all)
TABLE_ROWS = 500


def answers_result(name: str, data: Dataset, found: Detections, policy: CheckPolicy,
                   cfg: AnswersSettings, seed: int = 0) -> CheckResult:
    row_ids = data.frame["row_id"].to_numpy()
    excluded = np.array(sorted(found.excluded_positions()), dtype=np.int64)
    share = len(excluded) / data.n
    findings = _rate(share, row_ids[excluded], cfg)
    by_kind: dict[str, list[Flag]] = {}
    for f in found.flags:
        by_kind.setdefault(f.kind, []).append(f)
    for kind in ORDER:
        if kind in by_kind:
            findings.append(_kind_finding(kind, by_kind[kind], row_ids, found))
    findings += _info(found, row_ids)
    metrics = _metrics(found, data.n, len(excluded), share)
    review = len(found.flags) - len(excluded)
    tables = _tables(data, found)
    sample = review_sample(data, found, cfg.review_per_type, seed)
    if sample:  # written as review.csv beside the report (render/outputs.py)
        tables["review_sample"] = sample
    metrics["review_rows"] = len(sample)
    return CheckResult(
        name=name, status=status_of(findings), metrics=metrics, findings=findings,
        params=policy, excluded_rows=sorted(int(r) for r in row_ids[excluded]),
        summary=f"{share:.1%} of {data.n:,} free-form answers are unusable ({len(excluded):,} "
                f"rows, findings measured precise); {review:,} more flagged for review",
        tables=tables)


def _rate(share: float, rows: np.ndarray, cfg: AnswersSettings) -> list[Finding]:
    hit = crossed(share, cfg.values())
    if hit is None:
        return []
    level, limit = hit
    return [Finding(f"answers.rate_above_{level.name}", level.severity,
                    f"{share:.1%} of answers are unusable (findings measured at "
                    f"precision {cfg.exclude_min_precision:.0%} or more), "
                    f"above the {limit:.0%} {level.name} level",
                    observed=round(share, 4), threshold=limit, rows=example_rows(rows),
                    n_rows=len(rows), caps=level.caps,
                    remedy=f"fix or drop the {len(rows):,} answers flagged")]


def _kind_finding(kind: str, flags: list[Flag], row_ids: np.ndarray,
                  found: Detections) -> Finding:
    rows = row_ids[[f.position for f in flags]]
    types = Counter(f.type for f in flags)
    sure = [t for t in types if t in _sure_types(found)]
    parts = []
    for t, n in types.most_common():
        p = flags[[f.type for f in flags].index(t)].evidence.get("precision")
        label = t.split(".", 1)[1].replace("_", " ") if "." in t else ""
        how = f"precision {p:.2f}" if p is not None else "precision not measured"
        parts.append(f"{label + ': ' if label else ''}{n:,} ({how}"
                     f"{', removed' if t in sure else ', for review'})")
    message = f"{len(flags):,} answers {DESCRIBE[kind]}: " + "; ".join(parts)
    if kind == "off_topic":
        message += ("; each row's own fit, rank and better-fitting prompt row are in the "
                    "flagged_answers table")
    return Finding(f"answers.{kind}", Severity.WARN, message, observed=len(flags),
                   threshold=0, rows=example_rows(rows), n_rows=len(flags),
                   remedy=REMEDY[kind])


def _sure_types(found: Detections) -> set[str]:
    from tuneready.checks.answers.severity import leaves_effective_size

    return {f.type for f in found.flags if leaves_effective_size(f.type, found.min_precision)}


def _info(found: Detections, row_ids: np.ndarray) -> list[Finding]:
    m, out = found.metrics, []
    if m.get("open_repeated_differing"):
        out.append(Finding(
            "answers.answer_diversity", Severity.INFO,
            f"{m['repeated_answered_differently']:,} of {m['repeated_prompts']:,} repeated "
            f"prompts are answered differently ({m['open_repeated_differing']:,} open prompts"
            + (f"; {m['contradictions_not_reported']:,} closed-prompt differences not called "
               "contradictions, since answering differently is this data's style"
               if m.get("contradictions_not_reported") else "")
            + "): diversity, not a defect; a tuned model will vary its answer too",
            observed=m["answer_diversity"], threshold=None))
    coupling = m.get("off_topic_coupling")
    if m.get("off_topic_scored") and m.get("off_topic_gap_min") is None:
        out.append(Finding(
            "answers.off_topic_not_judged", Severity.INFO,
            "answers are too loosely coupled to their prompts to tell an off-topic answer "
            f"(only {coupling or 0:.0%} rank their own prompt above the shuffled median)",
            observed=coupling, threshold=None))
    skipped = m.get("off_topic_pair_model_skipped")
    if m.get("off_topic_scored") and skipped:
        out.append(Finding(
            "answers.off_topic_static_vectors", Severity.INFO,
            f"off-topic answers were scored on static word vectors, not the pair model "
            f"({skipped}): on loosely coupled chat they find about half as many swapped "
            "answers, at lower precision",
            observed=None, threshold=None))
    languages = {k: v for k, v in found.language_mix.items() if k != "unknown"}
    if len(languages) > 1:
        total = sum(languages.values())
        mix = ", ".join(f"{k} {v / total:.0%}" for k, v in list(languages.items())[:6])
        out.append(Finding("answers.language_mix", Severity.INFO,
                           f"answers are in {len(languages)} languages ({mix})",
                           observed=len(languages), threshold=1))
    return out


def _metrics(found: Detections, n: int, n_excluded: int, share: float) -> dict[str, Any]:
    counts = Counter(f.kind for f in found.flags)
    types = Counter(f.type for f in found.flags)
    return {"answers_rows": n, "flagged_n": len(found.flags), "excluded_n": n_excluded,
            "defect_rate": round(share, 4),
            **{f"{k}_n": counts.get(k, 0) for k in ORDER},
            **{f"{t.replace('.', '_')}_n": v for t, v in sorted(types.items()) if "." in t},
            "canned_groups": len(found.canned_groups),
            "language_mix": found.language_mix, **found.metrics}


def _tables(data: Dataset, found: Detections) -> dict[str, list[dict[str, Any]]]:
    frame = data.frame
    row_ids = frame["row_id"].to_numpy()
    excluded = found.excluded_positions()
    rows = []
    for f in found.flags[:TABLE_ROWS]:
        ev = {k: v for k, v in f.evidence.items() if v is not None or k == "precision"}
        for key in ("better_position", "contradicts_position", "first_position"):
            if key in ev:  # positions -> the row ids a user can find in the file
                ev[key.replace("_position", "_row")] = int(row_ids[int(ev.pop(key))])
        rows.append({"row_id": int(row_ids[f.position]), "kind": f.kind, "reason": f.reason,
                     "removed": f.position in excluded, **ev,
                     "input": str(frame["input"].iat[f.position])[:300],
                     "target": str(frame["target"].iat[f.position])[:300]})
    out: dict[str, list[dict[str, Any]]] = {"flagged_answers": rows} if rows else {}
    if found.language_mix:
        out["language_mix"] = [{"language": k, "answers": v}
                               for k, v in found.language_mix.items()]
    return out
