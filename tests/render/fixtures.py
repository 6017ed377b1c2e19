"""Fixed ``Audit`` objects for the renderer tests: every table the report draws, built here.

The checks that fill these tables are written separately; these fixtures follow the table
shapes agreed in the shared brief, so the renderers are tested without running any check.
``HOSTILE`` is planted in every kind of text slot to prove escaping everywhere.
"""

from __future__ import annotations

import random
from typing import Any

from tuneready.checks import described
from tuneready.core.results import (
    Audit,
    CheckResult,
    Finding,
    Reason,
    Recommendation,
    Severity,
    SizeBasis,
    Status,
    Verdict,
)

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' &amp; ]]> \x07|pipe|*star* `tick`"
LONG_TEXT = ("I ordered the router last week and it still has not arrived, the tracking page "
             "says it is in transit but nothing has changed for days. " * 4)[:300]
LABELS = ["account_access", "cancel_subscription", "product_question", "refund",
          "shipping_status", "technical_issue"]


def _finding(code: str, severity: Severity, message: str, **kw: Any) -> Finding:
    return Finding(code=code, severity=severity, message=message, **kw)


def declared(result: CheckResult) -> CheckResult:
    """The result with its check's declaration saved in it, as the runner saves it (a check
    this version lacks keeps none, as in an audit from another version)."""
    for key, value in (described(result.name) or {}).items():
        setattr(result, key, value)
    return result


def _schema(rng: random.Random) -> CheckResult:
    hist = [{"lo": lo, "hi": lo + 4, "count": c}
            for lo, c in zip(range(4, 44, 4), [5, 60, 210, 380, 400, 250, 120, 50, 20, 10],
                             strict=True)]
    return CheckResult("schema", Status.PASS, "0 invalid rows, 27,198 training tokens",
                       metrics={"total_tokens": 27198, "tokens_p50": 18, "tokens_p95": 24,
                                "invalid_share": 0.0, "encoding": "cl100k_base"},
                       tables={"token_histogram": hist, "malformed": []},
                       params={"context_limit": 8192, "encoding": "cl100k_base"})


def _size() -> CheckResult:
    counts = [264, 230, 253, 263, 251, 244]
    total = sum(counts)
    return CheckResult(
        "size", Status.WARN, "1,505 rows, 1,404 distinct",
        metrics={"raw_n": 1505, "distinct_n": 1404, "exact_duplicates": 101, "n_classes": 6,
                 "imbalance_ratio": 1.15},
        findings=[_finding("size.exact_duplicates", Severity.WARN,
                           "101 rows (6.7%) repeat an earlier example exactly",
                           observed=101, threshold=0, rows=[36, 169, 219], n_rows=101,
                           remedy="drop the repeated rows")],
        excluded_rows=list(range(1000, 1101)),
        size_basis=SizeBasis(raw_n=1505, distinct_n=1404, exact_duplicates=101),
        tables={"classes": [{"label": lab, "count": c, "share": round(c / total, 4)}
                            for lab, c in zip(LABELS, counts, strict=True)]},
        params={"lora_min": 100, "full_finetune_min": 1000})


def _label_noise(rng: random.Random, n_flagged: int) -> CheckResult:
    flagged = [{"row_id": 2 + 7 * i, "given": rng.choice(LABELS), "likely": rng.choice(LABELS),
                "quality": round(rng.random() * 0.2, 4),
                "input": HOSTILE if i == 0 else LONG_TEXT} for i in range(n_flagged)]
    by_class = []
    for i, lab in enumerate(LABELS):
        n, k = 240 + i * 5, 10 + 6 * i
        rate = k / n
        by_class.append({"label": lab, "n": n, "flagged": k, "rate": round(rate, 4),
                         "rate_lo": round(max(0.0, rate - 0.025), 4),
                         "rate_hi": round(rate + 0.03, 4)})
    pairs = [{"given": a, "likely": b, "count": 30 - 3 * i}
             for i, (a, b) in enumerate(zip(LABELS, LABELS[1:] + LABELS[:1], strict=True))]
    return CheckResult(
        "label_noise", Status.FAIL, "about 8.1% of labels look wrong (112 rows flagged)",
        metrics={"noise_rate": 0.081, "noise_rate_lo": 0.068, "noise_rate_hi": 0.095,
                 "flagged": n_flagged, "proxy_accuracy": 0.91, "proxy_weak": False},
        findings=[_finding("label_noise.rate_above_fail", Severity.FAIL,
                           "an estimated 8.1% of labels are wrong, above the 5% limit",
                           observed=0.081, threshold=0.05, rows=[2, 9, 16, 23], n_rows=n_flagged,
                           caps=Verdict.LORA, remedy=f"relabel the {n_flagged} rows flagged")],
        excluded_rows=[r["row_id"] for r in flagged],
        tables={"flagged": flagged, "by_class": by_class, "confused_pairs": pairs},
        params={"warn_rate": 0.02, "fail_rate": 0.05})


def _duplicates(n_clusters: int) -> CheckResult:
    clusters = [{"cluster": i, "size": max(2, 40 - i), "row_ids": list(range(i * 50, i * 50
                                                                             + max(2, 40 - i))),
                 "example": HOSTILE if i == 1 else f"Where is my order number {i}?"}
                for i in range(n_clusters)]
    leaked = [{"row_id": 10 + i, "eval_row_id": 3 + i, "kind": "near", "similarity": 0.93,
               "input": LONG_TEXT} for i in range(min(n_clusters, 500))]
    return CheckResult(
        "duplicates", Status.WARN, f"{n_clusters} near-duplicate clusters",
        metrics={"near_duplicate_rows": 412, "near_duplicate_share": 0.027},
        findings=[_finding("duplicates.near_clusters", Severity.WARN,
                           "412 rows sit in near-duplicate clusters", rows=[50, 51, 100],
                           n_rows=412, remedy="keep one row per cluster")],
        tables={"clusters": clusters, "leaked": leaked})


def _domain() -> CheckResult:
    curve = [{"n": n, "score": s, "fit": f} for n, s, f in
             [(94, 0.62, 0.63), (188, 0.74, 0.72), (375, 0.80, 0.80), (750, 0.86, 0.85),
              (1500, 0.88, 0.88)]]
    lengths = [{"lo": lo, "hi": lo + 5, "count": c}
               for lo, c in zip(range(0, 50, 5), [3, 80, 300, 420, 380, 200, 80, 30, 8, 4],
                                strict=True)]
    openings = [{"opening": o, "count": c, "share": round(c / 1505, 4)} for o, c in
                [("hi , i", 120), ("where is my", 96), (HOSTILE, 80), ("my account got", 41)]]
    gaps = [{"reference_row_id": 5, "input": "a topic nobody covered", "nearest_similarity": 0.1}]
    return CheckResult(
        "domain", Status.WARN, "narrow: 37% of rows open the same way",
        metrics={"vendi_score": 14.2, "distinct_2": 0.31, "top_opening_share": 0.08},
        findings=[_finding("domain.narrow", Severity.WARN, "rows are templated",
                           caps=Verdict.LORA, remedy="add varied examples")],
        tables={"learning_curve": curve, "length_histogram": lengths, "openings": openings,
                "coverage_gaps": gaps})


def _bias() -> CheckResult:
    groups = []
    for region, n, err in [("north", 570, 0.06), ("south", 480, 0.07), ("east", 300, 0.065),
                           ("west", 150, 0.19), ("unknown", 5, 0.2)]:
        groups.append({"attribute": "region", "group": region, "n": n, "share": n / 1505,
                       "share_lo": n / 1505 - 0.02, "share_hi": n / 1505 + 0.02,
                       "label_rate": None, "label_rate_lo": None, "label_rate_hi": None,
                       "error_rate": err, "error_lo": max(0.0, err - 0.03),
                       "error_hi": err + 0.04, "noise_rate": err,
                       "status": "insufficient" if n < 30 else
                       ("fail" if err > 0.15 else "pass")})
    terms = [{"term": "she", "category": "gender", "label": "refund", "count": 14, "npmi": 0.31,
              "p_value": 0.004}]
    return CheckResult(
        "bias", Status.FAIL, "west: error rate 3x the others",
        metrics={"max_error_ratio": 3.1},
        findings=[_finding("bias.group_error_gap", Severity.FAIL,
                           f"group {HOSTILE} has a higher error rate", observed=0.19,
                           threshold=0.1, rows=[4, 8], n_rows=150, caps=Verdict.PROMPT_ENGINEERING,
                           remedy="relabel and add rows for the west region")],
        tables={"groups": groups, "terms": terms})


def full_audit(n_flagged: int = 112, n_clusters: int = 12, seed: int = 0) -> Audit:
    """An audit with every known table, an error, a skip and a check this version lacks."""
    rng = random.Random(seed)
    checks = [_schema(rng), _size(), _label_noise(rng, n_flagged), _duplicates(n_clusters),
              _domain(), _bias(),
              CheckResult("cost", Status.SKIPPED, "no call volume given"),
              CheckResult("broken", Status.ERROR, "the check failed to run",
                          error=f"RuntimeError: {HOSTILE}"),
              CheckResult("retired_check", Status.PASS, f"kept from an old audit {HOSTILE}",
                          metrics={HOSTILE: 1})]
    checks = [declared(c) for c in checks]
    rec = Recommendation(
        verdict=Verdict.NOT_READY, ready=False, required=Verdict.FULL_FINE_TUNE,
        confidence="low",
        reasons=[Reason("broken", "decision.check_error", f"check broken could not run: {HOSTILE}"),
                 Reason("bias", "bias.group_error_gap", "group west has a higher error rate"),
                 Reason("label_noise", "label_noise.rate_above_fail", "8.1% of labels wrong")],
        would_change=[f"relabel the {n_flagged} rows flagged", "fix the broken check"],
        effective_n=1292, effective_n_breakdown={"size": 101, "label_noise": 112})
    return Audit(
        dataset={"path": f"data/{HOSTILE}.jsonl", "format": "openai_chat", "reader": "jsonl",
                 "sha256": "ab" * 32, "records_read": 1505, "rows": 1505,
                 "mapping": {"input": "user/tool turns", "label": HOSTILE, "groups": ["region"]},
                 "problems": 0, "notes": [HOSTILE]},
        policy={"name": "default", "sha256": "cd" * 32, "seed": 0, "required": "full_fine_tune",
                "values": {"size": {"lora_min": 100}, "label_noise": {"fail_rate": 0.05}}},
        checks=checks, recommendation=rec,
        meta={"generated_at": "2026-11-28T12:00:00+00:00", "python": "3.11.7",
              "platform": "linux", "versions": {"tuneready": "0.1.0", "cleanlab": "2.9.0"},
              "command": f"tuneready audit '{HOSTILE}'", "seed": 0,
              "seconds": {"total": 5.5, "check.size": 0.02}})


def ready_audit() -> Audit:
    """A clean audit: every check passes, verdict full fine-tune, ready."""
    audit = full_audit()
    audit.checks = [declared(_schema(random.Random(0))),
                    declared(CheckResult("size", Status.PASS, "1,505 rows, 1,505 distinct",
                                         metrics={"raw_n": 1505, "distinct_n": 1505},
                                         size_basis=SizeBasis(1505, 1505, 0)))]
    audit.recommendation = Recommendation(
        verdict=Verdict.FULL_FINE_TUNE, ready=True, required=Verdict.FULL_FINE_TUNE,
        confidence="high", reasons=[Reason("size", "decision.sufficient", "enough examples")],
        effective_n=1505)
    return audit
