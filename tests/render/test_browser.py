"""The report in a real browser: no console errors, no network request, a screenshot.

Headless Chromium is driven over the DevTools protocol (``tests/render/browser.py``). The
test skips, with the reason, only where no Chromium binary is installed (``.ci/run`` installs
the Debian ``chromium`` package when it can). Negative controls prove the detectors work: a
page that throws and a page that fetches an image are caught.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.render.browser import Browser, find_chromium
from tests.render.fixtures import full_audit
from tuneready.render import html

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary installed "
                                "(apt-get install chromium, or set TUNEREADY_CHROMIUM)")


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as b:
        yield b


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def test_report_loads_clean_offline_and_screenshots(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(full_audit()), encoding="utf-8")
    report = browser.load(page)
    assert report.console_errors == []
    assert report.requests == []
    assert report.title.startswith("tuneready: data/<script>")   # escaped text, not markup
    dialogs = [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert dialogs == []                                           # the planted alert() never ran
    assert browser.evaluate("document.querySelectorAll('svg[role=img]').length") == 12
    assert browser.evaluate("document.querySelector('h2').textContent").startswith("Verdict")
    top = browser.screenshot(tmp_path / "top.png")
    section = browser.screenshot(tmp_path / "noise.png", "#check-label_noise")
    assert _png_size(top) == (browser.width, browser.height)
    assert _png_size(section)[1] > 300 and section.stat().st_size > 10_000


def test_print_opens_every_expander(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(full_audit()), encoding="utf-8")
    browser.load(page)
    closed = "document.querySelectorAll('details:not([open])').length"
    assert browser.evaluate(closed) > 0
    browser.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert browser.evaluate(closed) == 0
    browser.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert browser.evaluate(closed) > 0


def test_detectors_catch_errors_and_requests(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><title>bad</title><img src="http://127.0.0.1:9/x.png">'
                    '<script>throw new Error("boom")</script>', encoding="utf-8")
    report = browser.load(page)
    assert any("127.0.0.1:9" in url for url in report.requests)
    assert any("boom" in e for e in report.console_errors)
