"""The audit's clock (issue 28): a test freezes the day with ``[context] date``. On
2026-12-08 OpenAI's fine-tuning is named with its closing date; after 2027-01-06 no OpenAI
fine-tuning offer is used anywhere. The JSON records the window of days that give the same
result, not the day, so a rerun inside it is byte-identical."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_texts
from tuneready.config.errors import InputError
from tuneready.engine.pipeline import AuditOptions, run_audit
from tuneready.render import json as json_render


def _audit(day: str, **context):
    options = AuditOptions(checks=["schema", "size"],
                           context={"date": day, "calls_per_month": 20_000, **context})
    return run_audit(make_texts(240), options)


def _openai_ft(text: str) -> bool:
    return "openai gpt-4o-mini" in text or "openai gpt-4.1-mini" in text


def test_openai_fine_tuning_is_dated_before_and_gone_after_2027_01_06() -> None:
    before = _audit("2026-12-08")
    ctx = before.context
    full = next(c for c in ctx["costs"] if c["path"] == "full_fine_tune")
    assert full["provider"] == "openai" and "2027-01-06" in full["closes"]
    assert full["without_closing"]["provider"] == "modal"  # what the path costs without it
    assert ctx["availability"]["window"] == {"from": "2026-05-07", "until": "2027-01-06"}
    assert {c["offer"] for c in ctx["availability"]["closing"]} == {
        "openai gpt-4.1-mini", "openai gpt-4o-mini"}
    reason = next(r for r in before.recommendation.reasons if r.code == "context.cost")
    assert "openai gpt-4o-mini; takes no new training jobs from 2027-01-06" in reason.message

    after = _audit("2027-01-07")
    ctx = after.context
    assert not any(c["provider"] == "openai" and c["path"] != "prompt_engineering"
                   for c in ctx["costs"])
    assert {c["offer"] for c in ctx["availability"]["closed"]} == {
        "openai gpt-4.1-mini", "openai gpt-4o-mini"}
    assert ctx["availability"]["window"] == {"from": "2027-01-06", "until": None}
    texts = [r.message for r in after.recommendation.reasons] + [
        c["message"] for c in after.recommendation.crossovers]
    assert not any(_openai_ft(t) for t in texts)


def test_a_rerun_inside_the_window_writes_the_same_json() -> None:
    def body(day: str) -> str:
        d = json.loads(json_render.render(_audit(day)))
        d.pop("meta")
        d["context"]["inputs"].pop("date")  # what the test injected, not what was found
        return json.dumps(d, sort_keys=True)

    assert body("2026-12-08") == body("2026-12-30")
    assert body("2026-12-08") != body("2027-01-07")


def test_compute_is_estimated_without_a_call_volume() -> None:
    audit = run_audit(make_texts(240), AuditOptions(checks=["schema", "size"]))
    compute = audit.context["compute"]
    assert compute["model"]["name"] == "8B" and compute["gpu"]["name"] == "H100"
    assert [m["method"] for m in compute["methods"]] == ["full", "lora", "qlora"]
    assert all(m["gpu_hours"] > 0 and m["memory_gb"]["total"] > 0 and "cost" in m
               for m in compute["methods"])
    assert compute["training_tokens"] == audit.context["usage"]["training_tokens"]
    assert compute["seq_p95"] > 0
    assert "costs" not in audit.context


def test_bad_context_values_are_input_errors() -> None:
    with pytest.raises(InputError, match="date"):
        _audit("8 Dec")
    with pytest.raises(InputError, match=r"--model-size: .9B. is not in the price table"):
        _audit("2026-12-08", model_size="9B")
