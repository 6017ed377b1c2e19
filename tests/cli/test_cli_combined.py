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


def test_prices_command_lists_sources_states_and_fits_80_columns(tmp_path: Path) -> None:
    result = runner.invoke(app, ["prices"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "claude-haiku-5-5" in out and "https://modal.com/pricing (read 2026-12-08)" in out
    assert "no jobs from" in out and "2027-01-06" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    later = runner.invoke(app, ["prices", "--date", "2027-02-01", "--verbose"],
                          env={"COLUMNS": "80"})
    assert later.exit_code == 0 and "closed: no jobs from" in later.output
    assert "Notes (--verbose)" in later.output and "LiteLLM" in later.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[offers]]\npath = "rag"\n', "utf-8")
    result = runner.invoke(app, ["prices", "--file", str(bad)])
    assert result.exit_code == 2 and "path 'rag'" in result.output
    result = runner.invoke(app, ["prices", "--date", "soon"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_own_price_table_model_size_and_date_flags(tmp_path: Path) -> None:
    """--prices FILE replaces the table; a path it does not price asks for a price; a bad
    --model-size or --date is exit 2 before any work."""
    own = tmp_path / "own.toml"
    own.write_text('version = 3\n[[offers]]\npath = "prompt_engineering"\nprovider = "me"\n'
                   'model = "m"\ninput = 1.0\ncached_input = 0.5\noutput = 2.0\n'
                   'source = "https://example.com/p"\nread = "2026-12-01"\n', "utf-8")
    result = runner.invoke(app, ["audit", str(_facts(tmp_path)), "--json", "--prices",
                                 str(own), "--calls-per-month", "1000", "--out",
                                 str(tmp_path / "r")])
    assert result.exit_code in (0, 1), result.output
    audit = json.loads(result.stdout)
    assert [c["provider"] for c in audit["context"]["costs"]] == ["me"]
    assert {u["path"] for u in audit["context"]["unpriced"]} == {"lora", "full_fine_tune"}
    assert audit["context"]["compute"] is None  # the table describes no open model or GPU
    shown = runner.invoke(app, ["audit", str(_facts(tmp_path)), "--prices", str(own),
                                "--calls-per-month", "1000", "--out", str(tmp_path / "s")],
                          env={"COLUMNS": "200"})
    assert "lora: no open offer (the price table has no offer); give your own price with " \
           "--prices FILE" in shown.output
    for flag, value in (("--model-size", "9B"), ("--date", "2026-13-01")):
        result = runner.invoke(app, ["audit", str(_facts(tmp_path)), flag, value, "--out",
                                     str(tmp_path / "x")])
        assert result.exit_code == 2 and flag in result.output, result.output
        assert not (tmp_path / "x").exists()
