"""HTML report: structure, order, charts, truncation, offline guarantees, size."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from tests.render.fixtures import full_audit, ready_audit
from tuneready.core.results import CheckResult, Status
from tuneready.render import html, html_context
from tuneready.render.json import load
from tuneready.render.json import render as render_json


class Outline(HTMLParser):
    """Collects ids of sections, headings text, tags and attributes for structural asserts."""

    def __init__(self) -> None:
        super().__init__()
        self.section_ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.tags.append((tag, d))
        if tag == "section":
            self.section_ids.append(d.get("id") or d.get("class") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return html.render(full_audit())


def test_order_verdict_grid_checks_reproducibility(page: str) -> None:
    ids = outline(page).section_ids
    checks = [c.name for c in full_audit().checks]
    assert ids[0].startswith("verdict")
    assert ids[1] == "checks"
    assert ids[2:2 + len(checks)] == [f"check-{n}" for n in checks]
    assert ids[-1] == "reproducibility"


def test_verdict_banner_says_verdict_reasons_changes_and_effective_n(page: str) -> None:
    banner = page[page.index('<section class="verdict'):page.index('id="checks"')]
    assert "Not ready: fix the data first" in banner
    assert "not ready</strong> for what the policy requires (Full fine-tune)" in banner
    assert "group west has a higher error rate" in banner
    assert "relabel the 112 rows flagged" in banner
    assert "1,292" in banner
    assert "101 exact duplicates (size), 112 likely mislabelled rows (label_noise)" in banner
    assert 'href="#check-bias--bias-group_error_gap"' in banner   # straight to the finding
    assert 'id="check-bias--bias-group_error_gap"' in page
    assert 'href="#check-broken"' in banner                       # decision reason: the check


def test_each_check_section_explains_itself(page: str) -> None:
    size = page[page.index('id="check-size"'):page.index('id="check-label_noise"')]
    from tuneready.checks.size import SizeCheck

    assert SizeCheck.what in size and SizeCheck.why in size
    retired = page[page.index('id="check-retired_check"'):]
    assert "not described in this audit" in retired


def test_a_saved_description_is_shown_not_todays() -> None:
    """An audit re-renders with the words it was made with (``what``/``why`` in audit.json)."""
    audit = full_audit()
    size = audit.check("size")
    assert size is not None
    size.what, size.why = "counts as measured back then", "the reason given back then"
    page = html.render(load(render_json(audit)))
    section = page[page.index('id="check-size"'):page.index('id="check-label_noise"')]
    from tuneready.checks.size import SizeCheck

    assert "counts as measured back then" in section and "the reason given back then" in section
    assert SizeCheck.what not in section


def test_intervals_are_shown_as_intervals() -> None:
    items = html_context.metric_items({"noise_rate": 0.081, "noise_rate_lo": 0.068,
                               "noise_rate_hi": 0.095, "gap_lo": 1.5, "gap_hi": 2.5,
                               "n": 12000, "only_hi": 3})
    shown = {m["key"]: m["value"] for m in items}
    assert shown == {"noise_rate": "8.1% [6.8%, 9.5%]", "gap": "[1.5, 2.5]", "n": "12,000",
                     "only_hi": "3"}


def test_known_tables_get_accessible_charts(page: str) -> None:
    svgs = [a for t, a in outline(page).tags if t == "svg"]
    # classes, token histogram, by_class, confused_pairs, clusters, learning curve,
    # length histogram, openings, coverage gaps, bias: error, noise, share
    assert len(svgs) == 12
    for attrs in svgs:
        assert attrs["role"] == "img"
        for ref in (attrs["aria-labelledby"] or "").split():
            assert f'id="{ref}"' in page
    assert "<desc" in page and "Highest: technical_issue" in page


def test_chart_degrades_when_table_shape_is_unexpected() -> None:
    audit = ready_audit()
    audit.checks.append(CheckResult("size", Status.PASS, tables={
        "classes": [{"label": "a", "cnt": 3}]}))          # no 'count' column
    page = html.render(audit)
    assert "<svg" not in page.split('id="check-size"')[-1]
    assert "cnt" in page                                   # still shown as a table


def test_long_tables_are_cut_and_long_texts_folded() -> None:
    page = html.render(full_audit(n_flagged=500), max_rows=40)
    noise = page[page.index('id="check-label_noise"'):page.index('id="check-duplicates"')]
    assert "first 40 of 500 rows; all rows are in audit.json" in noise
    assert noise.count("<tr>") == 40 + 1 + 6 + 1 + 6 + 1     # flagged + by_class + pairs
    assert '<details class="cell"><summary>I ordered the router' in noise


def test_row_ids_are_not_formatted_as_quantities() -> None:
    cell = html_context.cell("row_id", 12345)
    assert cell["text"] == "12345"
    assert html_context.cell("count", 12345)["text"] == "12,345"
    assert html_context.fmt_value("region.error_rate.min_ratio", 0.25) == "0.25"
    assert html_context.fmt_value("noise_rate", 0.25) == "25.0%"
    assert html_context.fmt_value("rows", 1505) == "1,505"
    assert html_context.fmt_value("rows", [1001, 2002]) == "1001, 2002"        # ids in a list


def test_page_is_offline_by_construction(page: str) -> None:
    for tag, attrs in outline(page).tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert "url(" not in page and "@import" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp.group(1)            # the only script allowed to run


def test_rendering_is_deterministic() -> None:
    assert html.render(full_audit()) == html.render(full_audit())


def test_ready_audit_says_nothing_blocks() -> None:
    page = html.render(ready_audit())
    assert "Full fine-tune" in page and "Nothing blocks this verdict" in page
    assert "tone-good" in page


def test_large_audit_stays_small() -> None:
    """100k rows: thousands of flagged rows and clusters must not bloat the page."""
    audit = full_audit(n_flagged=8000, n_clusters=3000)
    audit.dataset["rows"] = 100_000
    for c in audit.checks:
        c.excluded_rows = list(range(10_000))
    size = len(html.render(audit).encode("utf-8"))
    assert size < 2_000_000, size


def test_many_metrics_fold_detail_behind_an_expander() -> None:
    metrics = {f"m{i}": i for i in range(5)} | {f"attr.metric_{i}": i for i in range(30)}
    shown, folded = html_context.split_metrics(html_context.metric_items(metrics))
    assert [m["key"] for m in shown] == [f"m{i}" for i in range(5)]
    assert len(folded) == 30
    few = html_context.metric_items({"a.b": 1, "c": 2})
    assert html_context.split_metrics(few) == (few, [])


def test_element_ids_are_unique() -> None:
    audit = full_audit()
    bias = audit.check("bias")
    assert bias is not None
    bias.findings = bias.findings * 3                    # the same code three times
    for row in bias.tables["groups"]:
        row["attribute"] = "terms:sexual orientation"      # becomes part of chart ids
    tags = outline(html.render(audit)).tags
    ids = [a["id"] for _, a in tags if a.get("id")]
    assert len(ids) == len(set(ids))
    assert not any(" " in i for i in ids)
    for _, attrs in tags:
        for ref in (attrs.get("aria-labelledby") or "").split():
            assert ref in ids


def test_minimal_audit_renders_in_every_format() -> None:
    """A bare audit (no checks, no provenance) must still render, not crash."""
    from tuneready.core.results import Audit, Recommendation, Verdict
    from tuneready.render import junit, markdown

    bare = Audit(dataset={}, policy={}, checks=[CheckResult("size", Status.ERROR)],
                 recommendation=Recommendation(Verdict.NOT_READY, False, Verdict.LORA, "low"))
    page = html.render(bare)
    assert "Not ready" in page and "of 0 rows" in page
    assert "## tuneready: Not ready" in markdown.render(bare)
    assert "<error" in junit.render(bare)


def test_context_chosen_verdict_is_explained_with_costs() -> None:
    from tuneready.core.results import Verdict

    audit = ready_audit()
    audit.recommendation.verdict = Verdict.PROMPT_ENGINEERING
    audit.recommendation.data_verdict = Verdict.LORA
    audit.recommendation.reasons[0].check = "context"
    audit.context = {"prices": {"model": "m", "as_of": "2025-06-01"},
                     "costs": [{"path": "lora", "one_off": 0.0, "monthly": 1460.0,
                                "break_even_month": None}]}
    page = html.render(audit)
    banner = page[page.index('id="verdict"'):page.index('id="checks"')]
    assert "the data alone supports LoRA / adapter tuning" in banner
    assert "Too few usable examples" not in banner
    assert 'href="#deployment"' in banner and "data supports" in banner
    costs = page[page.index('id="deployment"'):]
    assert "$1,460.00" in costs and "never" in costs
