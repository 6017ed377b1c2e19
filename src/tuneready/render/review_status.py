"""``tuneready review``: what is left to review and what the answers so far measure.

Plain lines (no markup) from the audit run with the review file and the file's own counts
(``io.review_file.progress``): per stratum the rows answered and to go; for labels the
stratified noise rate so far and the flags' precision, or what the estimate still needs; for
each answer finding type its precision on this data and whether it acts yet.
"""

from __future__ import annotations

from typing import Any

from tuneready.core.results import Audit


def lines(audit: Audit, progress: dict[str, tuple[int, int]], path: str) -> list[str]:
    total = sum(n for n, _ in progress.values())
    done = sum(k for _, k in progress.values())
    out = [f"{path}: {done:,} of {total:,} rows answered, {total - done:,} to go"]
    for stratum, (n, k) in progress.items():
        out.append(f"  {stratum}: {k:,} of {n:,} answered")
    labels = audit.check("label_noise")
    if labels is not None and labels.metrics.get("review_answered") is not None:
        out += _labels(labels.metrics)
    answers = audit.check("answers")
    if answers is not None:
        out += _answers(answers.tables.get("precision_by_type", []),
                        answers.params.get("exclude_min_precision"))
    return out


def _labels(m: dict[str, Any]) -> list[str]:
    rate = (f"{m['review_rate']:.1%} ({m['review_rate_lo']:.1%}-{m['review_rate_hi']:.1%})")
    precision = (f"{m['review_flag_precision']:.2f} ({m['review_flag_precision_lo']:.2f}-"
                 f"{m['review_flag_precision_hi']:.2f})")
    head = ("label-noise rate measured by the review" if m.get("review_usable") else
            "label-noise rate so far (not yet in force: answer at least 10 rows of each "
            "stratum)")
    return [f"{head}: {rate}; flags' precision {precision}; "
            f"{m.get('review_relabelled', 0):,} rows relabelled"]


def _answers(table: list[dict[str, Any]], requirement: Any) -> list[str]:
    out = []
    for row in table:
        if row.get("basis") == "certain":
            continue
        if row.get("basis") != "measured":
            out.append(f"{row['type']}: {row['flags']:,} flags, not reviewed yet "
                       "(candidates, acting on nothing)")
            continue
        removed = f"{row.get('removed', 0):,} rows removed"
        need = (f"acts on its unreviewed rows too: {removed}" if row.get("acts") else
                f"{removed} (those confirmed); its other rows leave only by a reviewer's "
                "verdict" if row.get("only_by_review") else
                f"{removed} (those confirmed); its other rows wait: a type acts with at least "
                f"10 reviewed and precision {requirement} or more" if requirement is not None
                else f"{removed} (those confirmed)")
        out.append(f"{row['type']}: {row['precision']}; {need}")
    return out
