"""schema: is every row a well-formed training example that fits the model's context?

Declarative rules (required fields, allowed labels, length and token bounds, chat structure)
run as a great-expectations 1.x suite on an ephemeral context: nothing is written to disk,
progress bars and analytics are off, and the library is imported only when the check runs.
Records that could not even be parsed come from the loader with their line numbers.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tuneready.checks.contract import CheckSpec, Declared, example_rows, status_of
from tuneready.checks.flagrows import Flags
from tuneready.checks.schema_rows import flag_malformed, flag_rule, flag_too_many
from tuneready.config.policy import CheckPolicy
from tuneready.config.typed import Table
from tuneready.core.results import CheckResult, Finding, Severity, Verdict
from tuneready.core.textsafe import count_hidden, hidden_pattern
from tuneready.evidence.store import Evidence
from tuneready.io.dataset import Dataset
from tuneready.io.mapping import KNOWN_ROLES

CHAT_FORMATS = ("sharegpt", "openai_chat", "kto", "preference", "prompt_completion")
_PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")
_NUMERIC = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*$")


@dataclass(frozen=True)
class SchemaSettings(Table):
    """``[schema]``: required roles, allowed labels, length and token bounds."""

    table = "schema"
    required: list[str]
    allowed_labels: list[str]
    min_input_chars: int
    max_input_chars: int
    context_limit: int
    encoding: str
    fail_share: float


SPEC = CheckSpec(
    name="schema", cls="SchemaCheck",
    what=("required fields present and non-empty, labels in the allowed set, "
          "length and token bounds, chat structure, malformed records, "
          "invisible and bidi control characters"),
    why=("a malformed or truncated example teaches the model the wrong thing "
         "or crashes the training job"),
    needs=frozenset({"input_tokens", "target_tokens"}),
    settings=SchemaSettings,
    excluded_as="invalid rows",
    charts={"token_histogram": "token_histogram"},
    diff_metrics=(),
)


class SchemaCheck(Declared):
    spec = SPEC

    def run(self, data: Dataset, evidence: Evidence, policy: CheckPolicy) -> CheckResult:
        cfg = SchemaSettings.of(policy)
        frame = _validation_frame(data, evidence)
        rules = _rules(data, cfg)
        failures = _validate(frame, rules) if len(frame) else {}
        findings = _malformed_findings(data)
        flags = Flags(self.name, data.frame)
        flag_malformed(flags, data)
        invalid: set[int] = set()
        row_ids = frame["row_id"].to_numpy()
        for rule, where in failures.items():
            rows = [int(r) for r in row_ids[where]]
            finding = _rule_finding(rule, rows, len(frame))
            findings.append(finding)
            flag_rule(flags, rule, np.asarray(where, dtype=np.int64), frame, cfg)
            if rule.excludes:
                invalid.update(rows)
        findings.extend(_content_findings(data, flags))
        share = (len(invalid) + len(data.problems)) / max(1, data.records_read)
        fail_share = cfg.fail_share
        if share > fail_share:
            findings.append(Finding(
                "schema.too_many_invalid_rows", Severity.FAIL,
                f"{share:.1%} of records are malformed or invalid; fix the export before tuning",
                observed=round(share, 4), threshold=fail_share,
                n_rows=len(invalid) + len(data.problems),
                rows=example_rows([p.line for p in data.problems] + list(invalid)),
                caps=Verdict.NOT_READY, remedy="repair or drop the invalid records"))
            flag_too_many(flags, data, invalid)
        metrics = _token_metrics(evidence, frame, cfg.context_limit)
        tokens = data.population.get("tokens")
        histogram = _token_histogram(frame["tokens"].to_numpy())
        if tokens:  # --engine dask: counted over every row on the workers
            metrics = {k: v for k, v in tokens.items() if k != "histogram"}
            histogram = tokens.get("histogram", [])
        metrics.update(invalid_rows=len(invalid), malformed_records=len(data.problems),
                       invalid_share=round(share, 4))
        return CheckResult(
            name=self.name, status=status_of(findings), findings=findings, params=policy,
            metrics=metrics, excluded_rows=sorted(invalid), flagged=flags.rows(invalid),
            summary=f"{len(invalid)} invalid rows, {len(data.problems)} malformed records, "
                    f"{metrics['total_tokens']:,} training tokens",
            tables={"malformed": [p.to_dict() for p in data.problems[:200]],
                    "token_histogram": histogram})


class Rule:
    """One expectation plus how a failure of it is reported."""

    def __init__(self, code: str, message: str, expectation: Any, column: str,
                 severity: Severity = Severity.WARN, excludes: bool = True) -> None:
        self.code, self.message, self.expectation = code, message, expectation
        self.column, self.severity, self.excludes = column, severity, excludes


def _validation_frame(data: Dataset, evidence: Evidence) -> pd.DataFrame:
    frame = data.frame
    out = pd.DataFrame({
        "row_id": frame["row_id"].to_numpy(),
        "pos": np.arange(len(frame)),
        "input": frame["input"].fillna("").str.strip(),
        "target": frame["target"].fillna("").str.strip(),
        "label": frame["label"],
    })
    if len(frame):
        out["tokens"] = evidence.input_tokens + evidence.target_tokens
    else:
        out["tokens"] = pd.Series(dtype="int64")
    out["structure"] = [_structure_issue(r, data.format) for r in frame["roles"]]
    return out


def _structure_issue(roles: str, fmt: str) -> str | None:
    """Why a chat's role sequence cannot train well, or ``None`` if it is fine."""
    if fmt not in CHAT_FORMATS or not roles:
        return None
    seq = roles.split("|")
    unknown = [r for r in seq if r not in KNOWN_ROLES]
    if unknown:
        return f"unknown role '{unknown[0]}'"
    if "assistant" not in seq:
        return "no assistant turn to learn from"
    body = seq[: next((i for i, r in enumerate(seq) if r not in ("system", "developer")), 0)]
    rest = seq[len(body):]
    if any(r in ("system", "developer") for r in rest):
        return "system message after the conversation started"
    if rest and rest[0] != "user":
        return "the conversation does not start with a user turn"
    for a, b in itertools.pairwise(rest):
        if a == b and a in ("user", "assistant"):
            return f"two {a} turns in a row"
    return None


def _rules(data: Dataset, cfg: SchemaSettings) -> list[Rule]:
    import great_expectations as gx

    ex = gx.expectations
    required = list(cfg.required)
    if data.format not in ("classification", "text") and "target" not in required:
        required.append("target")
    if data.format == "classification":
        required.append("label")
    rules = [Rule(f"schema.empty_{c}", f"rows with an empty {c}",
                  ex.ExpectColumnValuesToNotBeNull(column=c) if c == "label" else
                  ex.ExpectColumnValueLengthsToBeBetween(column=c, min_value=1), c)
             for c in dict.fromkeys(required)]
    allowed = list(cfg.allowed_labels)
    if allowed and data.has_labels:
        rules.append(Rule("schema.label_not_allowed", "rows whose label is not in the allowed set",
                          ex.ExpectColumnValuesToBeInSet(column="label", value_set=allowed),
                          "label"))
    lo, hi = cfg.min_input_chars, cfg.max_input_chars
    if hi > 0:
        rules.append(Rule("schema.input_too_long", f"inputs longer than {hi:,} characters",
                          ex.ExpectColumnValueLengthsToBeBetween(column="input", max_value=hi),
                          "input"))
    if lo > 1:
        rules.append(Rule("schema.input_too_short", f"inputs shorter than {lo} characters",
                          ex.ExpectColumnValueLengthsToBeBetween(column="input", min_value=lo),
                          "input", excludes=False))
    limit = cfg.context_limit
    if limit > 0:
        rules.append(Rule("schema.over_context_limit",
                          f"examples over the {limit:,}-token context limit (they get truncated)",
                          ex.ExpectColumnValuesToBeBetween(column="tokens", max_value=limit),
                          "tokens", excludes=False))
    rules.append(Rule("schema.bad_chat_structure", "conversations with a structural problem",
                      ex.ExpectColumnValuesToBeNull(column="structure"), "structure"))
    return rules


def _validate(frame: pd.DataFrame, rules: list[Rule]) -> dict[Rule, list[int]]:
    """Run the suite once; map each failed rule to the frame positions it flagged."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("tuneready").add_dataframe_asset(name="rows")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame})
    # positions, not row ids: rows can share an id (a JSON array written on one line)
    fmt = {"result_format": "COMPLETE", "unexpected_index_column_names": ["pos"]}
    failures: dict[Rule, list[int]] = {}
    for rule in rules:  # one validation per rule: suite results come back reordered
        res = batch.validate(rule.expectation, result_format=fmt)
        if not res.success:
            where = [int(u["pos"]) for u in res.result.get("unexpected_index_list", [])]
            if where:
                failures[rule] = where
    return failures


def _rule_finding(rule: Rule, rows: list[int], n: int) -> Finding:
    return Finding(rule.code, rule.severity, f"{len(rows):,} {rule.message}",
                   observed=len(rows), threshold=0, rows=example_rows(rows), n_rows=len(rows),
                   remedy="fix or drop these rows" if rule.excludes else None)


def _malformed_findings(data: Dataset) -> list[Finding]:
    if not data.problems:
        return []
    by_code: dict[str, list[int]] = {}
    for p in data.problems:
        by_code.setdefault(p.code, []).append(p.line)
    first = data.problems[0]
    return [Finding(
        f"schema.{code}", Severity.WARN,
        f"{len(lines):,} records could not be used ({code.replace('_', ' ')}), first at line "
        f"{lines[0]}" + (f": {first.field}: {first.message}" if first.code == code else ""),
        observed=len(lines), threshold=0, rows=example_rows(lines), n_rows=len(lines),
        remedy="repair these lines in the source file") for code, lines in by_code.items()]


def _content_findings(data: Dataset, flags: Flags) -> list[Finding]:
    """Cheap content smells: unfilled template placeholders and numbers where text belongs."""
    frame = data.frame
    out = []
    text = frame["input"].fillna("") + "\n" + frame["target"].fillna("")
    placeholder = text.str.contains(_PLACEHOLDER)
    if placeholder.any():
        rows = frame.loc[placeholder, "row_id"].tolist()
        where = np.flatnonzero(placeholder.to_numpy())
        out.append(Finding("schema.unfilled_placeholder", Severity.WARN,
                           f"{len(rows):,} rows contain unfilled template placeholders like "
                           "{{name}}: the model would learn to emit them",
                           observed=len(rows), threshold=0, rows=example_rows(rows),
                           n_rows=len(rows), remedy="fill the placeholders before tuning"))
        flags.add("schema.unfilled_placeholder", None, "unfilled template placeholder",
                  _count_words(text[placeholder].str.count(_PLACEHOLDER.pattern), "placeholder"),
                  positions=where)
    out.extend(_hidden_findings(frame, text, flags))
    numeric = frame["input"].fillna("").str.match(_NUMERIC)
    if numeric.any():
        rows = frame.loc[numeric, "row_id"].tolist()
        out.append(Finding("schema.numeric_input", Severity.WARN,
                           f"{len(rows):,} inputs are bare numbers where text is expected "
                           "(wrong column mapped?)", observed=len(rows), threshold=0,
                           rows=example_rows(rows), n_rows=len(rows)))
        flags.add("schema.numeric_input", None, "input is a bare number",
                  positions=np.flatnonzero(numeric.to_numpy()))
    return out


def _count_words(counts: pd.Series, unit: str) -> np.ndarray:
    """``"3 placeholders"`` per row."""
    n = counts.to_numpy(dtype=np.int64)
    return (pd.Series(n).map("{:,}".format) + f" {unit}"
            + np.where(n == 1, "", "s")).to_numpy(dtype=object)


def _hidden_findings(frame: pd.DataFrame, text: pd.Series, flags: Flags) -> list[Finding]:
    """Invisible, control and bidi characters in training text (``tuneready.core.textsafe``):
    a reviewer cannot see them, yet the model is trained on them, and some (tag characters,
    bidi overrides) are how hidden instructions are smuggled into prompts."""
    if "rejected" in frame:
        text = text + "\n" + frame["rejected"].fillna("")
    hit = text.str.contains(hidden_pattern(), regex=True)
    if not hit.any():
        return []
    rows = frame.loc[hit, "row_id"].tolist()
    top = ", ".join(f"{cp} x{n:,}" for cp, n in count_hidden(text[hit].tolist()))
    flags.add("schema.invisible_characters", None, "invisible, control or bidi characters",
              _count_words(text[hit].str.count(hidden_pattern().pattern), "character"),
              positions=np.flatnonzero(hit.to_numpy()))
    return [Finding("schema.invisible_characters", Severity.WARN,
                    f"{len(rows):,} rows contain invisible, control or bidirectional "
                    f"characters ({top}): reviewers cannot see them, the model learns them",
                    observed=len(rows), threshold=0, rows=example_rows(rows), n_rows=len(rows),
                    remedy="strip these characters, or review the rows (reports show them as "
                           "⟨U+…⟩)")]


def _token_metrics(evidence: Evidence, frame: pd.DataFrame, limit: int) -> dict[str, Any]:
    tokens = frame["tokens"].to_numpy() if len(frame) else np.zeros(0, dtype=np.int64)
    if not len(tokens):
        return {"total_tokens": 0, "context_limit": limit, "encoding": evidence.encoding}
    return {
        "total_tokens": int(tokens.sum()),
        "input_tokens": int(evidence.input_tokens.sum()),
        "target_tokens": int(evidence.target_tokens.sum()),
        "tokens_p50": int(np.percentile(tokens, 50)),
        "tokens_p95": int(np.percentile(tokens, 95)),
        "tokens_max": int(tokens.max()),
        "over_context_limit": int((tokens > limit).sum()) if limit else 0,
        "context_limit": limit,
        "encoding": evidence.encoding,
    }


def _token_histogram(tokens: np.ndarray, bins: int = 20) -> list[dict[str, Any]]:
    """Tokens per row in equal bins up to the 99th percentile (longer rows in the last bin)."""
    if not len(tokens):
        return []
    top = max(1.0, float(np.percentile(tokens, 99)))
    counts, edges = np.histogram(np.minimum(tokens, top), bins=bins, range=(0.0, top))
    return [{"lo": round(float(lo), 1), "hi": round(float(hi), 1), "count": int(c)}
            for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)]
