"""--pred-probs / --embeddings files: read, validated against the loaded rows, exit 2 if wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.conftest import make_texts
from tuneready.cli import app
from tuneready.config.errors import InputError
from tuneready.evidence.proxy import check_user_arrays
from tuneready.io.arrays import load_array


def test_reads_npy_and_csv_with_or_without_header(tmp_path: Path) -> None:
    arr = np.array([[0.2, 0.8], [0.6, 0.4]])
    np.save(tmp_path / "p.npy", arr)
    (tmp_path / "p.csv").write_text("ham,spam\n0.2,0.8\n0.6,0.4\n")
    (tmp_path / "q.csv").write_text("0.2,0.8\n0.6,0.4\n")
    for name in ("p.npy", "p.csv", "q.csv"):
        assert np.allclose(load_array(tmp_path / name, "--pred-probs"), arr)


@pytest.mark.parametrize("name,content", [("x.json", "[]"), ("x.csv", "a,b\n1,zz\n")])
def test_unreadable_files_are_input_errors(tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError):
        load_array(tmp_path / name, "--embeddings")


def test_shape_checks() -> None:
    ok = np.full((3, 2), 0.5)
    assert check_user_arrays(3, ["a", "b"], ok, None) is None
    assert "expected 4 rows" in (check_user_arrays(4, ["a", "b"], ok, None) or "")
    assert "3 classes" in (check_user_arrays(3, ["a", "b", "c"], ok, None) or "")
    assert "NaN" in (check_user_arrays(3, ["a", "b"], None, np.full((3, 2), np.nan)) or "")
    assert "negative" in (check_user_arrays(3, ["a", "b"], -ok, None) or "")


def test_cli_wrong_shape_exits_2_and_right_shape_is_used(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    make_texts(60).to_csv(data, index=False)
    np.save(tmp_path / "bad.npy", np.full((59, 3), 1 / 3))
    runner = CliRunner()
    bad = runner.invoke(app, ["audit", str(data), "--pred-probs", str(tmp_path / "bad.npy"),
                              "--check", "label_noise", "--out", str(tmp_path / "r")])
    assert bad.exit_code == 2
    assert "expected 60 rows" in bad.output
    # probabilities that call every row "finance": 2/3 of labels look wrong
    probs = np.tile([0.98, 0.01, 0.01], (60, 1))
    np.save(tmp_path / "good.npy", probs)
    good = runner.invoke(app, ["audit", str(data), "--pred-probs", str(tmp_path / "good.npy"),
                               "--check", "label_noise", "--json", "--out", str(tmp_path / "r")])
    assert good.exit_code in (0, 1), good.output
    assert '"source"' in good.output or '"label_noise"' in good.output
