"""``tuneready fix``: from "fix the data first" to a cleaned file, a change log and a re-audit.

``plan`` chooses (pure), ``targets`` gathers the rows behind the findings, ``writers`` write
the input's own format, ``changes`` writes ``changes.csv``, ``run`` puts them in order.
"""

from tuneready.fix.plan import Action, Change, FixOptions, FixPlan, select

__all__ = ["Action", "Change", "FixOptions", "FixPlan", "select"]
