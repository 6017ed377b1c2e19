"""Complements, crossovers, measured shares, prices and the prompt file in every renderer;
an audit saved before these fields renders and diffs as before."""

from __future__ import annotations

import copy
import io
import xml.etree.ElementTree as ET

from rich.console import Console

from tests.render.fixtures import HOSTILE, ready_audit
from tuneready.core.results import Audit
from tuneready.decide.diff import compare
from tuneready.render import diff, html, junit, markdown, terminal
from tuneready.render.extras import price_notes

SHARE = {"share": 0.6385, "lo": 0.5823, "hi": 0.6911, "k": 189, "n": 296}


def _enriched() -> Audit:
    audit = copy.deepcopy(ready_audit())
    rec = audit.recommendation
    rec.complements = [{"code": "complement.rag", "title": "+ retrieval (RAG)",
                        "message": "64 % of answers bring facts " + HOSTILE,
                        "measured": {"knowledge": SHARE}}]
    rec.crossovers = [{"kind": "volume", "calls_per_month": 7311,
                       "message": "from 7,311 calls a month, full fine-tune costs less"}]
    rec.answer_signals = {"rows": 296, "knowledge": SHARE, "measured_task": "knowledge",
                          "task": "knowledge", "length_cv": 1.5}
    audit.context = {"costs": [{"path": "prompt_engineering", "provider": "anthropic",
                                "model": "claude-haiku-5-5", "as_of": "2025-01-01",
                                "confirmed": False, "one_off": 0.0, "monthly": 1.0,
                                "total_monthly": 1.0, "per_call_tokens": 600,
                                "break_even_month": None, "note": "n"}],
                     "prices": {"as_of": "2026-12-02", "model": ""},
                     "prompt": {"path": "p.txt", "sha256": "ab" * 32, "tokens": 42,
                                "encoding": "cl100k_base"}}
    audit.meta = {**audit.meta, "generated_at": "2026-12-02T01:00:00+00:00"}
    return audit


def _terminal(audit: Audit) -> str:
    buf = io.StringIO()
    terminal.render(audit, Console(file=buf, width=200, color_system=None))
    return buf.getvalue()


def test_every_renderer_shows_complements_crossovers_and_shares() -> None:
    audit = _enriched()
    term = _terminal(audit)
    assert "Combine it with" in term and "complement.rag" in term
    assert "from 7,311 calls a month" in term and "anthropic claude-haiku-5-5" in term
    assert "older than 6 months" in term and "42 tokens" in term
    md = markdown.render(audit)
    assert "**Combine it with**" in md and "complement.rag" in md
    assert "from 7,311 calls a month" in md and "63.8 % (58.2-69.1 %" in md
    assert "<script>" not in md
    props = {p.get("name"): p.get("value")
             for p in ET.fromstring(junit.render(audit)).iter("property")}
    assert props["complements"] == "complement.rag"
    assert props["complement.rag.share"] == "0.6385 [0.5823, 0.6911]"
    assert props["crossover.1"].startswith("from 7,311")
    assert props["prompt_sha256"] == "ab" * 32
    page = html.render(audit)
    assert "Combine it with" in page and "Measured in the answers" in page
    assert "from 7,311 calls a month" in page and "&lt;script&gt;" in page
    assert "<script>alert" not in page


def test_price_notes_unconfirmed_and_stale() -> None:
    notes = price_notes(_enriched())
    assert any("not read on the provider's page" in n for n in notes)
    assert any("older than 6 months" in n and "2025-01-01" in n for n in notes)
    fresh = _enriched()
    fresh.context["costs"][0].update(as_of="2026-11-01", confirmed=True)
    assert price_notes(fresh) == []


def test_older_audits_render_and_diff_as_before() -> None:
    old = ready_audit()
    d = Audit.from_dict(old.to_dict())
    assert d.recommendation.complements == [] and d.recommendation.crossovers == []
    assert markdown.render(d) == markdown.render(old)
    legacy = old.to_dict()
    for key in ("complements", "crossovers", "answer_signals"):
        legacy["recommendation"].pop(key)
    assert markdown.render(Audit.from_dict(legacy)) == markdown.render(old)
    text = diff.render(compare(Audit.from_dict(legacy), old))
    assert "prompt sha256" not in text and "complements" not in text


def test_diff_shows_a_changed_prompt_and_complements() -> None:
    old, new = _enriched(), _enriched()
    new.context["prompt"] = {**new.context["prompt"], "sha256": "cd" * 32}
    new.recommendation.complements = []
    d = compare(old, new)
    assert d["prompt"] == {"old": "ab" * 32, "new": "cd" * 32}
    text = diff.render(d)
    assert "| prompt sha256 | `abababababab` | `cdcdcdcdcdcd` | **changed** |" in text
    assert "| complements | complement.rag | none | changed |" in text


def test_closing_offers_unpriced_paths_and_compute_in_every_renderer() -> None:
    """Issue 28: a closing offer is shown with its date, a path with no open offer asks for
    the user's price, the training-compute table (GPU time, memory, cost per method) is in
    the terminal and Markdown reports, and the audit's injected date judges staleness."""
    audit = _enriched()
    audit.context["costs"].append({
        "path": "full_fine_tune", "provider": "openai", "model": "gpt-4o-mini",
        "as_of": "2026-12-08", "confirmed": True, "one_off": 0.5, "monthly": 1.0,
        "total_monthly": 1.04, "per_call_tokens": 50, "break_even_month": None, "note": "n",
        "closes": "takes no new training jobs from 2027-01-06"})
    audit.context["unpriced"] = [{"path": "lora", "why": "the price table has no offer"}]
    audit.context["compute"] = {
        "model": {"name": "8B", "id": "meta-llama/Llama-3.1-8B", "params": 8_030_261_248},
        "gpu": {"name": "H100", "bf16_tflops": 989.0, "vram_gb": 80.0},
        "gpu_hour": {"provider": "modal", "price": 3.9492}, "utilisation": 0.4,
        "lora_rank": 16, "training_tokens": 27_198, "epochs": 3, "seq_p95": 24,
        "methods": [{"method": m, "flops": 3.9e15, "gpu_hours": h, "gpus": g, "cost": c,
                     "memory_gb": {"total": t}}
                    for m, h, g, c, t in (("full", 1.5, 2, 5.92, 128.5),
                                          ("lora", 0.0018, 1, 0.0073, 16.8),
                                          ("qlora", 0.0018, 1, 0.0073, 6.4))]}
    notes = price_notes(audit)
    assert "openai gpt-4o-mini takes no new training jobs from 2027-01-06" in notes
    assert any(n.startswith("lora: no open offer") and "--prices FILE" in n for n in notes)
    term = _terminal(audit)
    assert "Training compute: 8B open model" in term and "128.5 GB" in term
    assert "1.5 h" in term and "0.11 min" in term and "2x H100" in term and "$5.92" in term
    md = markdown.render(audit)
    assert "| full fine-tune | 3.90e+15 | 1.5 h | 128.5 GB | 2x H100 | $5.92 |" in md
    assert "no new training jobs from 2027-01-06" in md
    page = html.render(audit)
    assert 'id="compute"' in page and "128.5 GB" in page and "2x H100" in page
    assert not any("gpt-4o-mini (2026-12-08)" in n for n in notes)  # fresh on the run's day
    audit.context["inputs"] = {"date": "2027-09-01"}  # the audit's injected day judges it
    assert any("older than 6 months" in n and "gpt-4o-mini (2026-12-08)" in n
               for n in price_notes(audit))
