"""The answers check's findings: the rate of answers that left the effective size, one finding
per defect kind with each type's precision on this data, what a review still has to measure,
and notes (diversity, off-topic not judged, English-only rules not applied, the review's
unmatched verdicts)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from tuneready.checks.answers.acting import NEVER_REMOVED, Acting
from tuneready.checks.answers.detect import Detections, Flag
from tuneready.checks.answers.settings import AnswersSettings
from tuneready.checks.contract import example_rows
from tuneready.core.ladder import LADDER, crossed
from tuneready.core.results import Finding, Severity

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


def rate_findings(n: int, act: Acting, row_ids: np.ndarray, cfg: AnswersSettings,
                  review_rows: int) -> list[Finding]:
    """The share of answers that left the effective size against the ladder, and, when the
    candidates could still push it past a capping level, what is unresolved."""
    removed = np.array(sorted(act.removed), dtype=np.int64)
    share, upper = len(removed) / n, act.upper_n / n
    out = []
    hit = crossed(share, cfg.values())
    if hit is not None:
        level, limit = hit
        out.append(Finding(
            f"answers.rate_above_{level.name}", level.severity,
            f"{share:.1%} of answers are unusable (empty, or confirmed on this data: by a "
            f"review, or a type measured at precision {cfg.exclude_min_precision:.0%} or "
            f"more), above the {limit:.0%} {level.name} level",
            observed=round(share, 4), threshold=limit, rows=example_rows(row_ids[removed]),
            n_rows=len(removed), caps=level.caps,
            remedy=f"fix or drop the {len(removed):,} answers flagged"))
    limits = cfg.values()
    open_caps = [lv for lv in LADDER if lv.caps is not None
                 and share <= float(limits[lv.key]) < upper]
    if open_caps:
        out.append(_unresolved(share, upper, open_caps[0].key, cfg, review_rows))
    return out


def _unresolved(share: float, upper: float, key: str, cfg: AnswersSettings,
                review_rows: int) -> Finding:
    """The candidates, if they were all defects, would cross a capping level the measured
    share does not: the audit cannot vouch for the answers until a review measures them."""
    blocks = cfg.unresolved_blocks
    how = (f"judging the {review_rows:,} rows of review.csv (verdict column: defect, ok or "
           "skip) and running the audit again with --review review.csv measures each type's "
           "precision on this data" if review_rows else "review the flagged answers")
    return Finding(
        "answers.unresolved", Severity.FAIL if blocks else Severity.WARN,
        f"between {share:.1%} and {upper:.1%} of answers may be unusable: the flags' precision "
        f"is unmeasured on this data, so they are candidates and remove nothing"
        + (": the answers cannot be vouched for until this is resolved" if blocks else ""),
        observed=round(upper, 4), threshold=float(cfg.values()[key]), remedy=how,
        blocks=blocks)


def kind_finding(kind: str, flags: list[Flag], row_ids: np.ndarray, act: Acting) -> Finding:
    """One finding per defect kind: its rows, and per type the count, the precision on this
    data (types nothing measured here are said so once) and what happened to their rows."""
    rows = row_ids[[f.position for f in flags]]
    types = Counter(f.type for f in flags)
    counts, claims = [], []
    for t, count in types.most_common():
        label = t.split(".", 1)[1].replace("_", " ") if "." in t else ""
        counts.append(f"{label} {count:,}" if label else "")
        p = act.precisions[t]
        if p.basis != "unmeasured":
            removed = sum(1 for f in flags if f.type == t and f.position in act.removed)
            claims.append(f"{label + ': ' if label else ''}{p.text()}, {removed:,} removed")
    unmeasured = [t for t in types if act.precisions[t].basis == "unmeasured"]
    if unmeasured:
        ranges = [act.precisions[t].held_out for t in unmeasured]
        seen = [r for r in ranges if r is not None]
        bench = (f"; {min(r[0] for r in seen):.2f}-{max(r[1] for r in seen):.2f} on the "
                 "benchmark's held-out sets" if seen else "")
        fate = ("never removed unless a reviewer says so" if kind in NEVER_REMOVED
                else "candidates for review, none removed")
        who = "" if len(unmeasured) == len(types) else " for the others"
        claims.append(f"precision unmeasured here{who}{bench}: {fate}")
    listed = ", ".join(c for c in counts if c)
    message = (f"{len(flags):,} answers {DESCRIBE[kind]}" + (f" ({listed})" if listed else "")
               + "; " + "; ".join(claims))
    if kind == "off_topic":
        message += "; each row's fit and better-fitting prompt row are in flagged.csv"
    return Finding(f"answers.{kind}", Severity.WARN, message, observed=len(flags),
                   threshold=0, rows=example_rows(rows), n_rows=len(flags),
                   remedy=REMEDY[kind])


def review_findings(act: Acting) -> list[Finding]:
    out = []
    if act.unmatched:
        out.append(Finding(
            "answers.review_unmatched", Severity.INFO,
            f"{act.unmatched:,} reviewed answers no longer match this data set (their prompt "
            "or answer changed) and were not counted", observed=act.unmatched, threshold=0))
    if act.off_stratum:
        out.append(Finding(
            "answers.review_off_stratum", Severity.INFO,
            f"{act.off_stratum:,} reviewed answers are no longer flagged with the type they "
            "were reviewed as: their verdicts apply to their rows but measure no type's "
            "precision", observed=act.off_stratum, threshold=0))
    return out


def info_findings(found: Detections) -> list[Finding]:
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
            "answers, at lower precision", observed=None, threshold=None))
    out += _english_only(m)
    languages = {k: v for k, v in found.language_mix.items() if k != "unknown"}
    if len(languages) > 1:
        total = sum(languages.values())
        mix = ", ".join(f"{k} {v / total:.0%}" for k, v in list(languages.items())[:6])
        out.append(Finding("answers.language_mix", Severity.INFO,
                           f"answers are in {len(languages)} languages ({mix})",
                           observed=len(languages), threshold=1))
    return out


def _english_only(metrics: dict[str, Any]) -> list[Finding]:
    """Rules built on English-only resources that did not judge some rows (other languages)."""
    skipped = {k: int(v) for k, v in (metrics.get("english_only_skipped") or {}).items() if v}
    if not skipped:
        return []
    parts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(skipped.items()))
    return [Finding(
        "answers.english_only_not_applied", Severity.INFO,
        f"rules built on English-only resources did not judge rows in other languages (rows "
        f"not judged: {parts}): a defect of those kinds there is not looked for",
        observed=max(skipped.values()), threshold=None)]
