"""How readiness changed between two audits of versions of a dataset.

Datasets are audited repeatedly as they grow and get cleaned; the question a reviewer asks is
"did this version move us up the ladder, and why". ``compare`` computes that from two saved
audits (verdict, readiness, effective size, noise rate with its interval, each check's status,
the numbers that moved, findings that appeared or were resolved); ``render`` prints it as
Markdown, which reads fine in a terminal too.
"""

from __future__ import annotations

import math
from typing import Any

from tuneready.core.results import VERDICT_LEVEL, VERDICT_TITLE, Audit, Verdict
from tuneready.render.markdown import code, esc

MAX_METRICS = 15
NOISE_KEYS = ("noise_rate", "estimated_noise_rate", "label_noise_rate")


def noise_rate(audit: Audit) -> dict[str, float] | None:
    """The label-noise estimate (with interval when saved), or None without that check."""
    check = audit.check("label_noise")
    if check is None:
        return None
    m = check.metrics
    key = next((k for k in NOISE_KEYS if _num(m.get(k))), None)
    if key is None:
        return None
    out = {"rate": float(m[key])}
    if _num(m.get(f"{key}_lo")) and _num(m.get(f"{key}_hi")):
        out.update(lo=float(m[f"{key}_lo"]), hi=float(m[f"{key}_hi"]))
    return out


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def compare(old: Audit, new: Audit) -> dict[str, Any]:
    o, n = old.recommendation, new.recommendation
    step = VERDICT_LEVEL[n.verdict] - VERDICT_LEVEL[o.verdict]
    return {
        "dataset": {"old": _ds(old), "new": _ds(new)},
        "verdict": {"old": o.verdict.value, "new": n.verdict.value,
                    "change": "up" if step > 0 else "down" if step < 0 else "same"},
        "ready": {"old": o.ready, "new": n.ready},
        "effective_n": {"old": o.effective_n, "new": n.effective_n,
                        "change": n.effective_n - o.effective_n},
        "noise_rate": {"old": noise_rate(old), "new": noise_rate(new)},
        "checks": _checks(old, new),
        "metrics": _metrics(old, new),
        "findings": _findings(old, new),
        "prompt": {"old": _prompt(old), "new": _prompt(new)},
        "complements": {"old": [c["code"] for c in o.complements],
                        "new": [c["code"] for c in n.complements]},
    }


def _prompt(audit: Audit) -> str | None:
    """The sha256 of the prompt file the audit was given (None: none, or an older audit)."""
    p = (audit.context or {}).get("prompt")
    return str(p["sha256"]) if p and p.get("sha256") else None


def regressed(diff: dict[str, Any]) -> bool:
    """The verdict went down, or the data stopped being ready."""
    return bool(diff["verdict"]["change"] == "down"
                or (diff["ready"]["old"] and not diff["ready"]["new"]))


def _ds(audit: Audit) -> dict[str, Any]:
    return {k: audit.dataset.get(k) for k in ("path", "sha256", "rows")}


def _checks(old: Audit, new: Audit) -> list[dict[str, Any]]:
    names = list(dict.fromkeys([c.name for c in old.checks] + [c.name for c in new.checks]))
    out = []
    for name in names:
        a, b = old.check(name), new.check(name)
        out.append({"check": name, "old": a.status.value if a else None,
                    "new": b.status.value if b else None,
                    "old_summary": a.summary if a else "", "new_summary": b.summary if b else ""})
    return out


def _metrics(old: Audit, new: Audit) -> list[dict[str, Any]]:
    """Numeric metrics present in both audits that changed, largest relative change first."""
    out = []
    for b in new.checks:
        a = old.check(b.name)
        if a is None:
            continue
        for key, nv in b.metrics.items():
            ov = a.metrics.get(key)
            if key.endswith(("_lo", "_hi")) or not (_num(ov) and _num(nv)) or ov == nv:
                continue
            rel = abs(nv - ov) / abs(ov) if ov else math.inf
            out.append({"check": b.name, "metric": key, "old": ov, "new": nv, "rel": rel})
    out.sort(key=lambda d: (-d["rel"], d["check"], d["metric"]))
    for d in out:
        d["rel"] = None if math.isinf(d["rel"]) else round(d["rel"], 4)
    return out


def _findings(old: Audit, new: Audit) -> dict[str, list[str]]:
    before = {f"{c.name}:{f.code}" for c in old.checks for f in c.findings}
    after = {f"{c.name}:{f.code}" for c in new.checks for f in c.findings}
    return {"new": sorted(after - before), "resolved": sorted(before - after)}


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
