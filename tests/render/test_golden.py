"""Golden files: each renderer's output for the fixed ``full_audit()`` fixture.

Markdown and JUnit are compared exactly; HTML by structure (its outline of headings, chart
titles and table shapes), so styling can change without touching the goldens while any
change of content or order shows up as a diff. After an intended change, regenerate with
``TUNEREADY_UPDATE_GOLDEN=1 pytest tests/render/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.render.fixtures import full_audit
from tuneready.render import html, junit, markdown
from tuneready.render.json import load, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TUNEREADY_UPDATE_GOLDEN") == "1"


class Structure(HTMLParser):
    """Headings, chart titles, and per table its column headers and row count."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._capture: str | None = None
        self._buf: list[str] = []
        self._rows = 0
        self._cols: list[str] = []
        self._in_th = False
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "figcaption") or (tag == "title" and self.items):
            self._capture, self._buf = tag, []
        elif tag == "section":
            self.items.append(f"section#{dict(attrs).get('id')}")
        elif tag == "table":
            self._rows, self._cols = 0, []
        elif tag == "tr":
            self._rows += 1
        elif tag == "thead":
            self._in_head = True
        elif tag == "th" and self._in_head:
            self._in_th, self._buf = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._capture:
            self.items.append(f"{tag}: {' '.join(''.join(self._buf).split())}")
            self._capture = None
        elif tag == "th" and self._in_th:
            self._cols.append(" ".join("".join(self._buf).split()))
            self._in_th = False
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.items.append(f"table {self._cols} x {self._rows - 1}")

    def handle_data(self, data: str) -> None:
        if self._capture or self._in_th:
            self._buf.append(data)


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"golden {name} missing; run with TUNEREADY_UPDATE_GOLDEN=1")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed"


def test_markdown_golden() -> None:
    _check("full_audit.md", markdown.render(full_audit(), html_name="report.html"))


def test_junit_golden() -> None:
    _check("full_audit.junit.xml", junit.render(full_audit()))


def test_html_structure_golden() -> None:
    parser = Structure()
    parser.feed(html.render(full_audit()))
    _check("full_audit.html-outline.json", json.dumps(parser.items, indent=1,
                                                      ensure_ascii=False) + "\n")


def test_json_round_trip_by_value() -> None:
    audit = full_audit()
    again = load(render(audit))
    assert json.loads(render(again)) == json.loads(render(audit))
    assert html.render(again) == html.render(audit)      # renderers work from saved audits
