"""The CI gate fails closed: typos, bad settings and contradictions stop before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app

runner = CliRunner()


def _csv(tmp_path: Path, n: int = 120) -> Path:
    path = tmp_path / "d.csv"
    make_texts(n).to_csv(path, index=False)
    return path


def _one_line_exit_2(result, match: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("tuneready: error:"), result.output
    assert match in lines[0], lines[0]


def test_unknown_check_exits_2_before_reading_anything(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path / "missing.jsonl"), "--check", "nosuch"])
    _one_line_exit_2(result, "--check nosuch: unknown check; allowed: schema, size")
    assert not (tmp_path / "reports").exists()


def test_bad_policy_exits_2_naming_file_line_table_and_key(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text("[label_noise]\nwarn_rate = 'high'\n")
    result = runner.invoke(app, ["audit", str(_csv(tmp_path)), "--policy", str(policy),
                                 "--out", str(tmp_path / "r")])
    _one_line_exit_2(result, "p.toml:2: [label_noise] warn_rate: expected a number")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("args", "match"), [
    (["--text", "text", "--label", "text"], "name the same column"),
    (["--format", "text", "--label", "label"], "--format text has no label"),
    (["--group", "label"], "--group 'label' is also"),
    (["--split", "train"], "--split applies"),
    (["--task", "chat"], "--task: expected one of behaviour"),
    (["--baseline-score", "1.5", "--target-score", "0.9"], "--baseline-score: expected"),
    (["--latency-ms", "-3"], "--latency-ms: expected an integer >= 0"),
    (["--encoding", "latin-1", "--reader", "parquet"], ""),
    (["--workers", "2"], "--workers and --scheduler need --engine dask"),
    (["--scheduler", "tcp://localhost:8786"], "need --engine dask"),
    (["--engine", "dask", "--workers", "2", "--scheduler", "tcp://x:1"], "not both"),
])
def test_contradictory_or_invalid_options_exit_2(tmp_path: Path, args, match) -> None:
    result = runner.invoke(app, ["audit", str(_csv(tmp_path)), "--out", str(tmp_path / "r"),
                                 *args])
    _one_line_exit_2(result, match)


def test_sample_with_user_arrays_is_a_contradiction(tmp_path: Path) -> None:
    import numpy as np

    probs = tmp_path / "p.npy"
    np.save(probs, np.full((120, 3), 1 / 3))
    result = runner.invoke(app, ["audit", str(_csv(tmp_path)), "--sample", "100",
                                 "--pred-probs", str(probs), "--out", str(tmp_path / "r")])
    _one_line_exit_2(result, "--sample cannot be combined")


def test_a_check_that_errors_makes_the_run_not_ready(tmp_path: Path, monkeypatch) -> None:
    from tuneready.checks.schema import SchemaCheck

    def boom(*_args: object) -> None:
        raise RuntimeError("cannot run")

    monkeypatch.setattr(SchemaCheck, "run", boom)
    policy = tmp_path / "p.toml"
    policy.write_text('[audit]\nrequired = "prompt_engineering"\n')
    result = runner.invoke(app, ["audit", str(_csv(tmp_path, 300)), "--check", "schema",
                                 "--check", "size", "--policy", str(policy), "--json",
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output
    audit = json.loads(result.stdout)
    assert audit["recommendation"]["ready"] is False
    assert audit["recommendation"]["reasons"][0]["code"] == "decision.check_error"
    assert audit["recommendation"]["confidence"] == "low"


def test_shards_and_compressed_input_on_the_command_line(tmp_path: Path) -> None:
    import gzip

    data = tmp_path / "data"
    data.mkdir()
    frame = make_texts(150)
    for k in range(3):
        part = frame.iloc[k * 50:(k + 1) * 50].to_json(orient="records", lines=True)
        (data / f"part-{k}.jsonl.gz").write_bytes(gzip.compress(part.encode()))
    result = runner.invoke(app, ["audit", str(data / "*.jsonl.gz"), "--check", "size",
                                 "--json", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output      # 150 rows: not enough for a full tune
    audit = json.loads(result.stdout)
    assert audit["dataset"]["rows"] == 150 and len(audit["dataset"]["sources"]) == 3
    listed = runner.invoke(app, ["audit", *map(str, sorted(data.iterdir())), "--check",
                                 "size", "--json", "--out", str(tmp_path / "r2")])
    assert json.loads(listed.stdout)["findings"] == audit["findings"]
