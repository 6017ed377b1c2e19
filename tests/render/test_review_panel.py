"""The review panel's page side (no browser): the sample reaches the page as inert, escaped JSON
with invisible characters made visible, one hashed script runs, reports without a sample
(or with a sample written before the panel) render as before, ``--no-excerpts`` reports carry
no row, and the answers are stored under a key that is the audit's and no other's."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from tests.render.fixtures import full_audit
from tests.render.review_fixtures import (
    BIDI,
    BREAKOUT,
    answer_audit,
    blanked,
    label_audit,
    old_label_rows,
)
from tuneready.core.results import Audit
from tuneready.core.textsafe import visible
from tuneready.io.review_file import columns_for
from tuneready.render import html
from tuneready.render.json import load
from tuneready.render.json import render as render_json
from tuneready.render.outputs import review_rows
from tuneready.render.review_panel import panel, storage_key

DATA = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)
SCRIPTS = re.compile(r"<script(?: [^>]*)?>", re.S)


def data_of(page: str) -> dict:
    [block] = DATA.findall(page)
    return json.loads(block)


def executable(page: str) -> list[str]:
    """The bodies of the scripts a browser would run (not the JSON data block)."""
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def test_rows_are_inert_escaped_json_made_visible() -> None:
    page = html.render(label_audit())
    [block] = DATA.findall(page)
    assert "<" not in block and ">" not in block and "&" not in block  # nothing can close it
    assert len(SCRIPTS.findall(page)) == 2 and len(executable(page)) == 1
    data = json.loads(block)
    inputs = [r["cells"]["input"] for r in data["rows"]]
    assert BREAKOUT in inputs                                       # the text, as text
    assert visible(BIDI) in inputs and "⟨U+202E⟩" in visible(BIDI)  # shown, not obeyed
    assert "\u202e" not in page and "\u200b" not in page
    assert "<script>alert('out')" not in page and "<!-- end" not in page
    # the one script that runs is the one the CSP hash allows
    [script] = executable(page)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "tunereadyReview" in script


def test_data_carries_what_review_needs() -> None:
    audit = label_audit()
    data = data_of(html.render(audit))
    rows = review_rows(audit)
    assert data["columns"] == list(columns_for(rows))
    assert "type" not in data["columns"]  # review.csv's columns, not the table's keys
    assert [r["cells"]["row_id"] for r in data["rows"]] == [r["row_id"] for r in rows]
    assert data["labels"] == [r["label"] for r in audit.check("label_noise").tables["by_class"]]
    assert data["noise"]["labelled_n"] == 1505 and data["noise"]["flagged_n"] == 112
    assert data["noise"]["certain_n"] == 6 and data["noise"]["min_precision"] == 0.9
    assert abs(data["noise"]["z"] - 1.959963984540054) < 1e-12
    flagged = [r for r in data["rows"] if r["flagged"]]
    assert len(flagged) == 12 and all(r["why"].startswith("flagged: likely label")
                                      for r in flagged)
    assert all(r["why"].startswith("not flagged") for r in data["rows"] if not r["flagged"])


def test_answers_sample_gets_a_panel_with_its_policy() -> None:
    audit = answer_audit()
    view = panel(audit)
    assert view is not None and view["kinds"] == ["answers"]
    data = data_of(html.render(audit))
    assert data["answers"]["min_precision"] == 0.9 and data["answers"]["min_reviewed"] == 10
    assert data["answers"]["never_removed"] == ["refusal"]
    refusals = [r for r in data["rows"] if r["cells"]["stratum"] == "answers.refusal"]
    assert [r["answer"] for r in refusals].count("defect") == 1  # an earlier verdict
    assert data["columns"][:3] == ["row_id", "stratum", "stratum_size"]


def test_without_a_sample_the_page_is_as_before() -> None:
    page = html.render(full_audit())
    assert 'id="review"' not in page and "review-data" not in page
    [script] = executable(page)
    assert "tunereadyReview" not in script


def test_an_old_label_sample_renders_as_before() -> None:
    """An audit written before label rows named their stratum: no panel (no estimate can be
    computed), and its sample stays the table it was."""
    audit = label_audit(old_label_rows())
    assert panel(audit) is None
    page = html.render(load(render_json(audit)))
    assert 'id="review"' not in page and "review-data" not in page
    assert "<h3>review sample</h3>" in page
    assert executable(page) == executable(html.render(full_audit()))


def test_with_a_panel_the_sample_table_points_to_it() -> None:
    page = html.render(label_audit())
    assert "<h3>review sample</h3>" not in page
    assert 'The review sample (42 rows, also in <code>review.csv</code>) is in the <a ' \
           'href="#review">review panel</a>.' in page


def test_no_excerpts_reports_carry_no_row_and_say_why() -> None:
    audit = blanked(label_audit())
    page = html.render(audit)
    section = page[page.index('id="review"'):page.index("</section>", page.index('id="review"'))]
    assert "--no-excerpts" in section and "42 rows" in section
    assert "review-data" not in page
    assert "tunereadyReview" not in executable(page)[0]
    for row in review_rows(audit):   # no given label, no hash, no row id of the sample
        assert row["input_hash"] not in page
    answers = html.render(blanked(answer_audit()))
    assert "review-data" not in answers and "--no-excerpts" in answers


def test_storage_key_is_the_audits_and_no_others() -> None:
    audit = label_audit()
    key = storage_key(audit, review_rows(audit))
    again = load(render_json(audit))                      # re-rendered from audit.json
    assert storage_key(again, review_rows(again)) == key
    assert data_of(html.render(again))["key"] == key == data_of(html.render(audit))["key"]
    other = label_audit(sha="cd" * 32)                    # another data set
    assert storage_key(other, review_rows(other)) != key
    reseeded = label_audit(seed=7)
    assert storage_key(reseeded, review_rows(reseeded)) != key
    frame = label_audit(sha="")                           # a DataFrame: path, size, rows
    assert storage_key(frame, review_rows(frame)) != key
    assert key.startswith("tuneready-review:")


def test_labels_with_hidden_characters_keep_their_code_points() -> None:
    audit: Audit = label_audit()
    by_class = audit.check("label_noise").tables["by_class"]
    by_class[0]["label"] = "spam\u200b"
    data = data_of(html.render(audit))
    assert "spam⟨U+200B⟩" in data["labels"]
    assert data["raw_labels"] == {"spam⟨U+200B⟩": [ord(c) for c in "spam\u200b"]}
