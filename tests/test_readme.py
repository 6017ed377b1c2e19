"""The README stays true: set-up lines first, every CLI command documented."""

from __future__ import annotations

from pathlib import Path

from tuneready.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_opens_with_the_two_setup_commands() -> None:
    block = README.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0].endswith("tuneready demo")
    assert block[1].endswith("pytest")
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert block[1] in ci


def test_every_command_is_in_the_readme() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in
             app.registered_commands]
    missing = [n for n in names if f"tuneready {n}" not in README]
    assert not missing, f"commands missing from README: {missing}"
