"""privacy: personal data and secrets in the training text and in the source columns.

A model fine-tuned on personal data or credentials can repeat them. The check scans the input
and target text of every row with validated detectors (``detect.py``, ``secrets.py``; the
column scan in ``scan.py``), reports each kind with its row count and a *masked* example,
reports apart the identifiers repeated across many rows (what a model memorises), and flags
source columns that are personal by name or content. It warns by default; ``fail_on`` and
``fail_on_columns`` (the strict policy sets both) make such findings fail and block readiness
until the data is cleaned (``tuneready fix --redact`` / ``--drop-private``).

Person names in free text are not detected: no maintained offline detector ships its model
as a PyPI wheel here (spaCy's models are published outside PyPI; GLiNER and Presidio load
models at run time). Name *columns* are found by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tuneready.checks.contract import CheckSpec, Declared, example_rows, skipped, status_of
from tuneready.checks.flagrows import Flags
from tuneready.checks.privacy.columns import personal_columns
from tuneready.checks.privacy.detect import KINDS, Span
from tuneready.checks.privacy.mask import mask_value
from tuneready.checks.privacy.rows import flag_kinds
from tuneready.checks.privacy.scan import scan
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset

WORDS = {"email": "e-mail addresses", "phone": "phone numbers", "card": "payment card numbers",
         "iban": "IBANs", "national_id": "national identifiers", "ip": "IP addresses",
         "dob": "dates of birth", "secret": "secrets (keys, tokens, passwords)"}
REMEDY = ("remove or replace them before tuning: `tuneready fix --redact` writes typed "
          "placeholders (<EMAIL>), `--drop-private` drops the rows")


@dataclass(frozen=True)
class PrivacySettings(Table):
    """``[privacy]``: the kinds looked for, phone regions, what fails, personal columns."""

    table = "privacy"
    kinds: list[str]
    phone_regions: list[str]
    fail_on: list[str]
    fail_on_columns: bool
    repeat_min_rows: int
    column_names: list[str]
    column_share: float


SPEC = CheckSpec(
    name="privacy", cls="PrivacyCheck",
    what=("e-mail addresses, phone numbers, payment cards, IBANs, national ids, IP addresses, "
          "dates of birth and secrets in the training text (each validated), repeated "
          "identifiers, and personal columns"),
    why=("a model fine-tuned on personal data or credentials can repeat them to anyone; "
         "regulated teams cannot ship such a model"),
    needs=frozenset(),  # the frame's text and source columns only: no evidence stage
    settings=PrivacySettings,
    diff_metrics=("rows_flagged", "personal_columns", "repeated_identifiers"),
)


class PrivacyCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        if data.n == 0:
            return skipped(self.name, "no rows", policy)
        cfg = PrivacySettings.of(policy)
        kinds = [k for k in KINDS if k in cfg.kinds]
        regions = list(cfg.phone_regions)
        frame = data.frame
        ids = frame["row_id"].astype(int).tolist()
        texts = frame["input"].fillna("").astype(str).tolist()
        texts += frame["target"].fillna("").astype(str).tolist()
        spans = scan(texts, regions, kinds)
        per_row = [a + b for a, b in zip(spans[:len(ids)], spans[len(ids):], strict=True)]
        found = _by_kind(ids, per_row)
        findings = [_kind_finding(k, found[k], data, cfg) for k in kinds if found[k]]
        flags = Flags(self.name, frame)
        flag_kinds(flags, kinds, spans[:len(ids)], spans[len(ids):])
        repeated = _repeated(ids, per_row, cfg.repeat_min_rows)
        if repeated:
            findings.append(_repeat_finding(repeated, cfg))
        columns = personal_columns(frame, cfg.column_names, cfg.column_share,
                                   regions, kinds)
        if columns:
            findings.append(_column_finding(columns, cfg))
        flagged = sorted({r for rows in found.values() for r, _ in rows})
        tables: dict[str, list[dict[str, Any]]] = {"types": [
            {"kind": k, "rows": len({r for r, _ in found[k]}), "values": len(found[k]),
             "example": mask_value(k, found[k][0][1].value)} for k in kinds if found[k]]}
        if repeated:
            tables["repeated"] = repeated
        if columns:
            tables["columns"] = columns
        metrics: dict[str, Any] = {"rows_flagged": len(flagged),
                                   "share_flagged": round(len(flagged) / data.n, 6),
                                   "personal_columns": len(columns),
                                   "repeated_identifiers": len(repeated)}
        metrics.update({f"{k}_rows": len({r for r, _ in found[k]}) for k in kinds})
        sampled = " (in the audited sample)" if data.population else ""
        summary = (f"{len(flagged):,} of {data.n:,} rows hold personal data or secrets{sampled}"
                   if flagged else "no personal data or secret found in the text")
        if columns:
            summary += f"; {len(columns)} personal column(s)"
        return CheckResult(name=self.name, status=status_of(findings), findings=findings,
                           metrics=metrics, params=policy, tables=tables, summary=summary,
                           flagged=flags.rows())


def _by_kind(ids: list[int], per_row: list[list[Span]]) -> dict[str, list[tuple[int, Span]]]:
    found: dict[str, list[tuple[int, Span]]] = defaultdict(list)
    for row, spans in zip(ids, per_row, strict=True):
        for s in spans:
            found[s.kind].append((row, s))
    return found


def _severity(failing: bool) -> Severity:
    return Severity.FAIL if failing else Severity.WARN


def _kind_finding(kind: str, hits: list[tuple[int, Span]], data: Dataset,
                  cfg: PrivacySettings) -> Finding:
    rows = sorted({r for r, _ in hits})
    fail = kind in cfg.fail_on
    return Finding(f"privacy.{kind}", _severity(fail),
                   f"{len(rows):,} rows ({len(rows) / data.n:.2%}) hold {WORDS[kind]}: "
                   f"{len(hits):,} values, e.g. {mask_value(kind, hits[0][1].value)}",
                   observed=len(rows), threshold=0, rows=example_rows(rows), n_rows=len(rows),
                   remedy=REMEDY, blocks=fail)


def _key(span: Span) -> str:
    """The identity of a value, so that spacing and case do not hide a repetition."""
    if span.kind in ("email", "secret"):
        return span.kind + ":" + span.value.lower()
    return span.kind + ":" + "".join(c for c in span.value if c.isalnum()).upper()


def _repeated(ids: list[int], per_row: list[list[Span]], min_rows: int) -> list[dict[str, Any]]:
    rows: dict[str, set[int]] = defaultdict(set)
    example: dict[str, Span] = {}
    for row, spans in zip(ids, per_row, strict=True):
        for s in spans:
            rows[_key(s)].add(row)
            example.setdefault(_key(s), s)
    out = [{"kind": example[k].kind, "value": mask_value(example[k].kind, example[k].value),
            "rows": len(r), "first_rows": ", ".join(map(str, sorted(r)[:5]))}
           for k, r in rows.items() if len(r) >= min_rows]
    return sorted(out, key=lambda d: (-d["rows"], d["kind"], d["first_rows"]))


def _repeat_finding(repeated: list[dict[str, Any]], cfg: PrivacySettings) -> Finding:
    top = repeated[0]
    fail = any(r["kind"] in cfg.fail_on for r in repeated)
    return Finding("privacy.repeated_identifier", _severity(fail),
                   f"{len(repeated):,} identifiers each appear in {cfg.repeat_min_rows}+ "
                   f"rows (most: {top['value']} in {top['rows']:,} rows): a tuned model "
                   "memorises and repeats what it sees often",
                   observed=len(repeated), threshold=0, remedy=REMEDY, blocks=fail)


def _column_finding(columns: list[dict[str, Any]], cfg: PrivacySettings) -> Finding:
    fail = cfg.fail_on_columns
    names = ", ".join(f"{c['column']} ({c['by']})" for c in columns[:8])
    return Finding("privacy.personal_columns", _severity(fail),
                   f"{len(columns)} source column(s) hold personal data: {names}",
                   observed=len(columns), threshold=0, blocks=fail,
                   remedy="drop these columns from the export, or keep them out of any text "
                          "the model sees")
