"""`tuneready prices`: the price table in force, readable at 80 columns.

Three small tables (prompting, hosted fine-tuning, self-hosted GPUs), one row per offer with
its prices, a footnote number for its source page and read date, and its state on the day
(open, closing with the date, closed); then the GPUs and open models the training-compute
estimate uses, and the numbered sources. ``--verbose`` adds each entry's note (what was and
was not confirmed on the page) and its availability source, so stale, closing or unsourced
prices are visible before anyone relies on a cost comparison.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tuneready.core.textsafe import visible
from tuneready.decide.availability import CLOSED, CLOSING, status
from tuneready.decide.compute import gpus, open_models
from tuneready.decide.offers import Offer, load_prices, offers
from tuneready.render.extras import STALE_DAYS

SHORT = {"prompt_engineering": "prompt", "lora": "LoRA", "full_fine_tune": "full"}
STATE_STYLE = {CLOSED: "red", CLOSING: "yellow"}
FAMILIES = (("Prompting, US$ per 1M tokens", "prompt"),
            ("Hosted fine-tuning, US$ per 1M tokens (train: per token x epochs)", "hosted"),
            ("Self-hosted on rented GPUs (training hours estimated from the data)", "gpu"))
COLUMNS = {"prompt": ("input", "cached_input", "output"),
           "hosted": ("train", "tuned_input", "tuned_output", "hosting_month"),
           "gpu": ("gpu_hour",)}
HEAD = {"input": "in", "cached_input": "cached", "output": "out", "train": "train",
        "tuned_input": "in", "tuned_output": "out", "hosting_month": "host/mo",
        "gpu_hour": "$/GPU-h"}


def render_prices(console: Console, path: str | None = None, today: date | None = None,
                  verbose: bool = False) -> None:
    table_data = load_prices(path)
    entries = offers(table_data, path or "packaged price table")
    day = today or date.today()
    sources = _Sources()
    console.print(Text(visible(
        f"Price table {path or '(packaged)'}, version {table_data.get('version')}, of "
        f"{table_data.get('as_of') or 'no date'}; states on {day.isoformat()}; "
        "[n] = source below"), style="bold"))
    rows = _merged(entries)
    for title, family in FAMILIES:
        chosen = [(p, o) for p, o in rows if _family(o) == family]
        if chosen:
            console.print(_family_table(title, family, chosen, day, sources))
    for text in _warnings(entries, day):
        console.print(Text(visible(text), style="yellow"))
    console.print(_hardware(table_data, sources))
    console.print(Text("Sources (the page each figure was read from, and when):",
                       style="bold"))
    for number, (url, read) in sources.items():
        console.print(Text(visible(f"[{number}] {url} (read {read or '?'})")),
                      overflow="fold")
    if verbose:
        _print_notes(console, rows, table_data)


class _Sources(dict[int, tuple[str, str]]):
    """Numbered footnotes, one per distinct source URL and read date."""

    def ref(self, url: str, read: str) -> str:
        if not url:
            return "none"
        for number, known in self.items():
            if known == (url, read):
                return f"[{number}]"
        self[len(self) + 1] = (url, read)
        return f"[{len(self)}]"


def _merged(entries: list[Offer]) -> list[tuple[list[str], Offer]]:
    """One row per table entry: a GPU rented for LoRA and full fine-tunes alike is one row."""
    out: list[tuple[list[str], Offer]] = []
    for o in entries:
        for paths, first in out:
            if (first.kind, first.provider, first.model, first.gpu, first.prices, first.source) \
                    == (o.kind, o.provider, o.model, o.gpu, o.prices, o.source):
                paths.append(o.path)
                break
        else:
            out.append(([o.path], o))
    return out


def _family(o: Offer) -> str:
    if o.path == "prompt_engineering":
        return "prompt"
    return "gpu" if o.kind == "gpu" else "hosted"


def _family_table(title: str, family: str, rows: list[tuple[list[str], Offer]], day: date,
                  sources: _Sources) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, box=None,
                  pad_edge=False, header_style="bold", title_style="bold")
    if family != "prompt":
        table.add_column("path", no_wrap=True)
    table.add_column("offer", overflow="fold")
    if family == "gpu":
        table.add_column("GPU", overflow="fold")
    keys = COLUMNS[family]
    for key in keys:
        table.add_column(HEAD[key], justify="right", no_wrap=True)
    table.add_column("src", no_wrap=True)
    table.add_column("state", overflow="fold")
    for paths, o in rows:
        state = status(o, day).state
        cells = [] if family == "prompt" else ["+".join(SHORT[p] for p in paths)]
        cells.append(visible(o.provider if family == "gpu" else o.name))
        if family == "gpu":
            cells.append(visible(o.gpu or f"{_num(o, 'calls_per_gpu_month')} calls/month"))
        cells += [_num(o, k) for k in keys]
        cells.append(sources.ref(o.source, o.read))
        text = _state(o, state)
        if state != "open" and o.availability.get("source"):
            text += " " + sources.ref(o.availability["source"], o.availability.get("read", ""))
        table.add_row(*cells, Text(text, style=STATE_STYLE.get(state, "")))
    return table


def _num(o: Offer, key: str) -> str:
    return f"{o.prices[key]:g}" if key in o.prices else "-"


def _state(o: Offer, state: str) -> str:
    if state == "open":
        return "open"
    parts = []
    if o.jobs_until:
        parts.append(f"no jobs from {o.jobs_until}")
    if o.serving_until:
        parts.append(f"not served from {o.serving_until}")
    return f"{state}: " + "; ".join(parts)


def _warnings(entries: list[Offer], day: date) -> list[str]:
    out = []
    unsourced = sorted({o.name for o in entries if not (o.source and o.read)})
    if unsourced:
        out.append(f"{len(unsourced)} entries have no source page and read date: "
                   + ", ".join(unsourced))
    stale = sorted({o.name for o in entries if _age(o.as_of, day) > STALE_DAYS})
    if stale:
        out.append(f"older than 6 months on {day.isoformat()}: " + ", ".join(stale))
    for o in entries:
        new = o.availability.get("new_customers_until", "")
        if new and new <= day.isoformat() and status(o, day).state != CLOSED:
            out.append(f"{o.name}: closed to new customers since {new}")
    return list(dict.fromkeys(out))


def _hardware(table_data: dict[str, Any], sources: _Sources) -> Table:
    table = Table(title="GPUs and open models for the training-compute estimate",
                  title_justify="left", show_edge=False, box=None, pad_edge=False,
                  header_style="bold", title_style="bold")
    table.add_column("name", no_wrap=True)
    table.add_column("what", overflow="fold")
    table.add_column("src", no_wrap=True)
    for g in gpus(table_data).values():
        table.add_row(g.name, f"GPU: {g.bf16_tflops:g} dense BF16 TFLOPS, {g.vram_gb:g} GB",
                      sources.ref(g.source, g.read))
    for m in open_models(table_data).values():
        table.add_row(m.name, f"--model-size: {m.model}, {m.params / 1e9:.2f}B parameters",
                      sources.ref(m.source, m.read))
    return table


def _print_notes(console: Console, rows: list[tuple[list[str], Offer]],
                 table_data: dict[str, Any]) -> None:
    console.print(Text("Notes (--verbose):", style="bold"))
    for _, o in rows:
        console.print(Text(visible(f"- {o.name}: {o.note or o.via or 'no note'}")))
        if o.availability.get("note"):
            src = o.availability.get("source", "")
            console.print(Text(visible(f"  availability ({src}): {o.availability['note']}")))
    for g in gpus(table_data).values():
        console.print(Text(visible(f"- {g.name}: {g.note}")))
    for m in open_models(table_data).values():
        console.print(Text(visible(f"- {m.name}: {m.note}")))


def _age(as_of: str, day: date) -> int:
    try:
        return (day - date.fromisoformat(as_of)).days
    except ValueError:
        return 0
