"""How readiness changed between two audits of versions of a dataset (the computation).

Datasets are audited repeatedly as they grow and get cleaned; the question a reviewer asks is
"did this version move us up the ladder, and why". ``compare`` computes that from two saved
audits: verdict, readiness, effective size, each check's status, the metrics each check
declares worth following (``CheckSpec.diff_metrics``, with their interval when saved), the
numbers that moved, findings that appeared or were resolved. ``render/diff.py`` prints it.
A check this version does not know (an audit of another version) is compared by status,
metrics and findings; it just has no followed metrics.
"""

from __future__ import annotations

import math
from typing import Any

from tuneready.core.results import VERDICT_LEVEL, Audit

#: the followed metric shown as the diff's "label noise rate" line (and its JSON ``noise_rate``)
NOISE_CHECK = "label_noise"


def declared(name: str) -> tuple[str, ...]:
    """The metrics check ``name`` declares for diff; none for a check this version lacks."""
    from tuneready.checks import REGISTRY, spec_of

    return spec_of(name).diff_metrics if name in REGISTRY else ()


def value(audit: Audit, check_name: str, metric: str) -> dict[str, float] | None:
    """A followed metric (``rate``, with ``lo``/``hi`` when saved), None when absent."""
    check = audit.check(check_name)
    if check is None or not _num(check.metrics.get(metric)):
        return None
    m = check.metrics
    out = {"rate": float(m[metric])}
    if _num(m.get(f"{metric}_lo")) and _num(m.get(f"{metric}_hi")):
        out.update(lo=float(m[f"{metric}_lo"]), hi=float(m[f"{metric}_hi"]))
    return out


def noise_rate(audit: Audit) -> dict[str, float] | None:
    """The label-noise check's first declared diff metric, or None without it."""
    metrics = declared(NOISE_CHECK)
    return value(audit, NOISE_CHECK, metrics[0]) if metrics else None


def followed(old: Audit, new: Audit) -> list[dict[str, Any]]:
    """Every declared diff metric of the checks in either audit, old and new value."""
    names = list(dict.fromkeys([c.name for c in old.checks] + [c.name for c in new.checks]))
    return [{"check": name, "metric": metric, "old": value(old, name, metric),
             "new": value(new, name, metric)}
            for name in names for metric in declared(name)]


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
        "followed": followed(old, new),
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
