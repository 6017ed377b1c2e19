"""Personal data and secrets for ``tuneready fix --redact`` / ``--drop-private``.

The rows come from the privacy check's own scanner (``checks/privacy/scan.py``) over the same
input and answer texts, with the kinds and phone regions of the ``[privacy]`` policy table,
so ``fix`` acts on exactly what the audit counted. A redaction rewrites every string value of
the record (nested chat messages, metadata and fields the tool does not map included) with
typed placeholders (``<EMAIL>``, ``<PHONE>``, ``<SECRET>``); placeholders match no detector,
so the re-audit finds nothing. The change log carries masked values only: a log of
redactions must not undo them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tuneready.config.policy import Policy
from tuneready.fix.plan import RowFlag
from tuneready.io.dataset import Dataset


def _settings(policy: Policy) -> tuple[list[str], list[str]]:
    from tuneready.checks.privacy.check import PrivacySettings

    cfg = PrivacySettings.from_policy(policy)
    return list(cfg.kinds), list(cfg.phone_regions)


def private_flags(data: Dataset, policy: Policy) -> list[RowFlag]:
    """One flag per row holding a detected identifier or secret: code ``privacy.<kind>`` of
    its first value; the excerpt lists each value masked (``j***@e***.com``)."""
    from tuneready.checks.privacy.mask import mask_value
    from tuneready.checks.privacy.scan import scan

    kinds, regions = _settings(policy)
    frame = data.frame
    ids = frame["row_id"].astype(int).tolist()
    texts = frame["input"].fillna("").astype(str).tolist()
    texts += frame["target"].fillna("").astype(str).tolist()
    spans = scan(texts, regions, kinds)
    out = []
    for i, row in enumerate(ids):
        found = spans[i] + spans[len(ids) + i]
        if found:
            masked = "; ".join(f"{s.kind} {mask_value(s.kind, s.value)}" for s in found)
            out.append(RowFlag(row, f"privacy.{found[0].kind}", excerpt=masked[:200]))
    return out


def redact_record(policy: Policy) -> Any:
    """An ``Edit`` that redacts every string in a record (recursively through lists and
    objects), keeping keys, order and non-string values."""
    from tuneready.checks.privacy.mask import redact_texts

    kinds, regions = _settings(policy)

    def value(v: Any) -> Any:
        if isinstance(v, str):
            return redact_texts([v], regions, kinds)[0][0]
        if isinstance(v, list):
            return [value(x) for x in v]
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items()}
        return v

    def edit(record: dict[str, Any]) -> dict[str, Any]:
        return {k: value(v) for k, v in record.items()}
    return edit


def mask_excerpts(excerpts: Sequence[str], policy: Policy) -> list[str]:
    """Change-log excerpts with detected values masked (the log sits in the report folder)."""
    from tuneready.checks.privacy.mask import mask_text

    _, regions = _settings(policy)
    return [mask_text(e, regions) if e else e for e in excerpts]
