"""Markdown for a comparison of two audits (``decide/diff.py`` computes it).

It reads fine in a terminal too. Only rendering lives here: every number comes from the
comparison dict, as ``tuneready diff --json`` prints it.
"""

from __future__ import annotations

from typing import Any

from tuneready.core.results import VERDICT_TITLE, Verdict
from tuneready.decide.diff import NOISE_CHECK
from tuneready.render.markdown import code, esc

MAX_METRICS = 15


def _fmt(key: str, v: Any) -> str:
    from tuneready.render.html_context import fmt_value

    return fmt_value(key, v)


def _rate(r: dict[str, float] | None) -> str:
    if r is None:
        return "n/a"
    text = f"{100 * r['rate']:.1f}%"
    if "lo" in r:
        text += f" [{100 * r['lo']:.1f}%, {100 * r['hi']:.1f}%]"
    return text


def render(diff: dict[str, Any]) -> str:
    v, ready, eff = diff["verdict"], diff["ready"], diff["effective_n"]
    arrow = {"up": "⬆️ up", "down": "⬇️ down", "same": "unchanged"}[v["change"]]
    o_ds, n_ds = diff["dataset"]["old"], diff["dataset"]["new"]
    lines = [
        "## tuneready diff",
        "",
        f"{esc(o_ds['path'])} ({o_ds['rows'] or 0:,} rows) → {esc(n_ds['path'])} "
        f"({n_ds['rows'] or 0:,} rows)"
        + (" · same file contents" if o_ds["sha256"] == n_ds["sha256"] else ""),
        "",
        "| | old | new | change |",
        "|---|---|---|---|",
        f"| verdict | {esc(VERDICT_TITLE[Verdict(v['old'])])} | "
        f"{esc(VERDICT_TITLE[Verdict(v['new'])])} | {arrow} |",
        f"| ready | {_yes(ready['old'])} | {_yes(ready['new'])} | "
        f"{'unchanged' if ready['old'] == ready['new'] else 'changed'} |",
        f"| effective examples | {eff['old']:,} | {eff['new']:,} | {eff['change']:+,} |",
        f"| label noise rate | {_rate(diff['noise_rate']['old'])} | "
        f"{_rate(diff['noise_rate']['new'])} | |",
        *_followed_rows(diff),
    ]
    lines += _prompt_rows(diff)
    lines += [
        "",
        "| check | old | new |",
        "|---|---|---|",
    ]
    for c in diff["checks"]:
        mark = "" if c["old"] == c["new"] else " ←"
        lines.append(f"| {esc(c['check'])} | {c['old'] or 'absent'} | "
                     f"{c['new'] or 'absent'}{mark} |")
    if diff["metrics"]:
        lines += ["", "**Numbers that moved**", "", "| check | metric | old | new |",
                  "|---|---|---|---|"]
        for m in diff["metrics"][:MAX_METRICS]:
            lines.append(f"| {esc(m['check'])} | {esc(m['metric'])} | {_fmt(m['metric'], m['old'])}"
                         f" | {_fmt(m['metric'], m['new'])} |")
        if len(diff["metrics"]) > MAX_METRICS:
            lines.append(f"\n{len(diff['metrics']) - MAX_METRICS} more changed numbers in "
                         "`--json`.")
    for label, key in (("New findings", "new"), ("Resolved findings", "resolved")):
        if diff["findings"][key]:
            lines += ["", f"**{label}**: " + ", ".join(code(f) for f in diff["findings"][key])]
    return "\n".join(lines) + "\n"


def _followed_rows(diff: dict[str, Any]) -> list[str]:
    """Rows for the declared diff metrics beyond the label noise rate shown above them."""
    rest = list(diff.get("followed", []))
    first_noise = next((f for f in rest if f["check"] == NOISE_CHECK), None)
    return [f"| {esc(f['check'])} {esc(f['metric'])} | {_value(f['metric'], f['old'])} | "
            f"{_value(f['metric'], f['new'])} | |" for f in rest if f is not first_noise]


def _value(metric: str, r: dict[str, float] | None) -> str:
    """A followed metric formatted as its kind (rate, count...), interval when saved."""
    if r is None:
        return "n/a"
    text = _fmt(metric, r["rate"])
    if "lo" in r:
        text += f" [{_fmt(metric, r['lo'])}, {_fmt(metric, r['hi'])}]"
    return text


def _prompt_rows(diff: dict[str, Any]) -> list[str]:
    """Rows for the prompt file and the complements, only when either audit has them (an
    older audit's diff reads as before)."""
    out = []
    p = diff.get("prompt") or {}
    if p.get("old") or p.get("new"):
        change = "unchanged" if p["old"] == p["new"] else "**changed**"
        out.append(f"| prompt sha256 | {code(str(p['old'] or 'none')[:12])} | "
                   f"{code(str(p['new'] or 'none')[:12])} | {change} |")
    c = diff.get("complements") or {}
    if c.get("old") or c.get("new"):
        change = "unchanged" if c["old"] == c["new"] else "changed"
        out.append(f"| complements | {esc(', '.join(c['old']) or 'none')} | "
                   f"{esc(', '.join(c['new']) or 'none')} | {change} |")
    return out


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
