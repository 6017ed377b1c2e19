"""``tuneready fix``: from "fix the data first" to a cleaned file, a change log and a re-audit.

``plan`` chooses (pure), ``targets`` gathers the rows behind the findings, ``writers`` write
the input's own format, ``changes`` writes ``changes.csv``, ``run`` puts them in order and
``api`` is ``tuneready.fix(...)``.

The package itself is callable, ``tuneready.fix(path, ...)`` (``api.fix``): the name is both
the API function the issue asks for and this package, and a plain function of that name in
``tuneready/__init__.py`` would be replaced by the package the moment anything imports
``tuneready.fix.plan``. Importing the package stays light (``api`` loads on the first call).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from tuneready.fix.plan import Action, Change, FixOptions, FixPlan, select

__all__ = ["Action", "Change", "FixOptions", "FixPlan", "select"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from tuneready.fix.api import fix

        return fix(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
