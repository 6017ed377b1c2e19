"""The bias check's flagged rows: for each disparity, the rows that show it, each with its
group and the rates compared.

A disparity is a statement about groups; what ``flagged.csv`` says about each row is a fact:
the row is in group g of an attribute (a column's value, or, for lexicon-derived groups, an
identity term the input *mentions*), and, where the metric counts an event, the event
happened to it (the proxy's out-of-fold prediction was wrong, the label-noise check flagged
it, the answer refuses). So no precision applies (``""``). Whether a term-derived group is
what the row is about is exactly what the finding's remedy asks a person to read: the reason
says "mentions", never "is about". No row's text is quoted; group names are the data's
category values or the lexicon's group names, masked like every reported string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tuneready.checks.flagrows import Flags

if TYPE_CHECKING:
    from tuneready.checks.bias.run import Analysis
    from tuneready.checks.bias.stats import Comparison

#: what happened to a row that counts toward the metric, before its group
EVENT = {"error_rate": "proxy wrong out of fold, ", "recall": "label missed by the proxy, ",
         "noise_rate": "flagged by the label-noise check, ", "refusal_rate": "answer refuses, "}
CLIP = 60


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[:CLIP - 1] + "…"


def membership(attribute: str, groups: np.ndarray) -> np.ndarray:
    """``"in group 'f' of gender"`` per row, or, for a lexicon attribute,
    ``"mentions a 'christian' identity term (religion)"``."""
    s = pd.Series(groups, dtype=object).astype(str).map(_clip)
    if attribute.startswith("terms:"):
        what = attribute.split(":", 1)[1]
        return ("mentions a '" + s + f"' identity term ({what})").to_numpy(dtype=object)
    return ("in group '" + s + f"' of {_clip(attribute)}").to_numpy(dtype=object)


def flag_comparison(flags: Flags, analysis: Analysis, c: Comparison, code: str,
                    pos: np.ndarray) -> None:
    """The rows of one disparity finding (frame positions, ``Analysis.row_positions``), in
    their group's words."""
    assert c.high is not None and c.low is not None
    fmt = "{:.0f}" if c.metric == "answer_tokens" else "{:.1%}"
    label = f" '{_clip(str(c.label))}'" if c.label else ""
    if c.metric == "representation":
        exp = float(c.extra.get("expected", {}).get(c.low.group, float("nan")))
        evidence = f"group share {c.low.rate:.1%}, {exp:.1%} expected"
    else:
        evidence = (f"{c.metric.replace('_', ' ')}{label}: '{_clip(c.high.group)}' "
                    f"{fmt.format(c.high.rate)} vs '{_clip(c.low.group)}' "
                    f"{fmt.format(c.low.rate)}")
    groups = analysis.values(c.attribute).to_numpy(dtype=object)[pos]
    reason = EVENT.get(c.metric, "") + membership(c.attribute, groups)
    flags.add(code, None, reason, evidence, positions=pos)


def flag_insufficient(flags: Flags, analysis: Analysis, small: list[tuple[str, str, int]]
                      ) -> None:
    """Rows of the groups too small to judge, each row once (its first small group)."""
    parts = []
    for a in analysis.attributes:
        sizes = {g: n for name, g, n in small if name == a.name}
        if not sizes:
            continue
        values = a.values.to_numpy(dtype=object)
        pos = np.flatnonzero(a.values.isin(list(sizes)).to_numpy())
        text = membership(a.name, values[pos]) + pd.Series(values[pos], dtype=object).map(
            lambda g, s=sizes: f", {s[g]:,} rows").to_numpy(dtype=object)
        parts.append(pd.DataFrame({"pos": pos, "reason": text}))
    if not parts:
        return
    rows = pd.concat(parts, ignore_index=True).drop_duplicates("pos")
    flags.add("bias.insufficient_evidence", None, rows["reason"].to_numpy(),
              f"fewer than {analysis.min_n} rows: neither passed nor failed",
              positions=rows["pos"].to_numpy())


def flag_terms(flags: Flags, analysis: Analysis, label: str, pos: np.ndarray,
               cols: list[int]) -> None:
    """Rows labelled ``label`` that mention one of the identity terms it leans on, naming
    the first such term (a lexicon entry, not the row's text)."""
    assert analysis.matches is not None
    sub = analysis.matches.matrix[pos][:, cols].tocsr()
    first = np.asarray(sub.argmax(axis=1)).ravel()
    names = np.asarray([_clip(str(analysis.matches.terms[c][0])) for c in cols], dtype=object)
    term = pd.Series(names[first], dtype=object)
    flags.add("bias.term_label_association", None,
              ("mentions the identity term '" + term + "'").to_numpy(dtype=object),
              f"labelled '{_clip(label)}', which leans on such terms", positions=pos)
