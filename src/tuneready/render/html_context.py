"""The HTML report's view model: every value the templates show, already formatted.

``render/html.py`` hands what this module builds to jinja2 (autoescape on); here are only
plain strings and numbers, so data never becomes markup. Large audits stay small on disk:
tables show their first ``max_rows`` rows, the rest are counted and left to ``audit.json``.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypeGuard

from tuneready.core.results import (
    VERDICT_LEVEL,
    VERDICT_TITLE,
    Audit,
    Finding,
    Severity,
    Verdict,
    exclusion_phrase,
    locate,
)
from tuneready.render import charts
from tuneready.render.extras import (
    change_lines,
    compute_rows,
    compute_title,
    price_notes,
    prompt_line,
    signal_items,
)
from tuneready.render.views import CheckRow, ReasonRow, View, build

MAX_ROWS = 50          # rows shown per table; the rest stay in audit.json
PREVIEW_CHARS = 90     # longer texts show this much, the rest behind an expander
MAX_CELL_CHARS = 1000
MAX_LIST_ITEMS = 20
MAX_METRIC_CARDS = 16  # beyond this, per-attribute (dotted) numbers fold into an expander

VERDICT_MEANING = {
    Verdict.FULL_FINE_TUNE: "enough distinct, clean, broad examples to update all weights",
    Verdict.LORA: "enough for adapters, not for a full fine-tune",
    Verdict.PROMPT_ENGINEERING: "too few usable examples to tune: use them as few-shot "
                                "examples or retrieval",
    Verdict.NOT_READY: "fix the data before any training or prompting relies on it",
}
TONE = {Verdict.FULL_FINE_TUNE: "good", Verdict.LORA: "ok",
        Verdict.PROMPT_ENGINEERING: "warn", Verdict.NOT_READY: "bad"}
RATE_WORDS = {"rate", "share", "accuracy", "precision", "recall", "fraction", "coverage"}


def context(audit: Audit, max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """Everything the template shows, as plain, already formatted values, from the shared view
    model (``render/views.py``) and the saved audit."""
    view = build(audit)
    return {
        "title": f"tuneready: {audit.dataset.get('path', 'dataset')}",
        "path": str(audit.dataset.get("path") or "dataset"),
        "fmt": str(audit.dataset.get("format") or "unknown format"),
        "rows": fmt_value("rows", audit.dataset.get("rows") or 0),
        "verdict": verdict_block(audit, view),
        "ladder": ladder(audit),
        "grid": [grid_row(c) for c in view.checks],
        "checks": [check_section(c, max_rows, _shards(audit)) for c in view.checks],
        "deployment": deployment(audit, max_rows),
        "compute": training_compute(audit),
        "repro": reproducibility(audit),
    }


def verdict_block(audit: Audit, view: View) -> dict[str, Any]:
    rec, v = audit.recommendation, view.verdict
    size = audit.check("size")
    rows = (size.size_basis.raw_n if size and size.size_basis
            else audit.dataset.get("rows"))
    raw = int(rows) if _is_number(rows) else 0
    excluded = ", ".join(exclusion_phrase(c, n, _excluded_as(audit, c))
                         for c, n in rec.effective_n_breakdown.items())
    return {
        "title": v.title,
        "verdict": v.verdict.value,
        "meaning": VERDICT_MEANING[v.verdict],
        "tone": TONE[v.verdict],
        "ready": v.ready,
        "required": VERDICT_TITLE[v.required],
        "confidence": v.confidence,
        "effective_n": f"{v.effective_n:,}",
        "effective_detail": (f"of {raw:,} rows; removed: {excluded}" if excluded
                             else f"of {raw:,} rows; none removed"),
        "reasons": [{"message": r.reason.message, "check": r.reason.check,
                     "code": r.reason.code, "anchor": _reason_target(audit, r)}
                    for r in v.shown_reasons],
        "more_reasons": v.more_reasons,
        "would_change": change_lines(audit),
        "complements": [{"title": c["title"], "message": c["message"], "code": c["code"]}
                        for c in rec.complements],
        "signals": signal_items(audit),
        "data_verdict": VERDICT_TITLE[v.data_verdict] if v.data_verdict else "",
    }


def _excluded_as(audit: Audit, name: str) -> str | None:
    """How the check's excluded rows read, as the audit saved it."""
    result = audit.check(name)
    return result.excluded_as if result is not None else None


def ladder(audit: Audit) -> list[dict[str, Any]]:
    """The four paths, most demanding first, marking the verdict and the policy's requirement."""
    rec = audit.recommendation
    data = rec.data_verdict or rec.verdict      # what the data supports; context may pick lower
    steps = sorted(Verdict, key=lambda v: -VERDICT_LEVEL[v])
    return [{"title": VERDICT_TITLE[v], "meaning": VERDICT_MEANING[v], "current":
             v == rec.verdict, "required": v == rec.required,
             "data": v == data and data != rec.verdict,
             "supported": VERDICT_LEVEL[v] <= VERDICT_LEVEL[data]} for v in steps]


def anchor(name: str, code: str = "") -> str:
    """Section id of a check, or of one of its findings when ``code`` is given."""
    text = f"check-{name}" + (f"--{code}" if code else "")
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


def _reason_target(audit: Audit, row: ReasonRow) -> str:
    """Link a reason to its finding when the check has it, else to the check's section."""
    check = row.reason.check
    if not row.in_audit:  # a decision-level reason: the cost table, or the checks grid
        return "deployment" if check == "context" and audit.context.get("costs") else "checks"
    return anchor(check, row.reason.code) if row.finding is not None else anchor(check)


def grid_row(c: CheckRow) -> dict[str, Any]:
    return {"name": c.name, "anchor": anchor(c.name), "status": c.status.value,
            "summary": c.summary, "findings": len(c.findings),
            "fails": c.count(Severity.FAIL), "warns": c.count(Severity.WARN)}


def _shards(audit: Audit) -> list[dict[str, Any]]:
    """The data set's shards when there is more than one (row ids then span files)."""
    sources = audit.dataset.get("sources") or []
    return sources if len(sources) > 1 else []


def check_section(row: CheckRow, max_rows: int,
                  shards: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One check's section: its saved ``what``/``why`` and chart kinds (``audit.json``)."""
    c = row.result
    drawn = charts.charts_for(c.tables, c.chart_kinds)
    metrics = metric_items(c.metrics)
    shown, folded = split_metrics(metrics)
    return {
        "name": c.name, "anchor": anchor(c.name), "status": c.status.value,
        "summary": c.summary, "error": c.error, "what": row.what, "why": row.why,
        "metrics": shown,
        "metrics_more": folded,
        "has_interval": any(m["interval"] for m in metrics),
        "findings": _findings(row, shards or []),
        "charts": [chart for table in drawn.values() for chart in table],
        "tables": [table_view(name, rows, max_rows, name in drawn)
                   for name, rows in c.tables.items()],
        "params": [(k, fmt_value(k, v)) for k, v in c.params.items()],
        "excluded": f"{len(c.excluded_rows):,}" if c.excluded_rows else "",
    }


def _findings(c: CheckRow, shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Finding views, in the view's order, with unique ids (a code can repeat, e.g. once per
    group attribute)."""
    seen: dict[str, int] = {}
    out = []
    for f in c.findings:
        seen[f.code] = seen.get(f.code, 0) + 1
        suffix = f"-{seen[f.code]}" if seen[f.code] > 1 else ""
        out.append(finding_view(f) | {"anchor": anchor(c.name, f.code) + suffix,
                                      "where": where(f.rows, shards)})
    return out


def where(rows: list[int], shards: list[dict[str, Any]]) -> str:
    """Row ids as shard and line: ``part-1.jsonl.gz: lines 3, 7 · part-2.jsonl.gz: line 1``."""
    if not shards or not rows:
        return ""
    by_shard: dict[str, list[int]] = {}
    for row in rows:
        found = locate(shards, int(row))
        if found:
            by_shard.setdefault(found[0], []).append(found[1])
    return " · ".join(f"{name}: line{'s' if len(lines) > 1 else ''} "
                      f"{', '.join(map(str, lines))}" for name, lines in by_shard.items())


def finding_view(f: Finding) -> dict[str, Any]:
    rows = ", ".join(str(r) for r in f.rows)
    n = max(f.n_rows, len(f.rows))
    return {
        "severity": f.severity.value, "code": f.code, "message": f.message,
        # plain numbers: a code does not say whether its value is a rate or a ratio
        "observed": fmt_value("", f.observed) if f.observed is not None else "",
        "threshold": fmt_value("", f.threshold) if f.threshold is not None else "",
        "caps": VERDICT_TITLE[f.caps] if f.caps else "",
        "remedy": f.remedy or "",
        "rows": rows,
        "rows_note": (f"{len(f.rows):,} of {n:,} rows shown; flagged.csv lists every one"
                      if n > len(f.rows) else ""),
    }


def is_rate(key: str) -> bool:
    """Rates and shares read better as percentages; ``a.error_rate.min_ratio`` is a ratio."""
    return bool(RATE_WORDS & set(key.lower().rsplit(".", 1)[-1].split("_")))


def is_id(key: str) -> bool:
    """Row ids and cluster numbers are names, not quantities: no thousands separators."""
    k = key.lower()
    return k in ("cluster", "line") or k.endswith(("_id", "_ids"))


def fmt_number(key: str, value: float) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_id(key) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "n/a"
    if is_rate(key) and 0.0 <= value <= 1.0:
        return f"{100 * value:.1f}%"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def fmt_value(key: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return fmt_number(key, value)
    if isinstance(value, (list, tuple)):
        # list items are joined by commas: integers must not carry thousands separators
        items = [str(v) if isinstance(v, int) and not isinstance(v, bool) else fmt_value(key, v)
                 for v in value[:MAX_LIST_ITEMS]]
        more = f" … (+{len(value) - MAX_LIST_ITEMS:,})" if len(value) > MAX_LIST_ITEMS else ""
        return ", ".join(items) + more
    if isinstance(value, dict):
        return _clip(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return _clip(str(value))


def _clip(text: str, limit: int = MAX_CELL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def metric_items(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Metrics with ``x_lo``/``x_hi`` folded into ``x`` as an interval."""
    items = []
    for key, value in metrics.items():
        base = key[:-3]
        paired = f"{base}_lo" in metrics and f"{base}_hi" in metrics
        if key.endswith(("_lo", "_hi")) and (base in metrics or paired):
            if not (key.endswith("_lo") and paired and base not in metrics):
                continue
            key, value = base, None      # an interval without a point estimate
        lo, hi = metrics.get(f"{key}_lo"), metrics.get(f"{key}_hi")
        shown = "" if value is None and lo is not None else fmt_value(key, value)
        interval = _is_number(lo) and _is_number(hi)
        if interval:
            shown = f"{shown} [{fmt_value(key, lo)}, {fmt_value(key, hi)}]".strip()
        items.append({"key": key, "label": key.replace("_", " "), "value": shown,
                      "interval": interval, "nested": isinstance(value, dict | list)})
    return items


def split_metrics(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Headline numbers as cards; when there are many, the detailed ones (``a.b`` keys, e.g.
    one per group attribute), nested ones (a table's worth of JSON, shown as its table
    elsewhere) and any beyond the card limit go behind an expander."""
    flat = [m for m in items if not m.get("nested")]
    if len(flat) == len(items) and len(items) <= MAX_METRIC_CARDS:
        return items, []
    head = [m for m in flat if "." not in m["key"]][:MAX_METRIC_CARDS]
    keys = {m["key"] for m in head}
    return head, [m for m in items if m["key"] not in keys]


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell(key: str, value: Any) -> dict[str, str]:
    """One table cell: short text inline, long text behind an expander."""
    text = fmt_value(key, value)
    kind = "num" if isinstance(value, (int, float)) and not isinstance(value, bool) else "text"
    if len(text) > PREVIEW_CHARS:
        cut = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] or text[:PREVIEW_CHARS]
        return {"kind": "long", "preview": cut + " …", "text": text}
    return {"kind": kind, "text": text}


def table_view(name: str, rows: list[dict[str, Any]], max_rows: int,
               charted: bool) -> dict[str, Any]:
    columns = list(dict.fromkeys(k for r in rows[:max_rows] for k in r))
    if "row_id" in columns:
        columns.insert(0, columns.pop(columns.index("row_id")))
    shown = rows[:max_rows]
    return {
        "name": name, "title": name.replace("_", " "),
        "columns": columns,
        "numeric": [k for k in columns if shown and all(
            _is_number(r.get(k)) or r.get(k) is None for r in shown)],
        "rows": [[cell(k, r.get(k)) for k in columns] for r in shown],
        "total": f"{len(rows):,}", "shown": f"{len(shown):,}",
        "truncated": len(rows) > len(shown), "charted": charted, "empty": not rows,
    }


def deployment(audit: Audit, max_rows: int) -> dict[str, Any] | None:
    """The deployment context and the cost of each path, when the audit was given a volume."""
    ctx = audit.context or {}
    costs = ctx.get("costs")
    if not costs:
        return None
    prices = ctx.get("prices") or {}
    inputs = ctx.get("inputs") or {}
    return {
        "prices": f"{prices.get('model', '')}, prices as of {prices.get('as_of', 'unknown')}",
        "inputs": [(k, fmt_value(k, v)) for k, v in inputs.items()
                   if v not in (None, "", 0, -1.0, False)],
        "measured": [(k, fmt_value(k, v)) for k, v in (ctx.get("measured") or {}).items()],
        "costs": table_view("cost per path", [_money(c) for c in costs], max_rows, False),
        "notes": price_notes(audit),
        "prompt": prompt_line(audit),
    }


def training_compute(audit: Audit) -> dict[str, Any] | None:
    """The open model's training compute from the data's tokens (``decide/compute.py``):
    a title and one row per method, the same strings as the terminal and Markdown."""
    rows = compute_rows(audit)
    if not rows:
        return None
    return {"title": compute_title(audit),
            "columns": ["method", "FLOPs", "GPU time", "memory", "GPUs", "cost"],
            "rows": [list(r) for r in rows]}


def _money(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("one_off", "monthly", "fixed", "total_monthly"):
        if _is_number(out.get(key)):
            out[key] = f"${out[key]:,.2f}"
    if "break_even_month" in out and out["break_even_month"] is None:
        out["break_even_month"] = "never"
    return out


def reproducibility(audit: Audit) -> dict[str, Any]:
    ds, pol, meta = audit.dataset, audit.policy, audit.meta
    mapping = ds.get("mapping") or {}
    return {
        "dataset": [(k, fmt_value(k, ds.get(k))) for k in
                    ("path", "sha256", "format", "reader", "records_read", "rows", "problems")
                    if k in ds],
        "mapping": [(k, fmt_value(k, v)) for k, v in mapping.items()],
        "notes": ds.get("notes") or [],
        "shards": [{"path": str(src.get("path", "")), "rows": f"{src.get('first_row', 0)}"
                    f"–{src.get('last_row', 0)}", "records": fmt_value("", src.get("records")),
                    "sha256": str(src.get("sha256", ""))} for src in _shards(audit)],
        "policy": [(k, fmt_value(k, pol.get(k))) for k in ("name", "sha256", "required")
                   if k in pol],
        "policy_values": [(table, [(k, fmt_value(k, v)) for k, v in values.items()])
                          for table, values in (pol.get("values") or {}).items()
                          if isinstance(values, dict)],
        "command": str(meta.get("command") or ""),
        "seed": fmt_value("seed", meta.get("seed", pol.get("seed"))),
        "generated_at": str(meta.get("generated_at") or ""),
        "runtime": [(k, fmt_value(k, meta.get(k))) for k in ("python", "platform") if k in meta],
        "versions": [(k, str(v) if v else "not installed")
                     for k, v in (meta.get("versions") or {}).items()],
        "seconds": [(k, f"{v:.2f} s") for k, v in (meta.get("seconds") or {}).items()
                    if isinstance(v, (int, float))],
        "schema_version": audit.schema_version,
    }
