"""The CLI as a user meets it: exit codes, one-line errors, reports written, fast --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app
from tuneready.render.json import canonical

runner = CliRunner()


def _csv(tmp_path: Path, n: int, name: str = "d.csv") -> Path:
    path = tmp_path / name
    make_texts(n).to_csv(path, index=False)
    return path


def test_help_imports_no_heavy_library() -> None:
    code = ("import sys; from tuneready.cli import app; from typer.testing import CliRunner;"
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output;"
            "heavy = [m for m in ('sklearn', 'cleanlab', 'fairlearn', 'great_expectations',"
            " 'scipy', 'pandas', 'numpy', 'jinja2', 'dask', 'distributed')"
            " if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_audit_writes_json_and_exits_by_readiness(tmp_path: Path) -> None:
    data = _csv(tmp_path, 150)
    result = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output  # 150 rows: not enough for a full fine-tune
    audit = json.loads((tmp_path / "r" / "audit.json").read_text())
    assert audit["schema_version"] == "2.1"
    assert all(c["what"] and c["why"] for c in audit["checks"])  # saved, not looked up later
    assert audit["recommendation"]["verdict"] in ("lora", "prompt_engineering", "not_ready")
    assert audit["dataset"]["sha256"] and audit["meta"]["versions"]["tuneready"]
    assert all({"check", "code", "severity", "message"} <= set(f) for f in audit["findings"])


def test_required_path_from_policy_changes_exit_code(tmp_path: Path) -> None:
    data = _csv(tmp_path, 300)
    policy = tmp_path / "p.toml"
    policy.write_text('[audit]\nrequired = "lora"\n')
    ok = runner.invoke(app, ["audit", str(data), "--policy", str(policy), "--out",
                             str(tmp_path / "r"), "--check", "schema", "--check", "size"])
    assert ok.exit_code == 0, ok.output
    strict = runner.invoke(app, ["audit", str(data), "--policy", str(policy), "--out",
                                 str(tmp_path / "r"), "--check", "size", "--fail-on", "warn"])
    assert strict.exit_code == 1


def test_json_to_stdout_is_deterministic(tmp_path: Path) -> None:
    data = _csv(tmp_path, 120)
    outs = [runner.invoke(app, ["audit", str(data), "--json", "--out", str(tmp_path / f"r{i}")])
            for i in range(2)]
    first, second = (json.loads(o.stdout) for o in outs)
    assert canonical(first) == canonical(second)
    body = [(tmp_path / f"r{i}" / "audit.json").read_text() for i in range(2)]
    strip = [json.dumps({k: v for k, v in json.loads(b).items() if k != "meta"}) for b in body]
    assert strip[0] == strip[1]


@pytest.mark.parametrize(("content", "args", "match"), [
    ("", [], "empty"),
    ("text,label\na,b\n", ["--label", "nope"], "'nope'"),
    ("zzz\n1\n", [], "cannot recognise"),
    ("text,label\na,b\n", ["--format", "bogus"], "unknown format"),
    ("text,label\na,b\n", ["--policy", "missing.toml"], "no such policy"),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, content, args, match) -> None:
    path = tmp_path / "d.csv"
    path.write_text(content)
    result = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r"), *args])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert match in err and "Traceback" not in err and err.count("\n") == 0
    assert not (tmp_path / "r" / "audit.json").exists()


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_unknown_policy_key_is_rejected(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text("[size]\nfull_finetune_minimum = 5\n")
    result = runner.invoke(app, ["audit", str(_csv(tmp_path, 20)), "--policy", str(policy)])
    assert result.exit_code == 2 and "full_finetune_minimum" in result.stderr


def test_init_and_checks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "team", "--folder", str(tmp_path)])
    assert result.exit_code == 0
    assert "full_finetune_min = 1000" in (tmp_path / "team.toml").read_text()
    again = runner.invoke(app, ["init", "team", "--folder", str(tmp_path)])
    assert again.exit_code == 2
    listing = runner.invoke(app, ["checks"])
    assert listing.exit_code == 0 and "full_finetune_min" in listing.stdout


def test_demo_runs_and_writes_reports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    audit = json.loads((tmp_path / "demo" / "audit.json").read_text())
    assert audit["dataset"]["rows"] == 1505
    assert audit["dataset"]["format"] == "openai_chat"


def test_explain_prints_thresholds_and_rationale() -> None:
    result = runner.invoke(app, ["explain", "size"])
    assert result.exit_code == 0
    assert "full_finetune_min = 1000" in result.stdout and "LIMA" in result.stdout
    assert runner.invoke(app, ["explain", "nope"]).exit_code == 2


def test_explain_prints_rationale_brackets_literally() -> None:
    result = runner.invoke(app, ["explain", "answers"])
    assert result.exit_code == 0
    assert "tuneready[pairs]" in result.stdout.replace("\n", "")  # not read as rich markup


def test_context_flags_add_a_cost_table(tmp_path: Path) -> None:
    data = _csv(tmp_path, 200)
    result = runner.invoke(app, ["audit", str(data), "--json", "--check", "size",
                                 "--calls-per-month", "100000", "--out", str(tmp_path / "r")])
    audit = json.loads(result.stdout)
    paths = [c["path"] for c in audit["context"]["costs"]]
    assert paths == ["prompt_engineering", "lora", "full_fine_tune"]
    assert audit["recommendation"]["data_verdict"] == "lora"
