"""A tiny Chrome DevTools Protocol client: load a report in headless Chromium and watch it.

Used by the browser tests (console errors, network requests, key presses, downloads,
screenshots) and to regenerate the committed screenshots under ``reports/examples/``:

    python -m tests.render.browser reports/examples/demo.html reports/examples

Only the page target is watched, so the browser's own housekeeping traffic (switched off by
flags anyway) is not counted as the report's.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--remote-debugging-port=0"]


def find_chromium() -> str | None:
    for name in (os.environ.get("TUNEREADY_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class PageReport:
    """What happened while the page loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    title: str = ""


class Browser:
    """Headless Chromium driven over its DevTools websocket (``websockets`` sync client)."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900) -> None:
        self.binary, self.width, self.height = binary, width, height
        self._tmp = tempfile.TemporaryDirectory(prefix="tuneready-chromium-",
                                                ignore_cleanup_errors=True)
        self._proc: subprocess.Popen[bytes] | None = None
        self._ws: Any = None
        self._stack = contextlib.ExitStack()
        self._id = 0
        self.session = ""
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        from websockets.sync.client import connect

        profile = Path(self._tmp.name)
        self._proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={profile}",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.__exit__()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port, path = port_file.read_text().split()[:2]
        self._ws = self._stack.enter_context(
            connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30))
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": self.height, "deviceScaleFactor": 1,
            "mobile": False}, session=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._tmp.cleanup()

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = False,
             timeout: float = 60) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self._ws.send(json.dumps(message))
        while True:
            reply = json.loads(self._ws.recv(timeout=timeout))
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for seen in self.events:
            if seen.get("method") == event:
                return seen
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(event)
            message = json.loads(self._ws.recv(timeout=left))
            self.events.append(message)
            if message.get("method") == event:
                return message

    def load(self, path: Path, settle: float = 0.5, reload: bool = False) -> PageReport:
        """Open a local file (or reload it) and report console errors and every request it
        made."""
        self.events.clear()
        if reload:
            self.send("Page.reload", {"ignoreCache": True}, session=True)
        else:
            self.send("Page.navigate", {"url": path.resolve().as_uri()}, session=True)
        self.wait_for("Page.loadEventFired")
        self.pump(settle)   # let late errors (CSP, scripts) arrive
        return self.report(path)

    def pump(self, seconds: float) -> None:
        """Collect the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.events.append(json.loads(self._ws.recv(timeout=deadline
                                                            - time.monotonic())))
            except TimeoutError:
                break

    def press(self, key: str) -> None:
        """One key press as a person makes it (key down, the character, key up), sent to
        whatever has the focus: a letter or digit, or ``ArrowLeft``/``ArrowRight``/``Tab``/
        ``Enter``."""
        named = {"ArrowLeft": 37, "ArrowRight": 39, "Tab": 9, "Enter": 13, "Escape": 27}
        if key in named:
            params: dict[str, Any] = {"key": key, "code": key,
                                      "windowsVirtualKeyCode": named[key]}
        else:
            code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
            params = {"key": key, "code": code, "windowsVirtualKeyCode": ord(key.upper())}
        text = {} if key in named and key != "Enter" else {"text": "\r" if key == "Enter"
                                                            else key}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **params, **text}, session=True)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **params}, session=True)

    def download_to(self, folder: Path) -> None:
        """Let the page download files into ``folder`` (and report their progress)."""
        self.send("Browser.setDownloadBehavior", {"behavior": "allow", "eventsEnabled": True,
                                                  "downloadPath": str(folder)})

    def wait_download(self, timeout: float = 30) -> Path:
        """The path of the next completed download."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events:
                p = e.get("params", {})
                if e.get("method") == "Browser.downloadProgress" and p.get("state") == \
                        "completed":
                    return Path(p["filePath"])
            self.pump(0.2)
        raise TimeoutError("no download completed")

    def report(self, path: Path) -> PageReport:
        """Console errors and requests among the events collected since the last load."""
        report = PageReport(title=self.evaluate("document.title"))
        document = path.resolve().as_uri()
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                report.console_errors.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                report.console_errors.append(json.dumps(p.get("args", []))[:500])
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                report.console_errors.append(p["entry"].get("text", "")[:500])
            elif method == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if url != document and not url.startswith("data:"):
                    report.requests.append(url)
        return report

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True}, session=True)
        return result.get("result", {}).get("value")

    def screenshot(self, out: Path, selector: str | None = None, max_height: int = 1400) -> Path:
        """PNG of the top of the page, or of the element matching ``selector``."""
        x, y, w, h = 0.0, 0.0, float(self.width), float(self.height)
        if selector:
            box = self.evaluate(
                f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, "
                "r.width, r.height]; })()")
            x, y, w, h = box[0] - 8, box[1] - 8, box[2] + 16, min(box[3] + 16, max_height)
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": max(0.0, x), "y": max(0.0, y), "width": w, "height": h,
                     "scale": 1}}, session=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))
        return out


def main(argv: list[str]) -> int:
    """Screenshot a report: the top of the page and one check section; with a review panel,
    the panel at 1280 and at 390 px wide after answering its first rows (the demo's from
    its known truth, ``answer_demo_rows``)."""
    html, folder = Path(argv[0]), Path(argv[1])
    section = argv[2] if len(argv) > 2 else "#check-label_noise"
    binary = find_chromium()
    if binary is None:
        print("chromium not found", file=sys.stderr)
        return 2
    with Browser(binary, height=1200) as browser:   # the verdict banner and the checks grid
        report = browser.load(html)
        print(f"console errors: {report.console_errors}; requests: {report.requests}")
        browser.screenshot(folder / f"{html.stem}-top.png")
        if not browser.evaluate(f"!!document.querySelector({json.dumps(section)})"):
            section = "section.check"
        browser.screenshot(folder / f"{html.stem}-check.png", section)
        if browser.evaluate("!!document.getElementById('review-data')"):
            review_shots(browser, html, folder)
    return 0


#: rows of the demo's review sample the example screenshots show answered
SHOWN_ANSWERS = 38


def review_shots(browser: Browser, html: Path, folder: Path) -> None:
    """The review panel at 1280 and at 390 px wide, ``SHOWN_ANSWERS`` rows answered."""
    answer_demo_rows(browser, SHOWN_ANSWERS)
    browser.screenshot(folder / f"{html.stem}-review.png", "#review")
    browser.send("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}, session=True)
    browser.evaluate("document.getElementById('review').scrollIntoView()")
    box = browser.evaluate("(() => { const r = document.getElementById('review')"
                           ".getBoundingClientRect(); return [r.top + scrollY, r.height]; })()")
    shot = browser.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": box[0] - 8, "width": 390, "height": min(box[1] + 16, 1800),
                 "scale": 1}}, session=True)
    (folder / f"{html.stem}-review-390.png").write_bytes(base64.b64decode(shot["data"]))


def answer_demo_rows(browser: Browser, n: int) -> None:
    """Answer the panel's first ``n`` rows by keyboard as a reviewer who knows the demo's
    truth would (``_truth_intent`` of ``tuneready/data/demo.jsonl``, by row id = line)."""
    from tuneready.data.demo import packaged_path

    truth = {i: json.loads(line)["_truth_intent"] for i, line in
             enumerate(packaged_path().read_text("utf-8").splitlines(), start=1)}
    data = json.loads(browser.evaluate("document.getElementById('review-data').textContent"))
    browser.evaluate("document.getElementById('review').scrollIntoView()")
    for row in data["rows"][:n]:
        cells = row["cells"]
        right = truth[int(cells["row_id"])]
        browser.press("c" if right == cells["given_label"] else
                      str(data["labels"].index(right) + 1))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
