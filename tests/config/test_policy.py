"""Policies: one packaged default, overlays, unknown keys rejected, stable hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuneready.config.errors import InputError
from tuneready.config.policy import load_policy, packaged_text

REPO = Path(__file__).resolve().parents[2]


def test_repo_default_is_the_packaged_default() -> None:
    assert (REPO / "checks" / "default.toml").read_text() == packaged_text("default")


def test_overlay_changes_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[size]\nlora_min = 50\n")
    policy = load_policy(path)
    assert policy.for_check("size")["lora_min"] == 50
    assert policy.for_check("size")["full_finetune_min"] == 1000
    assert policy.digest() != load_policy().digest()
    assert load_policy().digest() == load_policy().digest()


def test_every_key_in_default_is_commented() -> None:
    lines = packaged_text("default").splitlines()
    for i, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            above = lines[i - 1].strip()
            assert above.startswith("#") or "=" in above, f"uncommented key: {line}"


@pytest.mark.parametrize("body", ["[nope]\nx = 1\n", "not toml ===", "[size]\nbogus = 1\n"])
def test_bad_policies_are_input_errors(tmp_path: Path, body: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(body)
    with pytest.raises(InputError):
        load_policy(path)


def test_packaged_policies_only_use_known_keys() -> None:
    import tomllib

    from tuneready.config.policy import _check_keys, packaged_names

    base = tomllib.loads(packaged_text("default"))
    for name in packaged_names():
        _check_keys(base, tomllib.loads(packaged_text(name)), name)
    strict = load_policy("strict")
    assert strict.for_check("size")["full_finetune_min"] > 1000


def test_documented_keys_reads_rationale() -> None:
    from tuneready.config.policy import documented_keys

    keys = {k: c for k, _v, c in documented_keys("size")}
    assert "Vertex" in keys["max_imbalance_ratio"]
    assert set(keys) == set(load_policy().for_check("size"))
