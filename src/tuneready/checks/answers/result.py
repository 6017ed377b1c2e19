"""The ``answers`` result: what acts on this data (``acting``), the findings (``findings``),
every flagged row for ``flagged.csv``, the flagged-answers table and the review sample."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from tuneready.checks.answers import findings as words
from tuneready.checks.answers.acting import NEVER_REMOVED, Acting, decide
from tuneready.checks.answers.detect import ORDER, Detections, Flag
from tuneready.checks.answers.review import evidence_text, review_sample
from tuneready.checks.answers.settings import AnswersSettings
from tuneready.checks.contract import status_of
from tuneready.config.policy import CheckPolicy
from tuneready.core.precision import FlaggedRow
from tuneready.core.results import CheckResult
from tuneready.io.answer_review import MatchedVerdicts
from tuneready.io.dataset import Dataset
from tuneready.io.review_file import input_hash

#: rows of the flagged-answers table in audit.json (flagged.csv lists every row)
TABLE_ROWS = 500
#: evidence keys shown in flagged.csv, in this order (positions become row ids)
_EVIDENCE = ("own_fit", "rank", "better_position", "better_fit", "contradicts_position",
             "first_position", "copies", "expected", "answer_language")


def answers_result(name: str, data: Dataset, found: Detections, policy: CheckPolicy,
                   cfg: AnswersSettings, seed: int = 0,
                   review: MatchedVerdicts | None = None) -> CheckResult:
    row_ids = data.frame["row_id"].to_numpy()
    act = decide(found, review, cfg.exclude_min_precision)
    sample = review_sample(data, found, act, cfg.review_per_type, seed)
    findings = words.rate_findings(data.n, act, row_ids, cfg, len(sample))
    by_kind: dict[str, list[Flag]] = {}
    for f in found.flags:
        by_kind.setdefault(f.kind, []).append(f)
    findings += [words.kind_finding(k, by_kind[k], row_ids, act) for k in ORDER if k in by_kind]
    findings += words.review_findings(act) + words.info_findings(found)
    tables = _tables(data, found, act, cfg.exclude_min_precision)
    if sample:  # written as review.csv beside the report (render/outputs.py)
        tables["review_sample"] = sample
    share = len(act.removed) / data.n
    candidates = len({f.position for f in found.flags} - act.removed)
    return CheckResult(
        name=name, status=status_of(findings),
        metrics={**_metrics(found, data.n, act), "review_rows": len(sample)},
        findings=findings, params=policy, tables=tables,
        excluded_rows=sorted(int(r) for r in row_ids[sorted(act.removed)]),
        flagged=flagged_rows(name, data, found, act),
        summary=f"{share:.1%} of {data.n:,} free-form answers are unusable "
                f"({len(act.removed):,} rows: empty, or confirmed on this data); "
                f"{candidates:,} more flagged as candidates for review")


def _metrics(found: Detections, n: int, act: Acting) -> dict[str, Any]:
    counts = Counter(f.kind for f in found.flags)
    types = Counter(f.type for f in found.flags)
    answered = len(act.verdicts)
    return {"answers_rows": n, "flagged_n": len(found.flags), "excluded_n": len(act.removed),
            "defect_rate": round(len(act.removed) / n, 4),
            "defect_rate_hi": round(act.upper_n / n, 4),
            **{f"{k}_n": counts.get(k, 0) for k in ORDER},
            **{f"{t.replace('.', '_')}_n": v for t, v in sorted(types.items()) if "." in t},
            "precision_by_type": {t: act.precisions[t].to_dict() for t in sorted(types)},
            "review_answered": answered, "review_unmatched": act.unmatched,
            "canned_groups": len(found.canned_groups),
            "language_mix": found.language_mix, **found.metrics}


def flagged_rows(name: str, data: Dataset, found: Detections, act: Acting) -> list[FlaggedRow]:
    """Every flag, plus rows a reviewer confirmed that no rule flags now."""
    frame = data.frame
    ids = frame["row_id"].to_numpy()
    inputs = frame["input"].tolist()
    out = []
    for f in found.flags:
        verdict = act.verdicts.get(f.position)
        reason = f.type.replace(".", ": ").replace("_", " ")
        if verdict is not None:
            reason += f" (reviewed: {verdict.verdict})"
        out.append(FlaggedRow(name, f"answers.{f.kind}", f"answers.{f.type}",
                              int(ids[f.position]), input_hash(inputs[f.position]), reason,
                              _evidence(f, ids), f.position in act.removed,
                              act.precisions[f.type].text()))
    flagged = {f.position for f in found.flags}
    for p, v in act.verdicts.items():
        if p not in flagged and v.verdict == "defect":
            out.append(FlaggedRow(name, "answers.reviewed", v.stratum, int(ids[p]),
                                  input_hash(inputs[p]), "confirmed by a reviewer",
                                  f"reviewed as {v.stratum}; no rule flags it now", True,
                                  "confirmed by review"))
    return out


def _evidence(f: Flag, ids: np.ndarray) -> str:
    return evidence_text(f, ids, _EVIDENCE)


def _tables(data: Dataset, found: Detections, act: Acting,
            requirement: float) -> dict[str, list[dict[str, Any]]]:
    frame = data.frame
    row_ids = frame["row_id"].to_numpy()
    rows = []
    for f in found.flags[:TABLE_ROWS]:
        ev = {k: v for k, v in f.evidence.items() if v is not None}
        for key in ("better_position", "contradicts_position", "first_position"):
            if key in ev:  # positions -> the row ids a user can find in the file
                ev[key.replace("_position", "_row")] = int(row_ids[int(ev.pop(key))])
        verdict = act.verdicts.get(f.position)
        rows.append({"row_id": int(row_ids[f.position]), "kind": f.kind, "reason": f.reason,
                     "removed": f.position in act.removed,
                     "precision": act.precisions[f.type].text(),
                     **({"reviewed": verdict.verdict} if verdict else {}), **ev,
                     "input": str(frame["input"].iat[f.position])[:300],
                     "target": str(frame["target"].iat[f.position])[:300]})
    out: dict[str, list[dict[str, Any]]] = {"flagged_answers": rows} if rows else {}
    types = Counter(f.type for f in found.flags)
    removed = act.removed_by_type(found)
    if types:
        out["precision_by_type"] = [
            {"type": t, "flags": n, "removed": removed.get(t, 0),
             "basis": act.precisions[t].basis, "value": _r(act.precisions[t].value),
             "lo": _r(act.precisions[t].lo), "hi": _r(act.precisions[t].hi),
             "reviewed": act.precisions[t].reviewed, "precision": act.precisions[t].text(),
             "acts": act.precisions[t].acts(requirement) and t not in NEVER_REMOVED,
             "only_by_review": t in NEVER_REMOVED}
            for t, n in types.most_common()]
    if found.language_mix:
        out["language_mix"] = [{"language": k, "answers": v}
                               for k, v in found.language_mix.items()]
    return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)
