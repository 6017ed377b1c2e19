"""``run_fix`` end to end on a small file: drops, log, re-audit, input untouched, refusals."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
from pathlib import Path

import pytest

from tuneready.config.errors import InputError
from tuneready.engine.pipeline import AuditOptions
from tuneready.fix.plan import FixOptions
from tuneready.fix.run import run_fix
from tuneready.io import LoadOptions

WORDS = ("apple", "river", "stone", "cloud", "paper", "violet", "engine", "garden", "silver",
         "window", "market", "candle", "forest", "bottle", "yellow", "quiet", "rocket",
         "planet", "mirror", "basket", "orange", "winter", "summer", "copper", "lantern")
CHECKS = ["schema", "size", "duplicates", "label_noise"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, 9)) + f" {i}" for i in range(n)]


def _data(tmp_path: Path) -> tuple[Path, Path, list[bytes]]:
    texts = _texts(60, 1)
    rows = [{"text": t, "label": "a" if i % 2 else "b", "meta": {"i": i}}
            for i, t in enumerate(texts)]
    rows.append(dict(rows[3]))                                      # exact repeat of row 4
    rows.append({**rows[5], "text": rows[5]["text"] + "!"})          # near repeat of row 6
    rows[7]["text"] = "=HYPERLINK(\"http://x\") " + texts[7]
    rows.append(dict(rows[7]))                                      # a formula, repeated
    lines = [json.dumps(r).encode() + b"\n" for r in rows]
    lines.insert(10, b"{broken\n")
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(lines))
    ev = tmp_path / "eval.jsonl"
    ev.write_text(json.dumps({"text": texts[20], "label": "a"}) + "\n"
                  + json.dumps({"text": "nothing like the training rows at all", "label": "b"})
                  + "\n")
    return path, ev, lines


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fix_end_to_end(tmp_path: Path) -> None:
    path, ev, lines = _data(tmp_path)
    before = _sha(path)
    review = tmp_path / "reviewed.csv"
    review.write_text("row_id,correct_label\n31,b\n")  # line 31 holds row 30 (label a)
    result = run_fix([path], AuditOptions(checks=CHECKS, eval_path=ev, review_path=review),
                     FixOptions(), folder=tmp_path / "rep")
    assert _sha(path) == before
    log = list(csv.DictReader(result.changes.open()))
    by_row = {int(r["row_id"]): r for r in log}
    assert by_row[11]["code"] == "schema.invalid_json"
    assert by_row[62]["code"] == "size.exact_duplicates" and by_row[62]["kept_row"] == "4"
    assert by_row[63]["code"] == "duplicates.redundant_rows"
    assert by_row[22]["code"] == "duplicates.eval_leakage"
    assert (by_row[31]["action"], by_row[31]["label_before"], by_row[31]["label_after"]) == \
        ("relabelled", "a", "b")
    assert by_row[64]["input"].startswith("'=HYPERLINK")  # inert in a spreadsheet
    assert by_row[64]["kept_row"] == "8"
    assert result.reaudit == {"exact_duplicates": 0, "near_duplicate_clusters": 0,
                              "leaked_eval_rows": 0, "malformed_records": 0, "invalid_rows": 0}
    out = result.cleaned.read_bytes().splitlines(keepends=True)
    dropped = {r for r, c in by_row.items() if c["action"] == "dropped"}
    expected = [ln for i, ln in enumerate(lines, 1) if i not in dropped and i != 31]
    assert [ln for ln in out if json.loads(ln).get("text") != json.loads(lines[30])["text"]] \
        == expected
    assert json.loads(out[[json.loads(x)["text"] for x in out].index(
        json.loads(lines[30])["text"])])["label"] == "b"
    assert result.summary["rows_in"] == 64 and result.summary["rows_out"] == len(out)
    assert result.summary["rows_out"] == 64 - result.summary["dropped_total"]
    for name in ("audit.json", "after/audit.json", "diff.md", "diff.json"):
        assert (tmp_path / "rep" / name).is_file()
    assert json.loads((tmp_path / "rep" / "diff.json").read_text())["fix"]["reaudit"] == \
        result.reaudit


def test_refuses_to_write_onto_the_input(tmp_path: Path) -> None:
    path, _, _ = _data(tmp_path)
    with pytest.raises(InputError, match="overwrite the input"):
        run_fix([path], AuditOptions(checks=CHECKS), FixOptions(), out=path)
    link = tmp_path / "same.jsonl"
    os.link(path, link)
    with pytest.raises(InputError, match="overwrite the input"):
        run_fix([path], AuditOptions(checks=CHECKS), FixOptions(), out=link)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_folder_fails_before_work(tmp_path: Path) -> None:
    path, _, _ = _data(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(InputError, match="cannot write"):
        run_fix([path], AuditOptions(checks=CHECKS), FixOptions(), out=locked / "x.jsonl")


def test_unwritable_path_under_a_file_fails(tmp_path: Path) -> None:
    path, _, _ = _data(tmp_path)
    with pytest.raises(InputError, match="cannot write"):
        run_fix([path], AuditOptions(checks=CHECKS), FixOptions(),
                out=path / "sub" / "x.jsonl")


def test_review_with_an_unknown_row_id_is_an_error(tmp_path: Path) -> None:
    path, _, _ = _data(tmp_path)
    review = tmp_path / "reviewed.csv"
    review.write_text("row_id,correct_label,input_hash\n2,a,\n9999,a,0123456789abcdef\n")
    with pytest.raises(InputError, match="unknown row id 9999"):
        run_fix([path], AuditOptions(checks=CHECKS, review_path=review), FixOptions(),
                folder=tmp_path / "rep")


def test_sample_is_refused(tmp_path: Path) -> None:
    path, _, _ = _data(tmp_path)
    with pytest.raises(InputError, match="--sample"):
        run_fix([path], AuditOptions(load=LoadOptions(sample=100)), FixOptions())


def test_shards_give_one_cleaned_file_each(tmp_path: Path) -> None:
    texts = _texts(40, 2)
    folder = tmp_path / "shards"
    folder.mkdir()
    first = [json.dumps({"text": t, "label": "ab"[i % 2]}) + "\n" for i, t in enumerate(texts)]
    (folder / "part-1.jsonl").write_text("".join(first[:20]))
    (folder / "part-2.jsonl").write_text("".join(first[20:]) + first[0])  # repeat across
    result = run_fix([folder], AuditOptions(checks=CHECKS), FixOptions(),
                     folder=tmp_path / "rep")
    assert sorted(p.name for p in result.cleaned.iterdir()) == ["part-1.jsonl", "part-2.jsonl"]
    assert (result.cleaned / "part-1.jsonl").read_text() == "".join(first[:20])
    assert (result.cleaned / "part-2.jsonl").read_text() == "".join(first[20:])
    assert result.reaudit["exact_duplicates"] == 0


def test_python_api(tmp_path: Path) -> None:
    import tuneready

    path, _, _ = _data(tmp_path)
    result = tuneready.fix(str(path), str(tmp_path / "clean.jsonl"),
                           report_dir=str(tmp_path / "r"), only=("schema",))
    assert [c.code for c in result.plan.ordered()] == ["schema.invalid_json"]
    assert (tmp_path / "changes.csv").is_file()
    assert result.summary["rows_out"] == result.summary["rows_in"] - 1
    with pytest.raises(InputError, match="file path"):
        tuneready.fix(object())


def test_latin1_csv_relabel_is_written_in_latin1(tmp_path: Path) -> None:
    texts = _texts(40, 3)
    path = tmp_path / "l.csv"
    body = "text,label\n" + "".join(f"caf\u00e9 {t},{'ab'[i % 2]}\n" for i, t in enumerate(texts))
    path.write_bytes(body.encode("latin-1"))
    review = tmp_path / "reviewed.csv"
    review.write_text("row_id,correct_label\n2,b\n")  # line 2 holds label a
    result = run_fix([path], AuditOptions(checks=CHECKS, review_path=review,
                                          load=LoadOptions(encoding="latin-1")),
                     FixOptions(), folder=tmp_path / "rep")
    lines = result.cleaned.read_bytes().split(b"\n")
    assert lines[1] == f"caf\u00e9 {texts[0]},b".encode("latin-1")
    assert lines[2:] == body.encode("latin-1").split(b"\n")[2:]


def test_output_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"text": "x", "label": "a"}\n')
    with pytest.raises(InputError, match="inside the input folder"):
        run_fix([folder], AuditOptions(checks=CHECKS), FixOptions(), out=folder / "clean")


def test_parquet_end_to_end_keeps_the_schema(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = _texts(40, 4)
    rows = [{"text": t, "label": "ab"[i % 2], "score": float(i)} for i, t in enumerate(texts)]
    rows.append(dict(rows[2]))
    table = pa.Table.from_pylist(rows)
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    result = run_fix([path], AuditOptions(checks=CHECKS), FixOptions(), folder=tmp_path / "r")
    got = pq.read_table(result.cleaned)
    assert result.cleaned.name == "d.cleaned.parquet"
    assert got.schema.equals(table.schema) and got.to_pylist() == rows[:-1]


def test_converge_rechecks_until_nothing_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dropping members can let two other rows pair up: the loop drops those too, then stops."""
    import pandas as pd

    from tuneready.fix import run as fix_run
    from tuneready.fix.plan import Cluster, FixPlan, Targets
    from tuneready.io.dataset import Dataset

    frame = pd.DataFrame({"row_id": [1, 2, 3, 4], "input": list("abcd"), "target": [""] * 4,
                          "label": [None] * 4, "split": [None] * 4, "roles": [""] * 4,
                          "n_train_turns": [1] * 4})
    data = Dataset(path="x", format="text", reader="jsonl", frame=frame)
    rounds = iter([Targets(clusters=[Cluster((2, 4), (0, 0))]), Targets()])
    seen: list[list[int]] = []

    def fake(evidence: object, policy: object) -> Targets:
        seen.append(evidence.data.frame["row_id"].tolist())  # type: ignore[attr-defined]
        return next(rounds)

    monkeypatch.setattr(fix_run, "repeats", fake)
    plan = FixPlan()
    from tuneready.config.policy import load_policy

    assert fix_run.converge(data, plan, load_policy(None), None, FixOptions()) == 2
    assert seen == [[1, 2, 3, 4], [1, 2, 3]]
    assert plan.changes[4].kept_row == 2 and "re-check" in plan.changes[4].kept_reason


def test_hugging_face_folder_gives_an_arrow_file(tmp_path: Path) -> None:
    """A save_to_disk folder of one Arrow file: one cleaned Arrow IPC stream file."""
    import pyarrow as pa

    texts = _texts(30, 5)
    rows = [{"text": t, "label": "ab"[i % 2]} for i, t in enumerate(texts)] + [
        {"text": texts[0], "label": "a"}]
    folder = tmp_path / "hf"
    folder.mkdir()
    table = pa.Table.from_pylist(rows)
    with pa.OSFile(str(folder / "data-00000-of-00001.arrow"), "wb") as sink, \
            pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    (folder / "state.json").write_text(json.dumps(
        {"_data_files": [{"filename": "data-00000-of-00001.arrow"}]}))
    result = run_fix([folder], AuditOptions(checks=CHECKS), FixOptions(), folder=tmp_path / "r")
    out = result.cleaned
    assert out.name == "hf.cleaned.arrow"
    got = pa.ipc.open_stream(pa.memory_map(str(out))).read_all()
    assert got.schema.equals(table.schema) and got.to_pylist() == rows[:-1]
    assert result.reaudit["exact_duplicates"] == 0


def test_drop_bad_answers_reads_the_answers_check(tmp_path: Path) -> None:
    """With the option, the answers the audit removes are dropped under the answers check's
    codes: the empty one at once, the refusal only once a reviewer confirms it; good answers
    stay."""
    texts = _texts(40, 3)
    rows = [{"prompt": f"Describe the {t}?", "completion": f"The {t} is bright and calm."}
            for t in texts]
    rows[4]["completion"] = ""
    rows[9]["completion"] = "I'm sorry, but I can't help with describing that."
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    checks = ["schema", "size", "duplicates", "answers"]
    kept = run_fix([path], AuditOptions(checks=checks), FixOptions(), folder=tmp_path / "a")
    default_log = {int(r["row_id"]): r["code"] for r in csv.DictReader(kept.changes.open())}
    assert 10 not in default_log  # the refusal stays without the option
    assert kept.summary["rows_out"] == 40 - len(default_log)
    unreviewed = run_fix([path], AuditOptions(checks=checks),
                         FixOptions(drop_bad_answers=True), folder=tmp_path / "b")
    log = {int(r["row_id"]): r["code"] for r in csv.DictReader(unreviewed.changes.open())}
    assert 10 not in log and 5 in log  # a candidate is not dropped on an unmeasured precision
    review = tmp_path / "review.csv"
    review.write_text("row_id,stratum,verdict\n10,answers.refusal,defect\n", "utf-8")
    result = run_fix([path], AuditOptions(checks=checks, review_path=review),
                     FixOptions(drop_bad_answers=True), folder=tmp_path / "c")
    log = {int(r["row_id"]): r["code"] for r in csv.DictReader(result.changes.open())}
    assert log[10] == "answers.refusal"
    assert all(code.startswith(("answers.", "schema.")) for code in log.values())
    assert 5 in log  # the empty answer, by the schema rule or the answers check
    assert result.summary["rows_out"] == 40 - len(log)


def _private_file(tmp_path: Path) -> tuple[Path, list[str]]:
    texts = _texts(40, 5)
    planted = ["mail jane.roe@fastmail.net today", "call +44 20 7946 0018 now",
               "key AKIAIOSFODNN7EXAMPLE here"]
    rows = [{"text": t, "label": "a" if i % 2 else "b"} for i, t in enumerate(texts)]
    for i, p in enumerate(planted):
        rows[3 * i + 1]["text"] += " " + p
    rows[7]["meta"] = {"note": "owner jane.roe@fastmail.net"}
    path = tmp_path / "private.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path, ["jane.roe@fastmail.net", "7946 0018", "AKIAIOSFODNN7EXAMPLE"]


def test_redact_replaces_values_everywhere_and_reaudits_clean(tmp_path: Path) -> None:
    path, values = _private_file(tmp_path)
    before = _sha(path)
    checks = ["schema", "size", "privacy"]
    result = run_fix([path], AuditOptions(checks=checks), FixOptions(redact=True),
                     folder=tmp_path / "rep")
    assert _sha(path) == before
    cleaned = result.cleaned.read_text()
    assert not any(v in cleaned for v in values)
    assert "<EMAIL>" in cleaned and "<PHONE>" in cleaned and "<SECRET>" in cleaned
    assert json.loads(cleaned.splitlines()[7])["meta"]["note"] == "owner <EMAIL>"  # nested
    assert result.summary["rows_out"] == 40 and result.summary["redacted_total"] == 3
    log = result.changes.read_text()
    assert "replaced" in log and not any(v in log for v in values)  # masked values only
    privacy = next(c for c in result.after.checks if c.name == "privacy")
    assert privacy.metrics["rows_flagged"] == 0
    for report in (tmp_path / "rep").rglob("*"):
        if report.is_file():
            text = report.read_text(errors="replace")
            assert not any(v in text for v in values), report


def test_drop_private_drops_the_rows(tmp_path: Path) -> None:
    path, _ = _private_file(tmp_path)
    result = run_fix([path], AuditOptions(checks=["schema", "size", "privacy"]),
                     FixOptions(drop_private=True), folder=tmp_path / "rep")
    log = {int(r["row_id"]): r["code"] for r in csv.DictReader(result.changes.open())}
    assert log == {2: "privacy.email", 5: "privacy.phone", 8: "privacy.secret"}
    assert result.summary["rows_out"] == 37


def test_redact_and_drop_private_exclude_each_other(tmp_path: Path) -> None:
    path, _ = _private_file(tmp_path)
    with pytest.raises(InputError, match="exclude each other"):
        run_fix([path], AuditOptions(checks=["size"]),
                FixOptions(redact=True, drop_private=True))
