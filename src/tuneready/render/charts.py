"""Chart geometry for the HTML report: plain data (shapes and texts), no markup, no escaping.

Charts are computed here as lists of SVG primitives (``Shape``) and drawn by one jinja macro in
``templates/charts.html.j2`` with autoescape on, so no data string ever reaches the page
unescaped. Every builder takes a check's table (a list of flat dicts, as in ``audit.json``) and
returns ``None`` when the table is absent or not in the expected shape: the generic table view
still shows the data, so an unexpected shape costs a picture, never the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH = 640
LABEL_W = 210          # left column for bar labels
NOTE_W = 120           # right column for numbers
ROW_H = 22
MAX_BARS = 20
ALLOWED_TAGS = {"rect", "line", "text", "circle", "polyline"}

Row = dict[str, Any]


@dataclass
class Shape:
    """One SVG element. ``tip`` becomes a ``<title>`` tooltip, ``text`` the element's text."""

    tag: str
    attrs: dict[str, str | int | float]
    text: str | None = None
    tip: str | None = None

    def __post_init__(self) -> None:
        if self.tag not in ALLOWED_TAGS:
            raise ValueError(f"unsupported SVG element {self.tag!r}")


@dataclass
class Chart:
    """An accessible chart: ``title`` and ``desc`` become the SVG's accessible name and text."""

    key: str
    title: str
    desc: str
    height: int
    shapes: list[Shape] = field(default_factory=list)
    note: str = ""
    width: int = WIDTH

    def __post_init__(self) -> None:
        # the key becomes part of element ids referenced by aria-labelledby: no spaces
        self.key = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in self.key)


@dataclass
class Bar:
    label: str
    value: float
    lo: float | None = None
    hi: float | None = None
    note: str = ""
    tone: str = "bar"   # css class: bar, warn, fail, muted
    tip: str = ""


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def num(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(1, count)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi - step * 1e-9:   # the last tick reaches or passes hi
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def clip(text: str, limit: int = 28) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _t(x: float, y: float, text: str, cls: str = "lbl", anchor: str = "start",
       tip: str | None = None) -> Shape:
    return Shape("text", {"x": round(x, 1), "y": round(y, 1), "class": cls,
                          "text-anchor": anchor}, text=text, tip=tip)


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> Shape:
    return Shape("line", {"x1": round(x1, 1), "y1": round(y1, 1), "x2": round(x2, 1),
                          "y2": round(y2, 1), "class": cls})


def hbars(key: str, title: str, bars: Sequence[Bar], fmt: Callable[[float], str] = num,
          ref: float | None = None, ref_label: str = "", more: int = 0,
          label_w: int = LABEL_W) -> Chart:
    """Horizontal bars (optionally with interval whiskers and a reference line)."""
    shown = list(bars)[:MAX_BARS]
    more += max(0, len(bars) - MAX_BARS)
    top = max([b.hi if b.hi is not None else b.value for b in shown] + [ref or 0, 1e-12])
    ticks = nice_ticks(0, top, 4)
    x0, x1 = label_w + 8, WIDTH - NOTE_W
    scale = (x1 - x0) / ticks[-1]
    y0 = 24
    height = y0 + ROW_H * len(shown) + 10
    shapes: list[Shape] = []
    for t in ticks:
        x = x0 + t * scale
        shapes.append(_line(x, y0 - 4, x, height - 8, "grid"))
        shapes.append(_t(x, y0 - 8, fmt(t), "tick", "middle"))
    for i, b in enumerate(shown):
        y = y0 + i * ROW_H
        w = max(0.0, b.value) * scale
        tip = b.tip or f"{b.label}: {fmt(b.value)}"
        shapes.append(_t(label_w, y + 15, clip(b.label, label_w // 7), "lbl", "end",
                         tip=b.label))
        shapes.append(Shape("rect", {"x": x0, "y": y + 4, "width": round(max(w, 1.0), 1),
                                     "height": ROW_H - 8, "class": b.tone}, tip=tip))
        if b.lo is not None and b.hi is not None:
            lo, hi = x0 + b.lo * scale, x0 + b.hi * scale
            mid = y + ROW_H / 2
            shapes += [_line(lo, mid, hi, mid, "whisker"), _line(lo, mid - 5, lo, mid + 5,
                       "whisker"), _line(hi, mid - 5, hi, mid + 5, "whisker")]
        shapes.append(_t(x1 + 8, y + 15, b.note or fmt(b.value), "num"))
    if ref is not None:
        x = x0 + ref * scale
        shapes.append(_line(x, y0 - 2, x, height - 8, "ref"))
    note = f"{more:,} more not drawn" if more else ""
    if ref is not None and ref_label:
        note = f"dashed line: {ref_label}" + (f"; {note}" if note else "")
    return Chart(key, title, _bars_desc(title, shown, fmt), height, shapes, note)


def _bars_desc(title: str, bars: Sequence[Bar], fmt: Callable[[float], str]) -> str:
    if not bars:
        return f"{title}: no data"
    hi = max(bars, key=lambda b: b.value)
    lo = min(bars, key=lambda b: b.value)
    return (f"{title}. {len(bars)} bars. Highest: {hi.label} at {fmt(hi.value)}; "
            f"lowest: {lo.label} at {fmt(lo.value)}.")


def histogram(key: str, title: str, rows: Sequence[Row], unit: str) -> Chart:
    """Vertical bars over [lo, hi) bins, x axis in ``unit``."""
    bins = [(float(r["lo"]), float(r["hi"]), float(r["count"])) for r in rows]
    if not bins:
        raise ValueError("no bins")
    x0, x1, y_top, y_base = 56, WIDTH - 16, 12, 170
    lo, hi = bins[0][0], max(b[1] for b in bins)
    span = (hi - lo) or 1.0
    ticks_y = nice_ticks(0, max(b[2] for b in bins) or 1, 4)
    ys = (y_base - y_top) / ticks_y[-1]
    shapes: list[Shape] = []
    for t in ticks_y:
        y = y_base - t * ys
        shapes += [_line(x0, y, x1, y, "grid"), _t(x0 - 6, y + 4, num(t), "tick", "end")]
    for b_lo, b_hi, count in bins:
        x = x0 + (b_lo - lo) / span * (x1 - x0)
        w = max(1.0, (b_hi - b_lo) / span * (x1 - x0) - 1)
        shapes.append(Shape("rect", {"x": round(x, 1), "y": round(y_base - count * ys, 1),
                                     "width": round(w, 1), "height": round(count * ys, 1),
                                     "class": "bar"},
                            tip=f"{num(b_lo)}–{num(b_hi)} {unit}: {num(count)} rows"))
    for t in nice_ticks(lo, hi, 6):
        if lo <= t <= hi:
            x = x0 + (t - lo) / span * (x1 - x0)
            shapes.append(_t(x, y_base + 16, num(t), "tick", "middle"))
    shapes.append(_t((x0 + x1) / 2, y_base + 34, unit, "axis", "middle"))
    peak = max(bins, key=lambda b: b[2])
    desc = (f"{title}. {len(bins)} bins from {num(lo)} to {num(hi)} {unit}; the most rows "
            f"({num(peak[2])}) fall between {num(peak[0])} and {num(peak[1])} {unit}.")
    return Chart(key, title, desc, y_base + 42, shapes)


def curve(key: str, title: str, rows: Sequence[Row]) -> Chart:
    """Learning curve: observed proxy score by training size, and the fitted curve."""
    pts = sorted((float(r["n"]), float(r["score"]), _opt(r.get("fit"))) for r in rows)
    pts = [p for p in pts if p[0] > 0]
    if len(pts) < 2:
        raise ValueError("too few points")
    log = pts[-1][0] / pts[0][0] > 4   # subsamples usually grow geometrically
    tx: Callable[[float], float] = math.log10 if log else (lambda v: v)
    x0, x1, y_top, y_base = 56, WIDTH - 24, 12, 190
    xa, xb = tx(pts[0][0]), tx(pts[-1][0])
    vals = [p[1] for p in pts] + [p[2] for p in pts if p[2] is not None]
    ticks_y = nice_ticks(max(0.0, min(vals) - 0.05), min(1.0, max(vals) + 0.02), 4)
    ya, yb = ticks_y[0], ticks_y[-1]

    def px(v: float) -> float:
        return x0 + (tx(v) - xa) / ((xb - xa) or 1) * (x1 - x0)

    def py(v: float) -> float:
        return y_base - (v - ya) / ((yb - ya) or 1) * (y_base - y_top)

    shapes: list[Shape] = []
    for t in ticks_y:
        shapes += [_line(x0, py(t), x1, py(t), "grid"), _t(x0 - 6, py(t) + 4, f"{t:.2f}",
                                                           "tick", "end")]
    last_x = -1e9
    for n, _, _ in pts:
        if px(n) - last_x >= 40:          # skip labels that would overlap
            shapes.append(_t(px(n), y_base + 16, num(n), "tick", "middle"))
            last_x = px(n)
    fit = [(n, f) for n, _, f in pts if f is not None]
    if len(fit) >= 2:
        shapes.append(Shape("polyline", {"points": " ".join(f"{px(n):.1f},{py(f):.1f}"
                                                            for n, f in fit), "class": "fit"}))
    for n, s, _ in pts:
        shapes.append(Shape("circle", {"cx": round(px(n), 1), "cy": round(py(s), 1), "r": 4,
                                       "class": "dot"}, tip=f"{num(n)} examples: {s:.3f}"))
    shapes.append(_t((x0 + x1) / 2, y_base + 34, "training examples" + (" (log scale)"
                                                                        if log else ""),
                     "axis", "middle"))
    first, last = pts[0], pts[-1]
    desc = (f"{title}. Proxy score rises from {first[1]:.3f} at {num(first[0])} examples to "
            f"{last[1]:.3f} at {num(last[0])} examples.")
    note = "dots: measured score; line: fitted curve" if len(fit) >= 2 else ""
    return Chart(key, title, desc, y_base + 42, shapes, note)


def _opt(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def _f(v: Any) -> float | None:
    """A finite float, or None for missing/NaN/non-numeric values."""
    try:
        return _opt(v)
    except (TypeError, ValueError):
        return None


def _tone(status: Any) -> str:
    """Grey out groups too small to judge; a group's other statuses are not per metric."""
    return "muted" if str(status or "").lower().startswith("insufficient") else "bar"


# --- builders for known tables: (check, table) -> Chart | None -----------------------------

def size_classes(rows: Sequence[Row]) -> Chart:
    ordered = sorted(rows, key=lambda r: -float(r["count"]))
    bars = [Bar(str(r["label"]), float(r["count"]),
                note=f"{num(float(r['count']))} ({pct(float(r['share']))})"
                if _f(r.get("share")) is not None else "") for r in ordered]
    return hbars("classes", "Examples per class", bars)


def noise_by_class(rows: Sequence[Row]) -> Chart:
    ordered = sorted(rows, key=lambda r: -float(r["rate"]))
    bars = [Bar(str(r["label"]), float(r["rate"]), _f(r.get("rate_lo")), _f(r.get("rate_hi")),
                note=f"{pct(float(r['rate']))} of {num(float(r.get('n', 0) or 0))}",
                tip=_interval_tip(r, "rate", "rate_lo", "rate_hi")) for r in ordered]
    total_n = sum(float(r.get("n") or 0) for r in rows)
    flagged = sum(float(r.get("flagged") or 0) for r in rows)
    ref = flagged / total_n if total_n and all("flagged" in r for r in rows) else None
    return hbars("by_class", "Share of rows flagged as mislabelled, by given label", bars, pct,
                 ref=ref, ref_label=f"overall {pct(ref)}" if ref is not None else "")


def _interval_tip(r: Row, v: str, lo: str, hi: str) -> str:
    name = r.get("label", r.get("group", ""))
    base = f"{name}: {pct(float(r[v]))}"
    if _f(r.get(lo)) is not None and _f(r.get(hi)) is not None:
        base += f" (95% interval {pct(float(r[lo]))} to {pct(float(r[hi]))})"
    return base


def confused_pairs(rows: Sequence[Row]) -> Chart:
    ordered = sorted(rows, key=lambda r: -float(r["count"]))
    bars = [Bar(f"{r['given']} → {r['likely']}", float(r["count"]),
                tip=f"given {r['given']}, likely {r['likely']}: {num(float(r['count']))} rows")
            for r in ordered]
    return hbars("confused_pairs", "Most frequent given → likely label swaps", bars,
                 label_w=300)


def bias_groups(rows: Sequence[Row]) -> list[Chart]:
    """Per attribute: error rate by group with error bars (else share) and the overall rate."""
    charts = []
    attrs = list(dict.fromkeys(str(r.get("attribute", "group")) for r in rows))
    for attr in attrs:
        sub = [r for r in rows if str(r.get("attribute", "group")) == attr]
        for value, lo, hi, what in (("error_rate", "error_lo", "error_hi", "proxy error rate"),
                                    ("noise_rate", "noise_lo", "noise_hi",
                                     "share of rows flagged as mislabelled"),
                                    ("share", "share_lo", "share_hi", "share of rows")):
            usable = [r for r in sub if _f(r.get(value)) is not None]
            if not usable:
                continue
            bars = [Bar(str(r["group"]), float(r[value]), _f(r.get(lo)), _f(r.get(hi)),
                        note=f"{pct(float(r[value]))}, n={num(float(r.get('n') or 0))}",
                        tone=_tone(r.get("status")),
                        tip=_interval_tip(r, value, lo, hi)) for r in usable]
            weights = [float(r.get("n") or 0) for r in usable]
            total = float(sum(weights))
            ref: float | None = None
            ref_label = "overall"
            if value != "share" and total > 0:
                ref = sum(w * b.value for w, b in zip(weights, bars, strict=True)) / total
            expected = {_f(r.get("expected_share")) for r in usable}
            if value == "share" and len(expected) == 1 and None not in expected:
                ref, ref_label = expected.pop(), "expected"
            charts.append(hbars(f"groups-{attr}-{value}", f"{attr}: {what} by group, with 95% "
                                "intervals", bars, pct, ref=ref,
                                ref_label=f"{ref_label} {pct(ref)}" if ref is not None else ""))
    return charts


def openings(rows: Sequence[Row]) -> Chart:
    ordered = sorted(rows, key=lambda r: -float(r["count"]))
    bars = [Bar(str(r["opening"]), float(r["count"]),
                note=f"{num(float(r['count']))} ({pct(float(r['share']))})"
                if _f(r.get("share")) is not None else "") for r in ordered]
    return hbars("openings", "Most common ways rows begin", bars)


def clusters(rows: Sequence[Row]) -> Chart:
    ordered = sorted(rows, key=lambda r: -float(r["size"]))
    bars = [Bar(str(r.get("example") or f"cluster {r.get('cluster')}"), float(r["size"]),
                note=f"{num(float(r['size']))} rows",
                tip=f"cluster {r.get('cluster')}: {num(float(r['size']))} near-identical rows")
            for r in ordered]
    return hbars("clusters", "Largest clusters of near-duplicate rows", bars, label_w=320)


def coverage_gaps(rows: Sequence[Row]) -> Chart:
    """Reference (production) inputs whose nearest training row is least similar."""
    ordered = sorted(rows, key=lambda r: float(r["nearest_similarity"]))
    bars = [Bar(str(r.get("input") or f"row {r.get('reference_row_id')}"),
                float(r["nearest_similarity"]), note=f"{float(r['nearest_similarity']):.2f}",
                tip=f"reference row {r.get('reference_row_id')}: nearest training row at "
                    f"similarity {float(r['nearest_similarity']):.2f}") for r in ordered]
    return hbars("coverage_gaps", "Reference inputs least covered by the training data "
                 "(similarity of the nearest training row)", bars, lambda v: f"{v:.2f}",
                 label_w=320)


#: chart kind -> builder (a check declares which of its tables are drawn with which kind, in its
#: ``SPEC.charts``); bias groups yields several charts
KINDS: dict[str, Callable[[Sequence[Row]], Chart | list[Chart]]] = {
    "size_classes": size_classes,
    "token_histogram": lambda rows: histogram(
        "token_histogram", "Tokens per row", rows, "tokens"),
    "noise_by_class": noise_by_class,
    "confused_pairs": confused_pairs,
    "bias_groups": bias_groups,
    "learning_curve": lambda rows: curve(
        "learning_curve", "Learning curve of the proxy model", rows),
    "length_histogram": lambda rows: histogram(
        "length_histogram", "Input length", rows, "words per input"),
    "openings": openings,
    "coverage_gaps": coverage_gaps,
    "clusters": clusters,
}


def charts_for(tables: dict[str, list[Row]], kinds: Mapping[str, str]) -> dict[str, list[Chart]]:
    """Charts per table name for one check, whose ``kinds`` (table -> chart kind) its spec
    declares; a table in an unexpected shape gets none."""
    out: dict[str, list[Chart]] = {}
    for table, kind in kinds.items():
        rows = tables.get(table)
        if not rows:
            continue
        build = KINDS[kind]  # an undeclared kind is a programming error, not a data shape
        try:
            made = build(rows)
        except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        charts = made if isinstance(made, list) else [made]
        if charts:
            out[table] = charts
    return out
