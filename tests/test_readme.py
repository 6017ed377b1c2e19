"""The README stays true: set-up lines first, every CLI command documented."""

from __future__ import annotations

import re
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


def test_add_a_check_recipe_is_the_completeness_test() -> None:
    """The README's numbered "Add a check" steps are exactly ``RECIPE``, in order."""

    from tests.checks.test_registry import RECIPE

    section = README.split("### Add a check", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    steps = re.findall(r"^(\d+)\. \*\*(\w+)\*\*", section, flags=re.M)
    assert [int(n) for n, _ in steps] == list(range(1, len(steps) + 1))
    assert tuple(name for _, name in steps) == RECIPE


def test_development_section_lists_every_folder() -> None:
    import tuneready

    root = Path(tuneready.__file__).parent
    folders = sorted(p.name for p in root.iterdir()
                     if p.is_dir() and (p / "__init__.py").exists() and p.name != "data")
    section = README.split("## Development", 1)[1]
    listed = re.findall(r"^- `(\w+)/`", section, flags=re.M)
    assert sorted(listed) == folders
