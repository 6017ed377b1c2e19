"""The CLI side of issue 17: --prompt, `tuneready prices`, complements in the JSON."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from tuneready.cli import app
from tuneready.evidence.tokens import count_tokens

runner = CliRunner()
QUESTIONS = [("Who wrote the novel Moby Dick?", "Herman Melville wrote it in 1851."),
             ("What is the capital of Australia?", "Canberra."),
             ("When did the Berlin Wall fall?", "It fell in November 1989."),
             ("Which element has the symbol Fe?", "Iron, atomic number 26."),
             ("Who painted the Sistine Chapel ceiling?", "Michelangelo, between 1508 and 1512."),
             ("What is the longest river in Africa?", "The Nile, about 6,650 km long.")]


def _facts(tmp_path: Path, system: str = "") -> Path:
    path = tmp_path / "facts.jsonl"
    lines = []
    for i in range(60):
        q, a = QUESTIONS[i % len(QUESTIONS)]
        msgs = [{"role": "user", "content": f"{q} (case {i})"},
                {"role": "assistant", "content": f"{a} Ref {i}."}]
        if system:
            msgs.insert(0, {"role": "system", "content": system})
        lines.append(json.dumps({"messages": msgs}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_prompt_file_is_counted_exactly_and_hashed(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("You answer trivia questions in one sentence, citing the source.\n",
                      "utf-8")
    result = runner.invoke(app, ["audit", str(_facts(tmp_path)), "--json", "--prompt",
                                 str(prompt), "--calls-per-month", "100000", "--out",
                                 str(tmp_path / "r")])
    assert result.exit_code in (0, 1), result.output
    audit = json.loads(result.stdout)
    p = audit["context"]["prompt"]
    assert p["sha256"] == hashlib.sha256(prompt.read_bytes()).hexdigest()
    assert p["tokens"] == count_tokens([prompt.read_text("utf-8")])[0]
    assert audit["context"]["usage"]["instruction_tokens"] == p["tokens"]
    rec = audit["recommendation"]
    assert "complement.rag" in [c["code"] for c in rec["complements"]]
    assert rec["answer_signals"]["knowledge"]["lo"] >= 0.3
    assert any(c["kind"] == "volume" for c in rec["crossovers"])
    costs = audit["context"]["costs"]
    assert all(c["provider"] and c["as_of"] for c in costs)


def test_missing_prompt_file_is_exit_2_before_work(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_facts(tmp_path)), "--prompt",
                                 str(tmp_path / "nope.txt"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "prompt" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_prices_command_lists_dates_and_confirmation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["prices"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "together" in result.output and "2026-10-07" in result.output
    assert "not confirmed" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[offers]]\npath = "rag"\n', "utf-8")
    result = runner.invoke(app, ["prices", "--file", str(bad)])
    assert result.exit_code == 2 and "path 'rag'" in result.output
