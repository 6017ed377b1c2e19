"""Hostile text: invisible and bidi characters are shown in every human-facing output."""

from __future__ import annotations

import sys
import unicodedata
import xml.etree.ElementTree as ET

import pandas as pd
from rich.console import Console

from tests.conftest import dataset, evidence_for
from tests.render.fixtures import full_audit
from tuneready.checks.schema import SchemaCheck
from tuneready.config.policy import load_policy
from tuneready.core.textsafe import FILLERS, HIDDEN_RANGES, visible
from tuneready.render import html, junit, markdown, terminal

TRICK = "invoice\u202eexe.pdf \u200bhidden\u2066x\u2069 tag\U000e0041 [red]bell\x07\x1b[2J"


def test_visible_shows_every_hidden_character_and_keeps_text() -> None:
    shown = visible(TRICK)
    for token in ("⟨U+202E⟩", "⟨U+200B⟩", "⟨U+2066⟩", "⟨U+2069⟩", "⟨U+E0041⟩", "⟨U+0007⟩",
                  "⟨U+001B⟩"):
        assert token in shown
    assert visible("line\n\ttab café ❤ 日本") == "line\n\ttab café ❤ 日本"
    assert visible("\ud800") == "⟨U+D800⟩"


def test_the_ranges_match_this_interpreters_unicode_tables() -> None:
    computed: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch in FILLERS:
            if computed and computed[-1][1] == cp - 1:
                computed[-1] = (computed[-1][0], cp)
            else:
                computed.append((cp, cp))
    assert _cover(list(HIDDEN_RANGES)) == _cover(computed), "Unicode tables changed: update " \
        "textsafe.HIDDEN_RANGES"


def _cover(ranges: list[tuple[int, int]]) -> set[int]:
    return {cp for a, b in ranges for cp in range(a, b + 1) if cp not in (9, 10)}


def _hostile_audit():
    audit = full_audit(n_flagged=3, n_clusters=2)
    audit.checks[1].findings[0].message = TRICK
    audit.checks[0].summary = TRICK
    audit.recommendation.reasons[0].message = TRICK
    return audit


def test_every_renderer_shows_the_tokens() -> None:
    audit = _hostile_audit()
    page = html.render(audit)
    assert "⟨U+202E⟩" in page and "\u202e" not in page and "\x1b" not in page
    md = markdown.render(audit)
    assert "⟨U+202E⟩" in md and "\u202e" not in md
    xml = junit.render(audit)
    ET.fromstring(xml.encode())
    assert "⟨U+202E⟩" in xml and "\u202e" not in xml
    console = Console(record=True, width=200, color_system=None)
    terminal.render(audit, console)
    text = console.export_text()
    assert "⟨U+202E⟩" in text and "\u202e" not in text and "[red]bell" in text  # not markup


def test_schema_counts_hidden_characters_in_training_text() -> None:
    frame = pd.DataFrame({"text": ["plain text here", "pay invoice\u202eexe.pdf now",
                                   "zero\u200bwidth", "windows line\r\nend"] * 5,
                          "label": ["a", "b"] * 10})
    data = dataset(frame)
    result = SchemaCheck().run(data, evidence_for(data), load_policy().for_check("schema"))
    finding = next(f for f in result.findings if f.code == "schema.invisible_characters")
    assert finding.n_rows == 10 and finding.rows[:2] == [2, 3]
    assert "U+202E" in finding.message and "U+200B" in finding.message


def test_notebook_repr_is_the_verdict_card_and_grid_escaped_without_script() -> None:
    audit = _hostile_audit()
    page = audit._repr_html_()
    assert "<script" not in page.replace("&lt;script", "")
    assert 'id="verdict"' in page and 'id="checks"' in page
    assert "⟨U+202E⟩" in page and "<style>" in page
    assert page.count("<table") == 1 and "Reproducibility" not in page
