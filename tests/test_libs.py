"""Importing cleanlab without its Datalab, in a fresh interpreter (imports are global)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from tuneready.libs import import_cleanlab_without_datalab, _DATALAB_MODULES
import_cleanlab_without_datalab()
import cleanlab
from cleanlab.filter import find_label_issues
assert type(cleanlab.Datalab).__name__ == "DatalabUnavailable", cleanlab.Datalab
assert "datasets" not in sys.modules
assert all(sys.modules.get(name, "") is not None for name in _DATALAB_MODULES)
import numpy as np
probs = np.array([[0.9, 0.1]] * 20 + [[0.1, 0.9]] * 20)
labels = np.array([0] * 19 + [1] + [1] * 20)
assert find_label_issues(labels, probs).sum() >= 1
print("ok")
"""


def test_cleanlab_imports_without_datalab_and_still_finds_issues() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_already_imported_cleanlab_is_left_alone() -> None:
    script = ("import cleanlab, sys\nfrom tuneready.libs import import_cleanlab_without_datalab"
              "\nbefore = cleanlab.Datalab\nimport_cleanlab_without_datalab()\n"
              "assert cleanlab.Datalab is before\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
