"""Import-time care for third-party libraries the CLI process owns.

cleanlab's package ``__init__`` imports its Datalab, which imports Hugging Face ``datasets``
when that is installed (common on ML machines): 0.4-0.8 s of a 50k-row audit that takes about
9 s, for a class tuneready never uses (it calls ``cleanlab.filter``, ``count`` and ``rank``).
"""

from __future__ import annotations

import sys

#: the cleanlab modules whose import pulls in Datalab and its dependencies
_DATALAB_MODULES = ("cleanlab.datalab.datalab", "cleanlab.datalab.internal.issue_manager")


def import_cleanlab_without_datalab() -> None:
    """Import cleanlab with Datalab left out; only for processes that never use Datalab.

    A ``None`` entry in ``sys.modules`` makes an import fail, so cleanlab falls back to its
    own "Datalab unavailable" placeholder; the entries are removed afterwards, so a later
    explicit ``from cleanlab.datalab.datalab import Datalab`` still works. The CLI calls this;
    the Python API does not, since its caller may use ``cleanlab.Datalab`` in the same process.
    Does nothing when cleanlab is already imported.
    """
    if "cleanlab" in sys.modules:
        return
    blocked = [name for name in _DATALAB_MODULES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import cleanlab  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
