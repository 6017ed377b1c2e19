"""``changes.csv`` (one line per changed row) and the summary counts the terminal shows.

Cells are formula-safe (``io/csvsafe.py``): a text starting with ``=``, ``+``, ``-`` or
``@`` opens in a spreadsheet as text, not as a formula.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tuneready.fix.plan import Action, FixPlan
from tuneready.io.csvsafe import to_csv

COLUMNS = ("row_id", "action", "code", "kept_row", "kept_because", "label_before",
           "label_after", "probability", "input")


def render(plan: FixPlan) -> str:
    return to_csv(COLUMNS, ([c.row_id, c.action.value, c.code,
                             "" if c.kept_row is None else c.kept_row, c.kept_reason,
                             c.label_before or "", c.label_after or "",
                             "" if c.probability is None else round(c.probability, 4),
                             c.excerpt]
                            for c in plan.ordered()))


def summary(plan: FixPlan, rows_in: int, malformed: int, rows_out: int) -> dict[str, Any]:
    """Rows in (records read, malformed ones included), dropped by code, relabelled, out."""
    dropped = Counter(c.code for c in plan.changes.values() if c.action == Action.DROP)
    relabelled = Counter(c.code for c in plan.changes.values() if c.action == Action.RELABEL)
    redacted = Counter(c.code for c in plan.changes.values() if c.action == Action.REPLACE)
    return {"rows_in": rows_in, "malformed_in": malformed,
            "dropped": dict(sorted(dropped.items())), "dropped_total": sum(dropped.values()),
            "relabelled": dict(sorted(relabelled.items())),
            "relabelled_total": sum(relabelled.values()),
            "redacted": dict(sorted(redacted.items())), "redacted_total": sum(redacted.values()),
            "rows_out": rows_out}
