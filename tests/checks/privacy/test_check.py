from __future__ import annotations

import json

import pandas as pd

from tests.checks.privacy.fixtures import CLEAN, PLANTED
from tests.conftest import evidence_for
from tuneready.checks import get_check
from tuneready.checks.privacy.protect import protect
from tuneready.config.policy import load_policy
from tuneready.core.results import Severity, Status
from tuneready.engine.runner import run_one
from tuneready.io import LoadOptions, load_frame
from tuneready.io.dataset import Dataset


def _data(extra: dict[str, list[str]] | None = None, rows: int = 40) -> Dataset:
    texts = [CLEAN[i % len(CLEAN)] + f" item {i}" for i in range(rows)]
    for i, (text, _) in enumerate(PLANTED.values()):
        texts[3 * i] = text
    labels = ["a", "b"] * (rows // 2)
    frame = pd.DataFrame({"text": texts, "label": labels, **(extra or {})})
    return load_frame(frame, LoadOptions(text="text", label="label"))


def _run(data: Dataset, policy: str | None = None):  # type: ignore[no-untyped-def]
    return run_one(get_check("privacy"), data, evidence_for(data), load_policy(policy))


def test_every_kind_is_a_warning_with_rows_and_a_masked_example() -> None:
    data = _data()
    result = _run(data)
    assert result.status == Status.WARN
    by_code = {f.code: f for f in result.findings}
    for i, (kind, (_, value)) in enumerate(PLANTED.items()):
        f = by_code[f"privacy.{kind}"]
        assert f.severity == Severity.WARN and not f.blocks
        assert f.rows == [3 * i + 1] and f.n_rows == 1
        assert value not in f.message
    assert result.metrics["rows_flagged"] == len(PLANTED)
    assert value not in json.dumps(result.to_dict())


def test_strict_policy_fails_and_blocks_on_any_kind_and_on_personal_columns() -> None:
    data = _data({"first_name": ["Ann"] * 40})
    result = _run(data, "strict")
    assert result.status == Status.FAIL
    assert all(f.severity == Severity.FAIL and f.blocks for f in result.findings)
    assert "privacy.personal_columns" in {f.code for f in result.findings}


def test_clean_text_passes() -> None:
    frame = pd.DataFrame({"text": [c + f" {i}" for i, c in enumerate(CLEAN * 4)],
                          "label": ["a", "b"] * (len(CLEAN) * 2)})
    result = _run(load_frame(frame, LoadOptions(text="text", label="label")))
    assert result.status == Status.PASS and result.findings == []


def test_personal_columns_by_name_and_by_content_not_by_other_names() -> None:
    contacts = [f"user{i}@mailbox.org" for i in range(40)]
    data = _data({"Date of Birth": ["1980-01-02"] * 40, "contact": contacts,
                  "product_name": ["lamp"] * 40})
    result = _run(data)
    cols = {c["column"]: c for c in result.tables["columns"]}
    assert set(cols) == {"Date of Birth", "contact"}
    assert cols["Date of Birth"]["by"] == "name"
    assert cols["contact"]["by"] == "content" and cols["contact"]["kinds"] == "email"


def test_an_identifier_repeated_across_rows_is_reported_apart() -> None:
    frame = pd.DataFrame({"text": [f"ticket {i}: reach me at 4539-1488-0343-6467"
                                   for i in range(5)] + ["plain"] * 5, "label": ["a", "b"] * 5})
    result = _run(load_frame(frame, LoadOptions(text="text", label="label")))
    assert result.tables["repeated"] == [
        {"kind": "card", "value": "****6467", "rows": 5, "first_rows": "1, 2, 3, 4, 5"}]
    assert "privacy.repeated_identifier" in {f.code for f in result.findings}


def test_protect_masks_cells_cut_excerpts_and_blanks_with_no_excerpts() -> None:
    data = _data()
    text, value = PLANTED["email"]
    cut = text[:text.index(value) + 8]  # an excerpt limit falling inside the address
    result = _run(data)
    result.tables["review"] = [{"row_id": 1, "input": cut, "note": text}]
    result.summary = text
    [masked] = protect([result], data.frame)
    row = masked.tables["review"][0]
    assert value[:8] not in row["input"] and row["input"].endswith("m***@g***.com")
    assert value not in row["note"] and value not in masked.summary
    [blank] = protect([result], data.frame, no_excerpts=True)
    assert blank.tables["review"][0]["input"] == ""
    assert result.tables["review"][0]["input"] == cut  # the input result is not modified


def test_every_row_of_every_kind_is_flagged_by_kind_and_field_not_value() -> None:
    """flagged.csv names the kind, the field and how the value was validated, never the
    value; no detector's precision is measured on the user's data, so none claims one."""
    prompts = [CLEAN[i % len(CLEAN)] + f" item {i}" for i in range(30)]
    for i, (text, _) in enumerate(PLANTED.values()):
        prompts[3 * i] = text
    answers = ["fine"] * 29 + [PLANTED["email"][0] + " " + PLANTED["phone"][0]]
    prompts[29] = PLANTED["email"][0]
    data = load_frame(pd.DataFrame({"prompt": prompts, "completion": answers}), LoadOptions())
    result = _run(data)
    lines = {(f.finding, f.row_id): f for f in result.flagged}
    ids = data.frame["row_id"].tolist()
    for i, kind in enumerate(PLANTED):
        f = lines[(f"privacy.{kind}", ids[3 * i])]
        assert f.reason.endswith(" in input") and f.removed is False
        assert f.precision.startswith("unmeasured here")
        for _, value in PLANTED.values():
            assert value not in f.reason + f.evidence
    assert lines[("privacy.card", ids[6])].evidence == "Luhn-valid, 16 digits"
    assert lines[("privacy.email", ids[29])].reason == "e-mail address in input and target"
    assert lines[("privacy.email", ids[29])].evidence == "2 values: address format, not a " \
                                                         "documentation domain"
    assert lines[("privacy.phone", ids[29])].reason == "phone number in target"
    per_code = {f.code: f.n_rows for f in result.findings if f.n_rows}
    assert {c: sum(1 for k in lines if k[0] == c) for c in per_code} == per_code


def test_protect_masks_a_value_in_a_flagged_reason() -> None:
    """A group or label named in flagged.csv is the data's own value: masked like the rest."""
    from tuneready.core.precision import FlaggedRow
    from tuneready.core.results import CheckResult

    email, card = PLANTED["email"][1], PLANTED["card"][1]
    rows = [FlaggedRow("bias", "bias.x", "bias.x", 1, "h", f"in group '{email}' of contact",
                       f"label '{card}'", False, ""),
            FlaggedRow("bias", "bias.x", "bias.x", 2, "h", "in group 'north' of region", "", False,
                       "")]
    (masked,) = protect([CheckResult("bias", Status.WARN, flagged=rows)], None)
    first, second = masked.flagged
    assert email not in first.reason and "m***@g***.com" in first.reason
    assert card not in first.evidence and "****6467" in first.evidence
    assert second is rows[1]  # nothing to mask: the same row, not a copy
