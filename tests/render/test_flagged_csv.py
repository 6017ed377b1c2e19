"""``flagged.csv``: one line per (finding, row) of every check, written by every audit.

One audit of a small file with exact copies, a malformed record, personal data, an over-long
row starting with a formula, a placeholder, a small group and eval prompts copied from the
training data: each has its lines, with the right ``removed``, no raw text, and as many lines
per finding as the finding counts rows (checks listed in the conformance suite's
``NOT_EVERY_ROW`` aside, so extending this test to them is deleting a name there).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.checks.test_conformance import NOT_EVERY_ROW
from tests.conftest import make_texts
from tuneready.cli import app
from tuneready.core.precision import FlaggedRow
from tuneready.core.results import Audit, CheckResult, Recommendation, Status, Verdict
from tuneready.io.review_file import input_hash
from tuneready.render.outputs import render_flagged

runner = CliRunner()
EMAIL = "jane.doe@gmail.com"
CARD = "4111 1111 1111 1111"
LONG = "=SUM(A1) " + "long words here " * 3000  # ~9,000 tokens, over the 8,192 limit


def _records() -> list[dict[str, str]]:
    frame = make_texts(150)
    rng = np.random.default_rng(0)
    frame["region"] = rng.choice(["north", "south"], size=len(frame))
    frame.loc[140:144, "region"] = "tiny"  # a group too small to judge
    frame.loc[3, "text"] += f" write to {EMAIL} please"
    frame.loc[4, "text"] += f" my card is {CARD}"
    frame.loc[7, "text"] = LONG
    frame.loc[9, "text"] += " dear {{name}}"
    records = frame.to_dict("records")
    return records + records[20:24]  # four exact copies


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("flagged")
    data = folder / "train.jsonl"
    lines = [json.dumps(r) for r in _records()]
    lines.insert(30, "{not json")  # line 31: a malformed record
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    evals = folder / "eval.jsonl"
    copied = [{"text": r["text"], "label": r["label"], "region": "north"}
              for r in _records()[50:53]]
    fresh = [{"text": f"an unrelated question number {i} about gardening", "label": "sports",
              "region": "south"} for i in range(5)]
    evals.write_text("".join(json.dumps(r) + "\n" for r in copied + fresh), encoding="utf-8")
    out = folder / "r"
    result = runner.invoke(app, ["audit", str(data), "--group", "region", "--eval", str(evals),
                                 "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    text = (out / "flagged.csv").read_text(encoding="utf-8")
    return {"text": text, "rows": list(csv.DictReader(io.StringIO(text))),
            "audit": json.loads((out / "audit.json").read_text(encoding="utf-8")),
            "records": _records()}


def _lines(report: dict[str, object], finding: str) -> list[dict[str, str]]:
    rows = report["rows"]
    assert isinstance(rows, list)
    return [r for r in rows if r["finding"] == finding]


def test_header_is_the_contract(report: dict[str, object]) -> None:
    text = report["text"]
    assert isinstance(text, str)
    assert text.splitlines()[0] == ",".join(FlaggedRow.COLUMNS)


def test_exact_copies_name_the_row_they_copy_and_left_the_effective_size(
        report: dict[str, object]) -> None:
    copies = _lines(report, "size.exact_duplicates")
    # rows 152-155 of the data (the malformed line 31 shifts them by one) copy rows 21-24
    assert [(r["row_id"], r["reason"]) for r in copies] == [
        (str(152 + i), f"exact copy of row {21 + i}") for i in range(4)]
    assert {r["removed"] for r in copies} == {"yes"} and {r["precision"] for r in copies} == {""}
    records = report["records"]
    assert isinstance(records, list)
    assert copies[0]["input_hash"] == input_hash(records[20]["text"])
    redundant = {r["row_id"]: r for r in _lines(report, "duplicates.redundant_rows")}
    assert {str(152 + i) for i in range(4)} <= set(redundant)
    assert redundant["152"]["removed"] == "yes"


def test_a_malformed_record_is_its_line_with_no_hash(report: dict[str, object]) -> None:
    (line,) = _lines(report, "schema.invalid_json")
    assert line["row_id"] == "31" and line["input_hash"] == "" and line["removed"] == "no"
    assert line["reason"] == "record not usable (invalid json)"


def test_an_over_long_row_states_its_token_count(report: dict[str, object]) -> None:
    (line,) = _lines(report, "schema.over_context_limit")
    assert line["row_id"] == "8" and line["reason"] == "over the context limit"
    tokens = int(line["evidence"].split(" tokens")[0].replace(",", ""))
    assert tokens > 8192 and line["evidence"].endswith("tokens, limit 8,192")
    assert line["removed"] == "no" and line["precision"] == ""  # a count, kept in the data


def test_personal_data_lines_name_the_kind_and_field_never_the_value(
        report: dict[str, object]) -> None:
    (email,) = _lines(report, "privacy.email")
    assert (email["row_id"], email["reason"]) == ("4", "e-mail address in input")
    (card,) = _lines(report, "privacy.card")
    assert (card["row_id"], card["reason"]) == ("5", "payment card number in input")
    assert card["evidence"] == "Luhn-valid, 16 digits"
    for line in (email, card):
        assert line["precision"].startswith("unmeasured here") and line["removed"] == "no"
    (placeholder,) = _lines(report, "schema.unfilled_placeholder")
    assert placeholder["row_id"] == "10" and placeholder["evidence"] == "1 placeholder"


def test_leaked_training_rows_name_their_eval_row(report: dict[str, object]) -> None:
    leaked = _lines(report, "duplicates.eval_leakage")
    assert [(r["row_id"], r["reason"], r["evidence"]) for r in leaked] == [
        (str(52 + i), f"prompt also in eval row {1 + i}", "exact (after folding case and spacing)")
        for i in range(3)]


def test_no_raw_text_and_no_formula(report: dict[str, object]) -> None:
    text = report["text"]
    records = report["records"]
    assert isinstance(text, str) and isinstance(records, list)
    for secret in ("jane", "gmail", "4111", "1111", "=SUM", "long words", "{{name}}"):
        assert secret not in text, secret
    words = {r["text"] for r in records}
    assert not any(w in text for w in words)
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_removed_is_exactly_the_checks_excluded_rows(report: dict[str, object]) -> None:
    audit = report["audit"]
    rows = report["rows"]
    assert isinstance(audit, dict) and isinstance(rows, list)
    for check in audit["checks"]:
        excluded = {str(r) for r in check["excluded_rows"]}
        mine = [r for r in rows if r["check"] == check["name"]]
        assert all((r["removed"] == "yes") == (r["row_id"] in excluded) for r in mine)


def test_every_finding_with_rows_has_as_many_lines(report: dict[str, object]) -> None:
    audit = report["audit"]
    rows = report["rows"]
    assert isinstance(audit, dict) and isinstance(rows, list)
    compared = 0
    for check in audit["checks"]:
        if check["name"] in NOT_EVERY_ROW:
            continue
        want: dict[str, int] = {}
        for f in check["findings"]:
            if f["n_rows"]:
                want[f["code"]] = want.get(f["code"], 0) + f["n_rows"]
        got: dict[str, int] = {}
        for r in rows:
            if r["check"] == check["name"]:
                got[r["finding"]] = got.get(r["finding"], 0) + 1
        assert got == want, check["name"]
        compared += len(want)
    assert compared >= 10  # the fixture really exercises the checks


def test_cells_that_start_like_a_formula_get_an_apostrophe() -> None:
    row = FlaggedRow("bias", "bias.x", "bias.x", 3, "ab", "=HYPERLINK(\"x\")", "-1 tokens",
                     False, "")
    check = CheckResult("bias", Status.WARN, flagged=[row])
    audit = Audit(dataset={}, policy={}, checks=[check], recommendation=Recommendation(
        verdict=Verdict.LORA, ready=True, required=Verdict.LORA, confidence="high"))
    line = list(csv.reader(io.StringIO(render_flagged(audit))))[1]
    assert line == ["bias", "bias.x", "bias.x", "3", "ab", "'=HYPERLINK(\"x\")", "'-1 tokens",
                    "no", ""]


def test_a_sampled_audit_flags_rows_of_the_sample_by_their_real_ids(tmp_path: Path) -> None:
    """``--sample``: the checks see a sample, so their lines are sampled rows, named by the
    file's row ids; exact repeats are counted over the whole file but listed for the sample."""
    frame = make_texts(400)
    records = frame.to_dict("records") + frame.head(100).to_dict("records")
    data = tmp_path / "big.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "r"
    result = runner.invoke(app, ["audit", str(data), "--sample", "200", "--check", "size",
                                 "--check", "duplicates", "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader((out / "flagged.csv").open(encoding="utf-8")))
    lines = [r for r in rows if r["finding"] == "size.exact_duplicates"]
    assert lines and all(r["input_hash"] == input_hash(records[int(r["row_id"]) - 1]["text"])
                         for r in rows)
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    size = next(c for c in audit["checks"] if c["name"] == "size")
    finding = next(f for f in size["findings"] if f["code"] == "size.exact_duplicates")
    assert finding["n_rows"] == 100 > len(lines)
    assert all(int(r["row_id"]) > 400 for r in lines)  # the later copy is the repeat


def test_reports_say_where_every_row_is_when_they_show_examples() -> None:
    from tests.render.fixtures import full_audit, ready_audit
    from tuneready.render import html, markdown

    audit = full_audit()  # findings with more rows than they show
    assert "flagged.csv lists every one" in html.render(audit)
    assert "`flagged.csv` in the report folder lists every row" in markdown.render(audit)
    assert "flagged.csv" not in markdown.render(ready_audit())
