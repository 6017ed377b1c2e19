"""The review panel in a real browser: a person reviews the sample by keyboard, a reload keeps
the answers, the page downloads review.csv, and ``tuneready audit --review`` on that file gives
the numbers the panel showed; no network request, no console error.

Headless Chromium over the DevTools protocol (``tests/render/browser.py``); skipped, with the
reason, where no Chromium binary is installed (CI installs it). The formulas are checked first
on their own (the page's JavaScript against the Python for many partial answer sets), then end
to end on the demo data set (labels, answered from its known truth) and on a small chat set
(free-form answers).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.render.browser import Browser, find_chromium
from tests.render.review_fixtures import label_audit
from tuneready.cli import app
from tuneready.render import html

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary installed "
                                "(apt-get install chromium, or set TUNEREADY_CHROMIUM)")
runner = CliRunner()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as b:
        yield b


def js(browser: Browser, expression: str) -> Any:
    """The value of a JavaScript expression, through JSON (exact doubles both ways)."""
    text = browser.evaluate(f"JSON.stringify({expression})")
    return json.loads(text)


def audit(path: Path, out: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["audit", str(path), "--out", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return json.loads((out / "audit.json").read_text("utf-8"))


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["name"] == name)


def flagged(folder: Path, name: str) -> list[dict[str, str]]:
    rows = csv.DictReader((folder / "flagged.csv").read_text("utf-8").splitlines())
    return [r for r in rows if r["check"] == name]


def effective(report: dict[str, Any], replaced: str, rows: set[int]) -> int:
    """``decide.effective_size`` over the report's exclusions, ``replaced``'s taken as
    ``rows``: distinct rows minus every row another check excluded."""
    size = check(report, "size")
    removed: set[int] = set()
    for c in report["checks"]:
        if c["name"] != "size":
            removed |= rows if c["name"] == replaced else set(c["excluded_rows"])
    return int(size["metrics"]["distinct_n"]) - len(removed - set(size["excluded_rows"]))


def open_panel(browser: Browser, page: Path, reload: bool = False) -> None:
    report = browser.load(page, reload=reload)
    assert report.console_errors == [] and report.requests == []
    browser.evaluate("document.getElementById('review').scrollIntoView()")


def press(browser: Browser, keys: list[str]) -> None:
    for key in keys:
        browser.press(key)


def download(browser: Browser) -> Path:
    """Press the download button by keyboard (focus it, Enter) and wait for the file."""
    browser.events.clear()
    browser.evaluate("[...document.querySelectorAll('.rv-tools button')]"
                     ".find(b => b.textContent.includes('Download')).focus()")
    browser.press("Enter")
    return browser.wait_download()


def test_the_pages_formulas_are_pythons(browser: Browser, tmp_path: Path) -> None:
    """The estimate, the two precisions and the number formats, for many partial answer sets:
    the same doubles and the same strings in the page as in Python."""
    from tuneready.checks.answers.acting import precision_of
    from tuneready.core.precision import Precision
    from tuneready.evidence.review import Stratum, estimate
    from tuneready.evidence.stats import wilson, z_of
    from tuneready.io.csvsafe import to_csv

    page = tmp_path / "report.html"
    page.write_text(html.render(label_audit()), encoding="utf-8")
    report = browser.load(page)
    assert report.console_errors == [] and report.requests == []
    cases = [(f, u, sf, wf, su, wu) for f, u in ((20, 82), (96, 1409), (7, 0), (0, 50),
                                                    (112, 1393))
             for sf in sorted({0, 1, min(f, 3), min(f, 10), f})
             for wf in sorted({0, sf // 2, sf}) for su in sorted({0, 1, min(u, 10), u})
             for wu in sorted({0, su // 3, su})]
    got = js(browser, f"{json.dumps(cases)}.map(c => window.tunereadyReview.estimate("
                      "{size: c[0], reviewed: c[2], wrong: c[3]}, "
                      "{size: c[1], reviewed: c[4], wrong: c[5]}))")
    for (f, u, sf, wf, su, wu), page_est in zip(cases, got, strict=True):
        est = estimate(Stratum(f, sf, wf), Stratum(u, su, wu))
        assert [page_est["rate"], page_est["lower"], page_est["upper"], page_est["usable"]] == \
            [est.rate, est.lower, est.upper, est.usable], (f, u, sf, wf, su, wu)
    z = z_of(0.95)
    counts = [(k, n) for n in range(1, 41) for k in range(n + 1)]
    got = js(browser, f"{json.dumps(counts)}.map(c => [window.tunereadyReview.precisionOf("
                      f"Array(c[0]).fill('defect').concat(Array(c[1] - c[0]).fill('ok')), {z}),"
                      f" window.tunereadyReview.wilson(c[0], c[1], {z})])")
    for (k, n), (answers, interval) in zip(counts, got, strict=True):
        p = precision_of("refusal", ["defect"] * k + ["ok"] * (n - k))   # acting.py
        assert [answers["value"], answers["lo"], answers["hi"], answers["text"]] == \
            [p.value, p.lo, p.hi, p.text()], (k, n)
        lo, hi = wilson(k, n)                                            # flags.py
        assert interval == [float(lo), float(hi)]
        assert Precision("measured", value=k / n, lo=float(lo), hi=float(hi),
                         reviewed=n).text().startswith("precision on your data")
    values = [0.125, 0.375, 0.625, 0.875, 0.0625, 0.005, 0.015, 0.025, 0.045, 2.5 / 100,
              0.8125, 1 / 3, 2 / 3, 0.0, 1.0, 0.99999, 0.12345] + [k / n for k, n in counts]
    got = js(browser, f"{json.dumps(values)}.map(x => [window.tunereadyReview.pyFixed(x, 2),"
                      " window.tunereadyReview.pyFixed(x * 100, 1) + '%'])")
    assert got == [[f"{x:.2f}", f"{x:.1%}"] for x in values]
    cells = ["=1+2", "+x", "-3", "@a", "\tx", "a,b", 'a"b', "two\nlines", "", "plain",
             752, None, "'kept", "-", "ünï ⟨U+202E⟩"]
    line = js(browser, f"{json.dumps(cells)}.map(window.tunereadyReview.csvCell).join(',')")
    assert line + "\n" == to_csv(["h"] * len(cells), [cells]).split("\n", 1)[1]
    # a carriage return is quoted (Python's writer leaves a lone one bare, which a reader
    # takes for a line end); the panel's cells never hold one anyway (made visible)
    assert js(browser, "window.tunereadyReview.csvCell('a\\rb')") == '"a\rb"'


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """The demo data set audited as a user does (``tuneready audit``), and its truth."""
    from tuneready.data.demo import packaged_path

    path = packaged_path()
    out = tmp_path_factory.mktemp("demo") / "report"
    return path, out, audit(path, out)


def truth_of(path: Path) -> dict[int, str]:
    """Row id (the line) -> the intent the demo generator meant (``_truth_intent``)."""
    return {i: json.loads(line)["_truth_intent"]
            for i, line in enumerate(path.read_text("utf-8").splitlines(), start=1)}


def label_keys(rows: list[dict[str, Any]], labels: list[str], truth: dict[int, str],
               skip: tuple[int, ...] = ()) -> list[str]:
    """The key a reviewer who knows the truth presses for each row: c when the given label
    is right, else the right label's number; s to skip."""
    keys = []
    for i, r in enumerate(rows):
        right = truth[r["row_id"]]
        keys.append("s" if i in skip else "c" if right == r["given_label"]
                    else str(labels.index(right) + 1))
    return keys


def assert_labels_match(shown: dict[str, Any], metrics: dict[str, Any]) -> None:
    """The panel's label numbers are the reviewed audit's."""
    f, u, est = shown["flagged"], shown["unflagged"], shown["estimate"]
    assert metrics["review_answered"] == f["reviewed"] + u["reviewed"]
    assert metrics["review_relabelled"] == shown["relabelled"]
    assert metrics["review_usable"] == est["usable"]
    assert [metrics["review_rate"], metrics["review_rate_lo"], metrics["review_rate_hi"]] == \
        [round(est[k], 4) for k in ("rate", "lower", "upper")]
    assert [metrics["review_flag_precision"], metrics["review_flag_precision_lo"],
            metrics["review_flag_precision_hi"]] == [round(v, 4) for v in shown["flags"]]
    if est["usable"]:
        b = shown["inForce"]
        assert metrics["range_basis"] == "review"
        assert [metrics["noise_rate"], metrics["noise_rate_lo"], metrics["noise_rate_hi"]] == \
            [round(b[k], 4) for k in ("point", "lower", "upper")]
    for t in shown["types"]:
        name = t["type"].rsplit(".", 1)[1]
        if t["precision"] is not None:
            assert metrics[f"precision_{name}"] == t["precision"]["text"]
        else:
            assert metrics[f"precision_{name}"].startswith("unmeasured here")


def expected_label_cut(before: Path, rows: list[dict[str, Any]], answers: dict[int, str],
                       shown: dict[str, Any]) -> set[int]:
    """The rows the panel says leave: conflicts (certain), the rows relabelled, and the
    unanswered rows of every type it says acts."""
    kinds = {int(r["row_id"]): r["type"] for r in flagged(before, "label_noise")}
    given = {r["row_id"]: r["given_label"] for r in rows}
    cut = {r for r, k in kinds.items() if k == "label_noise.conflict"}
    cut |= {r for r, label in answers.items() if label != given[r]}
    for t in shown["types"]:
        if t["acts"]:
            cut |= {r for r, k in kinds.items() if k == t["type"] and r not in answers}
    return cut


def test_the_demo_sample_is_reviewed_in_the_page(browser: Browser, demo, tmp_path: Path
                                                 ) -> None:
    path, out, before = demo
    page = out / "report.html"
    noise = check(before, "label_noise")
    rows = noise["tables"]["review_sample"]
    labels = [r["label"] for r in noise["tables"]["by_class"]]
    truth = truth_of(path)
    assert len(rows) == noise["metrics"]["review_rows"] == 102
    browser.download_to(tmp_path)
    open_panel(browser, page)
    # first sitting: 40 rows by keyboard, two of them skipped; back one row and on again
    first = label_keys(rows[:40], labels, truth, skip=(5, 9))
    press(browser, first)
    assert browser.evaluate("document.querySelector('.rv-count').textContent") == \
        "40 of 102 answered (2 skipped)"
    press(browser, ["ArrowLeft"])
    assert browser.evaluate("document.getElementById('rv-row-h').textContent").startswith(
        f"Row {rows[39]['row_id']} ")
    press(browser, ["j"])
    shown = js(browser, "window.tunereadyReview.summary().label")
    text = browser.evaluate("window.tunereadyReview.csv()")
    # a reload keeps every answer and the place
    open_panel(browser, page, reload=True)
    assert js(browser, "window.tunereadyReview.summary().label") == shown
    assert browser.evaluate("document.getElementById('rv-row-h').textContent").startswith(
        f"Row {rows[40]['row_id']} ")
    partial = download(browser)
    assert partial.read_text("utf-8") == text
    answered = {r["row_id"]: truth[r["row_id"]] for i, r in enumerate(rows[:40])
                if i not in (5, 9)}
    filled = {int(r["row_id"]): r["correct_label"]
              for r in csv.DictReader(text.splitlines()) if r["correct_label"]}
    assert filled == answered
    after = audit(path, tmp_path / "partial", "--review", str(partial))
    assert_labels_match(shown, check(after, "label_noise")["metrics"])
    cut = expected_label_cut(out, rows, answered, shown)
    assert set(check(after, "label_noise")["excluded_rows"]) == cut
    assert after["recommendation"]["effective_n"] == effective(after, "label_noise", cut)
    # second sitting: the two skipped rows, then every row left (n: next unanswered)
    press(browser, ["k"] * (40 - 5))
    press(browser, label_keys([rows[5]], labels, truth))
    press(browser, ["ArrowRight"] * 3 + label_keys([rows[9]], labels, truth) + ["n"])
    press(browser, label_keys(rows[40:], labels, truth))
    assert browser.evaluate("document.querySelector('.rv-count').textContent") == \
        "102 of 102 answered"
    shown = js(browser, "window.tunereadyReview.summary().label")
    assert shown["estimate"]["usable"]
    full = download(browser)
    answers = {r["row_id"]: truth[r["row_id"]] for r in rows}
    reviewed = audit(path, tmp_path / "full", "--review", str(full))
    metrics = check(reviewed, "label_noise")["metrics"]
    assert_labels_match(shown, metrics)
    lines = js(browser, "window.tunereadyReview.summary().label.lines")
    assert lines == browser.evaluate(
        "[...document.querySelectorAll('.rv-numbers p')].map(p => p.textContent)")
    est, flags = shown["estimate"], shown["flags"]
    assert lines[0].startswith(
        f"Noise rate so far {est['rate']:.1%} ({est['lower']:.1%}-{est['upper']:.1%}) · "
        f"precision of flags so far {flags[0]:.2f} ({flags[1]:.2f}-{flags[2]:.2f}) · "
        f"{metrics['review_relabelled']} relabelled")
    b = shown["inForce"]
    assert f"sets the audit's noise rate to {b['point']:.1%} (range {b['lower']:.1%}-" \
           f"{b['upper']:.1%})" in lines[2]
    assert check(reviewed, "label_noise")["summary"].startswith(
        f"{b['point']:.1%} of 1,505 labels look wrong (range {b['lower']:.1%}-{b['upper']:.1%}")
    # the effective size moved exactly as the panel said: relabelled rows and the unanswered
    # rows of every type it said acts left it, nothing else changed
    cut = expected_label_cut(out, rows, answers, shown)
    assert set(check(reviewed, "label_noise")["excluded_rows"]) == cut
    assert reviewed["recommendation"]["effective_n"] == effective(reviewed, "label_noise", cut)
    assert reviewed["recommendation"]["effective_n"] < before["recommendation"]["effective_n"]
    for name in ("size", "duplicates", "schema"):
        assert check(reviewed, name)["excluded_rows"] == check(before, name)["excluded_rows"]
    late = browser.report(page)
    assert late.console_errors == [] and late.requests == []


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    """100 good answers, 30 cut on a dangling word, 6 refusals."""
    rows = [(f"How do I reset password {i}?",
             f"Open settings, choose security, then reset it; step {i} ends it.")
            for i in range(100)]
    rows += [(f"Explain topic number {i} to me", "Recursion is when a function calls itself, "
                                                 "and") for i in range(30)]
    rows += [(f"Write poem number {i} about the sea", "I'm sorry, but I can't help with that.")
             for i in range(6)]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": q}, {"role": "assistant", "content": a}]}) + "\n"
        for q, a in rows), "utf-8")
    return path


def test_free_form_answers_are_judged_in_the_page(browser: Browser, chat: Path,
                                                  tmp_path: Path) -> None:
    before = audit(chat, tmp_path / "a")
    rows = check(before, "answers")["tables"]["review_sample"]
    strata = sorted({r["stratum"] for r in rows})
    assert "answers.refusal" in strata and len(strata) == 2
    browser.download_to(tmp_path)
    open_panel(browser, tmp_path / "a" / "report.html")
    verdicts: dict[int, str] = {}
    keys, seen = [], {s: 0 for s in strata}
    for r in rows:   # refusals: 3 defects, 3 ok; cuts: 20 defects, 1 ok, 1 skip, 8 unread
        i = seen[r["stratum"]]
        seen[r["stratum"]] += 1
        if r["stratum"] == "answers.refusal":
            key = "d" if i < 3 else "o"
        else:
            key = "d" if i < 20 else "o" if i == 20 else "s" if i == 21 else "j"
        keys.append(key)
        if key in "do":
            verdicts[r["row_id"]] = "defect" if key == "d" else "ok"
    press(browser, keys)
    shown = js(browser, "window.tunereadyReview.summary().answer.types")
    open_panel(browser, tmp_path / "a" / "report.html", reload=True)
    assert js(browser, "window.tunereadyReview.summary().answer.types") == shown
    file = download(browser)
    after = audit(chat, tmp_path / "b", "--review", str(file))
    result = check(after, "answers")
    by_type = result["metrics"]["precision_by_type"]
    for stratum, p in shown.items():
        measured = by_type[stratum.split(".", 1)[1]]
        assert measured["text"] == p["text"]
        assert [measured["value"], measured["lo"], measured["hi"]] == \
            [round(p[k], 4) for k in ("value", "lo", "hi")]
        assert measured["reviewed"] == p["reviewed"] and measured["confirmed"] == p["confirmed"]
    assert result["metrics"]["review_answered"] == len(verdicts)
    # what leaves: every row marked defect, and the unreviewed rows of a type measured at
    # exclude_min_precision or better (never refusals)
    settings = js(browser, "JSON.parse(document.getElementById('review-data').textContent)"
                           ".answers")
    cut = {r for r, v in verdicts.items() if v == "defect"}
    for stratum, p in shown.items():
        kind = stratum.split(".", 1)[1]
        if p["reviewed"] >= 10 and p["value"] >= settings["min_precision"] and \
                kind.split(".")[0] not in settings["never_removed"]:
            cut |= {int(r["row_id"]) for r in flagged(tmp_path / "a", "answers")
                    if r["type"] == stratum and int(r["row_id"]) not in verdicts}
    assert set(result["excluded_rows"]) == cut and len(cut) > 12
    assert after["recommendation"]["effective_n"] == effective(after, "answers", cut)
    late = browser.report(tmp_path / "a" / "report.html")
    assert late.console_errors == [] and late.requests == []


def test_panel_fits_a_phone_and_has_a_list(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(label_audit()), encoding="utf-8")
    browser.send("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}, session=True)
    try:
        open_panel(browser, page)
        assert browser.evaluate("document.documentElement.scrollWidth") <= 390
        box = js(browser, "document.querySelector('.rv-card').getBoundingClientRect()")
        assert box["right"] <= 390 and box["width"] > 300
        press(browser, ["l"])
        assert browser.evaluate("document.querySelectorAll('.rv-table tbody tr').length") == 42
        assert browser.evaluate("document.querySelector('.rv-card').hidden")
        press(browser, ["l"])
        # the hostile inputs arrive as text: no element, no dialog, no script ran
        assert browser.evaluate("document.querySelectorAll('#review-panel script').length") == 0
        assert [e for e in browser.events
                if e.get("method") == "Page.javascriptDialogOpening"] == []
        labels = js(browser, "[...document.querySelectorAll('.rv-controls button')]"
                             ".map(b => b.getAttribute('aria-keyshortcuts'))")
        assert labels[:2] == ["c", "1"] and "s" in labels
    finally:
        browser.send("Emulation.setDeviceMetricsOverride", {
            "width": browser.width, "height": browser.height, "deviceScaleFactor": 1,
            "mobile": False}, session=True)


def test_earlier_answers_count_a_cleared_one_stays_cleared_and_stored_junk_is_ignored(
        browser: Browser, tmp_path: Path) -> None:
    """The sample's earlier verdict (review.csv carries it) is an answer until cleared; a
    cleared one stays cleared after a reload; stored answers this page could not have given
    (another page of the file:// origin, a hand edit) are ignored."""
    from tests.render.review_fixtures import answer_audit

    page = tmp_path / "report.html"
    page.write_text(html.render(answer_audit()), encoding="utf-8")
    open_panel(browser, page)
    count = "document.querySelector('.rv-count').textContent"
    assert browser.evaluate(count) == "1 of 36 answered"
    press(browser, ["j"] * 5)
    assert "defect" in browser.evaluate("document.querySelector('.rv-answer').textContent")
    press(browser, ["x"])
    open_panel(browser, page, reload=True)
    assert browser.evaluate(count) == "0 of 36 answered"
    assert "defect" not in browser.evaluate("window.tunereadyReview.csv()")
    key = js(browser, "JSON.parse(document.getElementById('review-data').textContent).key")
    first = js(browser, "JSON.parse(document.getElementById('review-data').textContent)"
                        ".rows[0].key")
    junk = {"answers": {first: {"a": "=HYPERLINK()"}, "__proto__": {"a": "defect"}}, "at": 99}
    browser.evaluate(f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(junk))})")
    open_panel(browser, page, reload=True)
    assert browser.evaluate(count) == "1 of 36 answered"   # only the earlier verdict
    assert browser.evaluate("document.getElementById('rv-row-h').textContent").startswith(
        "Row ")
