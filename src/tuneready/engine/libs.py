"""Import-time care for third-party libraries, in the processes tuneready owns.

cleanlab's package ``__init__`` imports its Datalab, which imports Hugging Face ``datasets``
when that is installed (common on ML machines): 0.4-0.8 s of a 50k-row audit that takes about
9 s, for a class tuneready never uses (it calls ``cleanlab.filter``, ``count`` and ``rank``).
"""

from __future__ import annotations

import sys

#: the cleanlab modules whose import pulls in Datalab and its dependencies
DATALAB_MODULES = ("cleanlab.datalab.datalab", "cleanlab.datalab.internal.issue_manager")


def block_datalab_import() -> None:
    """Make cleanlab's Datalab unimportable in this process, so ``import cleanlab`` (whenever
    it happens) skips it and falls back to cleanlab's own "Datalab unavailable" placeholder.

    A ``None`` entry in ``sys.modules`` makes an import fail at once. Only for a process that
    never uses Datalab: the ``tuneready`` command calls it in ``main``; the Python API and
    in-process test runners do not, since their caller may use ``cleanlab.Datalab``. Does
    nothing when cleanlab is already imported.
    """
    if "cleanlab" in sys.modules:
        return
    for name in DATALAB_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
