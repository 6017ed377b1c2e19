"""Blocking cleanlab's Datalab import, in fresh interpreters (imports are process-global)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from tuneready.engine.libs import block_datalab_import
block_datalab_import()
import cleanlab
from cleanlab.filter import find_label_issues
assert type(cleanlab.Datalab).__name__ == "DatalabUnavailable", cleanlab.Datalab
assert "datasets" not in sys.modules
import numpy as np
probs = np.array([[0.9, 0.1]] * 20 + [[0.1, 0.9]] * 20)
labels = np.array([0] * 19 + [1] + [1] * 20)
assert find_label_issues(labels, probs).sum() >= 1
print("ok")
"""


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)


def test_cleanlab_imports_without_datalab_and_still_finds_issues() -> None:
    out = _run(SCRIPT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_already_imported_cleanlab_is_left_alone() -> None:
    out = _run("import cleanlab, sys\nfrom tuneready.engine.libs import block_datalab_import, "
               "DATALAB_MODULES\nbefore = cleanlab.Datalab\nblock_datalab_import()\n"
               "assert cleanlab.Datalab is before\n"
               "assert all(sys.modules.get(m, '') is not None for m in DATALAB_MODULES)")
    assert out.returncode == 0, out.stderr


def test_the_command_blocks_datalab_but_the_api_does_not() -> None:
    out = _run("import sys\nimport tuneready\nimport tuneready.cli\n"
               "from tuneready.engine.libs import DATALAB_MODULES\n"
               "assert not any(m in sys.modules for m in DATALAB_MODULES)\n"
               "tuneready.cli.app = lambda: None\ntuneready.cli.main()\n"
               "assert all(sys.modules[m] is None for m in DATALAB_MODULES)")
    assert out.returncode == 0, out.stderr
