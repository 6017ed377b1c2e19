"""The HTML report's review panel: the audit's review sample, for a person to answer in the page.

The sample is the ``review_sample`` tables of ``label_noise`` and ``answers``, the same rows
``review.csv`` holds (``render/outputs.py``). The page gets them as JSON in a
``<script type="application/json">`` block: data the Content-Security-Policy never executes,
read by the report's own script (``templates/review.js``), which builds the panel with
``textContent`` only. Every string is already made visible here (``core.textsafe.visible``:
bidi and invisible characters as ``⟨U+202E⟩``), the tables were masked before the audit
existed, and the JSON is escaped so that no ``</script>`` or ``<!--`` in the data can end the
block (``script_json``).

What the script needs to compute exactly what ``--review`` will (``evidence.review.estimate``
for labels, ``checks.answers.acting.precision_of`` for answers): each row's stratum and its
size, the label set (the ``by_class`` table: every label of the data, as ``--review``
checks answers against), the counts the label-noise range's lower bound rests on, the
policy's ``exclude_min_precision`` and the Wilson quantile in use. No panel when:

- there is no sample, or it is a label sample written before its rows named their stratum
  (an older audit re-rendered by ``tuneready report``: without the strata no estimate can
  be computed, and the page stays as it was);
- the audit was made with ``--no-excerpts`` (every row's text blanked): the panel then says
  why it is empty and carries no row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from tuneready.core.precision import MIN_REVIEWED, NEVER_REMOVED, Z95
from tuneready.core.results import Audit, CheckResult
from tuneready.core.textsafe import visible

#: checks whose ``review_sample`` table joins review.csv (labels, then answer findings)
REVIEW_CHECKS = ("label_noise", "answers")
#: the label sample's strata (``checks.label_noise.tables``)
LABEL_STRATA = ("label_noise.flagged", "label_noise.unflagged")
#: number keys a label can have (1-9); more labels are chosen from a list
KEYED_LABELS = 9
#: a flagged row's type (``checks.label_noise.flags``) in a reviewer's words
_TYPE_WORDS = {"label_noise.conflict": "a copy of the same input carries another label",
               "label_noise.rejected": "both independent views of the input reject the given "
                                       "label",
               "label_noise.candidate": "confident learning on the proxy model flags it"}
#: the candidate types a label review measures (``flags.CANDIDATE_TYPES``), as the panel
#: names them
_CANDIDATE_NAMES = {"label_noise.rejected": "rows both views reject",
                    "label_noise.candidate": "other flagged rows"}

def review_rows(audit: Audit) -> list[dict[str, Any]]:
    """The review sample's rows in the audit: the label-noise sample and the answers check's
    findings for review, each stratum marked (empty when it has none); ``review.csv`` is
    these rows (``render/outputs.py``)."""
    by_name = {check.name: check for check in audit.checks}
    return [row for name in REVIEW_CHECKS if name in by_name
            for row in by_name[name].tables.get("review_sample", [])]


def panel(audit: Audit) -> dict[str, Any] | None:
    """The panel's template context (``None``: no panel, see the module docstring)."""
    from tuneready.io.review_file import columns_for, is_answer_row

    rows = review_rows(audit)
    if not rows or not all(_has_stratum(r) for r in rows):
        return None
    kinds = [kind for kind, present in (
        ("labels", any(not is_answer_row(r) for r in rows)),
        ("answers", any(is_answer_row(r) for r in rows))) if present]
    out: dict[str, Any] = {"total": f"{len(rows):,}", "kinds": kinds, "data": None}
    if not any(r.get("input") or r.get("target") for r in rows):
        return out | {"empty": True}  # --no-excerpts: no text to judge, so none is carried
    labels, answers = audit.check("label_noise"), audit.check("answers")
    flagged = {r.get("row_id"): r for r in (labels.tables.get("flagged", []) if labels else [])}
    data = {
        "key": storage_key(audit, rows),
        "columns": list(columns_for(rows)),
        "rows": [_answer_row(r) if is_answer_row(r) else _label_row(r, labels, flagged)
                 for r in rows],
        "labels": [visible(label) for label in _label_set(labels, rows)],
        "raw_labels": _raw_labels(_label_set(labels, rows)),
        "keyed_labels": KEYED_LABELS,
        "noise": _noise_counts(audit, labels),
        "answers": _answer_settings(audit, answers),
    }
    return out | {"empty": False, "data": script_json(data)}


def _has_stratum(row: dict[str, Any]) -> bool:
    stratum = str(row.get("stratum") or "")
    return (stratum in LABEL_STRATA or stratum.startswith("answers.")) and \
        isinstance(row.get("stratum_size"), int)


def storage_key(audit: Audit, rows: Sequence[dict[str, Any]]) -> str:
    """Where the page keeps the answers (``localStorage``): the audited data's identity (its
    sha256, else its path, size and the sample's rows) and the seed, so that every re-render
    of the same audit, and a later audit of the same file, finds them, and another data set
    does not. Answers are stored per row (row id and hashes), so rows a later sample drops
    are simply not counted."""
    ds = audit.dataset
    identity: list[Any] = [str(ds.get("sha256") or "")]
    if not identity[0]:
        identity += [str(ds.get("path") or ""), ds.get("rows"),
                     sorted(row_key(r) for r in rows)]
    identity.append(audit.meta.get("seed", audit.policy.get("seed")))
    digest = hashlib.sha256(json.dumps(identity, default=str).encode("utf-8")).hexdigest()
    return f"tuneready-review:{digest[:24]}"


def row_key(row: dict[str, Any]) -> str:
    """One sampled row's identity in the stored answers: an answer row is judged as its type
    (stratum), a label row as itself."""
    parts = [row.get("row_id"), row.get("input_hash")]
    stratum = str(row.get("stratum") or "")
    if stratum.startswith("answers."):
        parts = [stratum, *parts, row.get("target_hash")]
    return "|".join("" if p is None else str(p) for p in parts)


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """The row's cells as the page shows and downloads them: strings made visible, numbers
    kept (the download writes them as ``review.csv`` does)."""
    return {k: visible(v) if isinstance(v, str) else ("" if v is None else v)
            for k, v in row.items()}


def _label_row(row: dict[str, Any], check: CheckResult | None,
               flagged: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    is_flagged = row.get("stratum") == LABEL_STRATA[0]
    kind = str(row.get("type") or "")
    # how sure the tool is of the row's type: the words the audit states it in
    sure = str(check.metrics.get(f"precision_{kind.rsplit('.', 1)[-1]}", "")) \
        if is_flagged and check and kind else ""
    why = _label_why(row, flagged.get(row.get("row_id"))) if is_flagged else (
        f"not flagged: one of the {row.get('stratum_size', 0):,} rows the tool did not flag, "
        "drawn at random to count the wrong labels it misses")
    return {"kind": "label", "key": row_key(row), "flagged": is_flagged, "cells": _cells(row),
            "why": visible(why), "precision": visible(sure),
            "answer": visible(str(row.get("correct_label") or ""))}


def _label_why(row: dict[str, Any], found: dict[str, Any] | None) -> str:
    """Why a flagged row is suspected: its type, and from the check's ``flagged`` table (its
    worst rows) how sure the proxy is of the given label."""
    likely = row.get("likely_label") or ""
    parts = [f"flagged: likely label {likely}" if likely else "flagged",
             _TYPE_WORDS.get(str(row.get("type") or ""), "")]
    if found is not None and isinstance(found.get("quality"), int | float):
        parts.append(f"the proxy gives the given label p = {found['quality']:.2f}")
    return "; ".join(p for p in parts if p)


def _answer_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "answer", "key": row_key(row), "cells": _cells(row),
            "why": visible(str(row.get("finding") or "")),
            "precision": visible(str(row.get("precision") or "")),
            "answer": visible(str(row.get("verdict") or "").lower())}


def _label_set(check: CheckResult | None, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every label of the data (the ``by_class`` table lists each once, sorted, as
    ``--review`` checks answers against), else the labels the sample shows."""
    listed = [str(r["label"]) for r in (check.tables.get("by_class", []) if check else [])
              if r.get("label") is not None]
    if not listed:
        listed = sorted({str(r[k]) for r in rows for k in ("given_label", "likely_label")
                         if r.get(k)})
    return list(dict.fromkeys(listed))


def _raw_labels(labels: Sequence[str]) -> dict[str, list[int]]:
    """The labels that are shown otherwise than they are (an invisible character made
    visible), as code points: the download writes the label itself, which ``--review``
    knows, and the page never holds the hidden character as text."""
    return {visible(label): [ord(ch) for ch in label] for label in labels
            if visible(label) != label}


def _noise_counts(audit: Audit, check: CheckResult | None) -> dict[str, Any] | None:
    """What the label-noise range's lower bound rests on (``evidence.noise_range.bracket``:
    the review's estimate never goes below the certain share), and what a candidate type
    needs to act (``checks.label_noise.flags``): the policy's ``exclude_min_precision``,
    ``MIN_REVIEWED`` answers of the type, a usable review; until then its unmeasured words."""
    if check is None:
        return None
    m = check.metrics
    keys = ("labelled_n", "flagged_n", "certain_n")
    if not all(isinstance(m.get(k), int) for k in keys):
        return None
    from tuneready.config.heldout import unmeasured

    values = (audit.policy.get("values") or {}).get("label_noise") or check.params or {}
    threshold = values.get("exclude_min_precision")
    return {**{k: int(m[k]) for k in keys}, "min_reviewed": MIN_REVIEWED, "z": Z95,
            "min_precision": float(threshold) if threshold is not None else None,
            "types": [{"type": kind, "name": name, "unmeasured": unmeasured(kind).text()}
                      for kind, name in _CANDIDATE_NAMES.items()]}


def _answer_settings(audit: Audit, check: CheckResult | None) -> dict[str, Any] | None:
    """The policy's requirement for a measured type to act, and the Wilson quantile."""
    if check is None:
        return None
    values = (audit.policy.get("values") or {}).get("answers") or check.params or {}
    threshold = values.get("exclude_min_precision")
    return {"min_precision": float(threshold) if threshold is not None else None,
            "min_reviewed": MIN_REVIEWED, "z": Z95,
            "never_removed": sorted(NEVER_REMOVED)}


def script_json(value: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>`` and ``&`` as
    ``\\u`` escapes, so nothing in the data can close the element or open a comment."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
