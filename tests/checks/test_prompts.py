"""prompts: system prompt and instruction template drift, with the rows of each variant."""

from __future__ import annotations

import json
from pathlib import Path

from tuneready.checks.prompts import PromptsCheck, near_groups
from tuneready.config.policy import load_policy
from tuneready.core.results import Status
from tuneready.evidence.store import Evidence
from tuneready.io import LoadOptions, load_dataset

POLICY = load_policy().for_check("prompts")
BASE = "You are a helpful support assistant for Acme. Answer briefly and politely."


def _chat(tmp_path: Path, systems: list[str]) -> Path:
    path = tmp_path / "chat.jsonl"
    lines = []
    for i, system in enumerate(systems):
        messages = [{"role": "user", "content": f"question number {i} about order {i * 7}"},
                    {"role": "assistant", "content": f"answer {i}"}]
        if system:
            messages.insert(0, {"role": "system", "content": system})
        lines.append(json.dumps({"messages": messages}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _run(path: Path):  # type: ignore[no-untyped-def]
    data = load_dataset(path, LoadOptions())
    return PromptsCheck().run(data, Evidence(data), POLICY)


def test_three_prompts_one_word_apart_are_reported_with_their_rows(tmp_path: Path) -> None:
    variants = [BASE, BASE.replace("briefly", "concisely"), BASE.replace("politely", "kindly")]
    systems = [variants[i % 3] for i in range(30)]
    result = _run(_chat(tmp_path, systems))
    assert result.status == Status.WARN
    [finding] = result.findings
    assert finding.code == "prompts.system_drift"
    assert finding.n_rows == 30 and finding.observed == 3
    assert "concisely" in finding.message and "kindly" in finding.message
    assert "versioned" in (finding.remedy or "")
    table = result.tables["system_variants"]
    assert {r["rows"] for r in table} == {10} and {r["group"] for r in table} == {1}
    # each variant's rows are listed: row ids are the file's lines, 1-based
    by_variant = {r["variant"]: r["example_rows"] for r in table}
    assert by_variant[BASE].startswith("1, 4, 7")
    assert by_variant[variants[1]].startswith("2, 5, 8")
    assert result.metrics["system_distinct"] == 3


def test_one_consistent_prompt_gives_no_finding(tmp_path: Path) -> None:
    result = _run(_chat(tmp_path, [BASE] * 20))
    assert result.status == Status.PASS and result.findings == []
    assert result.metrics["system_distinct"] == 1 and result.metrics["system_top_share"] == 1.0


def test_unrelated_prompts_are_not_drift(tmp_path: Path) -> None:
    other = "Translate the user's message into French, keeping names unchanged."
    result = _run(_chat(tmp_path, [BASE, other] * 10))
    assert result.findings == [] and result.metrics["system_distinct"] == 2


def test_no_system_prompt_is_skipped(tmp_path: Path) -> None:
    assert _run(_chat(tmp_path, [""] * 10)).status == Status.SKIPPED


def test_instruction_templates_of_instruction_input_records(tmp_path: Path) -> None:
    path = tmp_path / "alpaca.json"
    rows = [{"instruction": "Summarise the text below in one short sentence." if i % 2 else
             "Summarise the text below in one brief sentence.", "input": f"text {i} " * 5,
             "output": f"summary {i}"} for i in range(12)]
    path.write_text(json.dumps(rows), "utf-8")
    result = _run(path)
    assert [f.code for f in result.findings] == ["prompts.instruction_drift"]
    assert result.findings[0].n_rows == 12


def test_near_groups_bounds() -> None:
    long = "one two three four five six seven eight nine ten"
    assert near_groups([long, long.replace("five", "5")], 3, 0.2) == [
        [long, long.replace("five", "5")]]
    # a short text: 20 % of 3 words is below one edit, so nothing is linked
    assert near_groups(["a b c", "a b d"], 3, 0.2) == []
    # four edits apart: beyond max_word_edits
    far = long.replace("one", "1").replace("two", "2").replace("three", "3").replace("four", "4")
    assert near_groups([long, far], 3, 0.5) == []


def test_every_row_of_every_variant_is_flagged(tmp_path: Path) -> None:
    variants = [BASE, BASE.replace("briefly", "concisely"),
                BASE.replace("briefly and politely", "concisely and kindly")]
    systems = [variants[0]] * 5 + [variants[1]] * 3 + [variants[2]] * 2
    result = _run(_chat(tmp_path, systems))
    [finding] = result.findings
    lines = {f.row_id: f for f in result.flagged}
    assert len(lines) == finding.n_rows == 10
    assert lines[1].reason == "most frequent system prompt of a drifting group"
    assert lines[6].reason == ("system prompt variant 2 of 3, 1 word from the most frequent "
                               "(row 1)")
    assert lines[9].reason == ("system prompt variant 3 of 3, 2 words from the most frequent "
                               "(row 1)")
    assert [lines[r].evidence for r in (1, 6, 9)] == [
        "5 rows use this variant", "3 rows use this variant", "2 rows use this variant"]
    assert {(f.removed, f.precision) for f in lines.values()} == {(False, "")}
