"""Data with <script>, quotes and HTML entities is escaped in every output format."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render.fixtures import HOSTILE, full_audit
from tuneready.render import html, junit, markdown

VISIBLE = HOSTILE.replace("\x07", "⟨U+0007⟩")   # control characters are shown, not kept


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def test_html_escapes_every_slot() -> None:
    page = html.render(full_audit())
    parser = Scripts()
    parser.feed(page)
    assert parser.scripts == 1                       # ours only; data never opens a script
    assert page.count("<script>") == 1
    assert "alert(" not in page.replace("&lt;script&gt;alert(", "")
    assert "&amp;amp;" in page                       # an entity in data stays literal text
    text = "".join(parser.texts)
    # the hostile string comes back verbatim as text in many places: title, path, findings,
    # table cells, chart labels and tooltips, error, reasons, command, mapping, notes
    assert text.count(VISIBLE) >= 10 and HOSTILE not in text
    for match in re.finditer(r'(?:title|aria-label|content)="([^"]*)"', page):
        assert "<" not in match.group(1)


def test_markdown_escapes_html_and_table_syntax() -> None:
    md = markdown.render(full_audit())
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "&amp;amp;" in md
    for line in md.splitlines():
        if line.startswith("| ") and "---" not in line:
            unescaped = re.findall(r"(?<!\\)\|", line)
            header_cols = 4
            assert len(unescaped) == header_cols + 1, line
    assert "\\*star\\*" in md                         # no accidental emphasis


def test_junit_is_well_formed_and_round_trips_text() -> None:
    xml = junit.render(full_audit())
    root = ET.fromstring(xml.encode("utf-8"))
    error = root.find(".//testcase[@name='broken']/error")
    assert error is not None and error.get("message") == f"RuntimeError: {VISIBLE}"
    failure = root.find(".//testcase[@name='bias']/failure")
    assert failure is not None and VISIBLE in (failure.text or "")
    assert "<script>" not in xml


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_stays_text(text: str) -> None:
    """Arbitrary text (control characters, surrogates aside) in any slot never breaks out."""
    audit = full_audit(n_flagged=3, n_clusters=2)
    audit.checks[0].summary = text
    audit.checks[1].findings[0].message = text
    audit.checks[2].tables["flagged"][0]["input"] = text
    audit.recommendation.reasons[0].message = text
    ET.fromstring(junit.render(audit).encode("utf-8"))        # always well-formed
    md = markdown.render(audit)
    assert "<" not in md.replace("<sub>", "").replace("</sub>", "")
    page = html.render(audit)
    parser = Scripts()
    parser.feed(page)
    assert parser.scripts == 1
