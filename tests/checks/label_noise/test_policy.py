"""``[label_noise]`` keys: the removed ``reject_allowance`` is refused with the reason, and the
new requirement is validated like every other proportion."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tuneready.cli import app
from tuneready.config.errors import InputError
from tuneready.config.policy import load_policy


def test_an_old_policy_naming_reject_allowance_is_told_why_it_went(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text("[label_noise]\nwarn_rate = 0.05\nreject_allowance = 0.025\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    text = str(err.value)
    assert "old.toml:3" in text and "reject_allowance: unknown key" in text
    assert "removed" in text and "candidates for review" in text


def test_the_removed_key_is_a_one_line_usage_error(tmp_path: Path) -> None:
    policy = tmp_path / "old.toml"
    policy.write_text("[label_noise]\nreject_allowance = 0.025\n", "utf-8")
    data = tmp_path / "d.csv"
    data.write_text("text,label\nhello there,a\nbye now,b\n", "utf-8")
    result = CliRunner().invoke(app, ["audit", str(data), "--policy", str(policy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "reject_allowance: unknown key; removed" in result.output


def test_other_unknown_keys_still_list_the_allowed_ones(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text("[label_noise]\nwarn_rte = 0.05\n", "utf-8")
    with pytest.raises(InputError, match="warn_rte: unknown key; allowed: warn_rate"):
        load_policy(path)


def test_exclude_min_precision_is_a_proportion(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[label_noise]\nexclude_min_precision = 1.5\n", "utf-8")
    with pytest.raises(InputError, match="exclude_min_precision"):
        load_policy(path)
    assert load_policy().for_check("label_noise")["exclude_min_precision"] == 0.9
