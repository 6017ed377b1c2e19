"""Crossovers: the volumes where the cheapest path changes, recomputed by hand from the
packaged price table, and the examples the next path up needs."""

from __future__ import annotations

import math
import tomllib
from datetime import date
from importlib import resources

import pytest

from tuneready.checks.size import SizeSettings
from tuneready.config.policy import load_policy
from tuneready.core.results import LearningCurve
from tuneready.decide.availability import resolve
from tuneready.decide.cost import AMORTISE_MONTHS, Usage, load_prices, offers, usable_offers
from tuneready.decide.crossover import (
    data_crossovers,
    offer_at,
    path_at,
    price_entries,
    volume_crossovers,
)

USAGE = Usage(calls_per_month=0, input_tokens=40, output_tokens=5, instruction_tokens=300,
              few_shot_tokens=700, training_tokens=200_000, epochs=3, cache_share=1.0)


def _raw(provider: str, model: str, path: str) -> dict:
    text = resources.files("tuneready.config").joinpath("prices.toml").read_text("utf-8")
    table = tomllib.loads(text)
    return next(o for o in table["offers"]
                if (o["provider"], o["model"], o["path"]) == (provider, model, path))


def test_one_crossover_recomputed_by_hand_from_the_table() -> None:
    """Prompting on gpt-4.1-mini against a full fine-tune of gpt-4.1-mini, by hand:
    prompting costs (static cached + input + output) per call; the tuned model costs its
    training over 12 months plus its own per-call prices."""
    p = _raw("openai", "gpt-4.1-mini", "prompt_engineering")
    t = _raw("openai", "gpt-4.1-mini", "full_fine_tune")
    static = 300 + 700
    prompt_per_call = (static * p["cached_input"] + 40 * p["input"] + 5 * p["output"]) / 1e6
    tuned_per_call = (40 * t["tuned_input"] + 5 * t["tuned_output"]) / 1e6
    tuned_fixed = 200_000 * 3 * t["train"] / 1e6 / 12 + t["hosting_month"]
    by_hand = tuned_fixed / (prompt_per_call - tuned_per_call)

    pool = usable_offers(load_prices(), "gpt-4.1-mini")
    pool = [o for o in pool if o.path != "lora" and o.kind != "gpu"]
    found = volume_crossovers(USAGE, pool)
    assert len(found) == 1
    entry = found[0]
    assert entry["exact"] == pytest.approx(by_hand, rel=1e-6)
    assert entry["calls_per_month"] == math.ceil(by_hand)
    assert entry["cheaper_above"] == "full_fine_tune" and entry["cheaper_below"] == \
        "prompt_engineering"
    assert "openai gpt-4.1-mini" in entry["message"]
    # the order really flips there
    below, above = by_hand * 0.99, by_hand * 1.01
    cost = {o.path: o for o in pool}
    assert offer_at(USAGE, cost["prompt_engineering"], below) < \
        offer_at(USAGE, cost["full_fine_tune"], below)
    assert offer_at(USAGE, cost["prompt_engineering"], above) > \
        offer_at(USAGE, cost["full_fine_tune"], above)


def test_gpu_path_crosses_where_the_line_meets_its_steps() -> None:
    table = {"offers": [
        {"path": "prompt_engineering", "provider": "p", "model": "m", "input": 1.0,
         "cached_input": 1.0, "output": 1.0},
        {"path": "lora", "kind": "gpu", "provider": "gpu", "gpu_hour": 1.0, "train": 0.0,
         "calls_per_gpu_month": 1000, "hours_per_month": 100}]}
    u = Usage(0, input_tokens=100, output_tokens=0, instruction_tokens=0, few_shot_tokens=0,
              training_tokens=0)
    pool = offers(table)
    # prompting: 100 tokens x $1/1M = $0.0001 a call; one GPU: $100 a month up to 1,000 calls
    found = volume_crossovers(u, pool)
    # $100 / $0.0001 = 1,000,000 calls: far beyond one GPU's 1,000 calls, where k GPUs cost
    # $100 k and prompting $0.1 k: prompting stays cheaper at every volume
    assert found == []
    cheap_gpu = {**table["offers"][1], "calls_per_gpu_month": 10_000_000}
    pool = offers({"offers": [table["offers"][0], cheap_gpu]})
    found = volume_crossovers(u, pool)
    assert [f["calls_per_month"] for f in found] == [1_000_000]
    assert found[0]["cheaper_above"] == "lora"
    # and at the second GPU's jump (10M calls, $200 vs $1,000) the GPU stays cheaper
    assert path_at(u, [o for o in pool if o.path == "lora"], 10_000_001)[0] == 200


def test_training_is_spread_over_a_year() -> None:
    pool = [o for o in offers(load_prices()) if o.path == "full_fine_tune" and o.kind != "gpu"]
    at_zero = offer_at(USAGE, pool[0], 0)
    assert at_zero == pytest.approx(200_000 * 3 * pool[0].prices["train"] / 1e6
                                    / AMORTISE_MONTHS)


def _tuned(**extra) -> dict:
    return {"path": "full_fine_tune", "provider": "t", "model": "m", "train": 5.0,
            "tuned_input": 0.1, "tuned_output": 0.1, **extra}


PROMPT = {"path": "prompt_engineering", "provider": "p", "model": "q", "input": 1.0,
          "cached_input": 0.1, "output": 1.0}


def test_a_closed_offer_never_crosses_and_a_closing_one_is_named_with_its_date() -> None:
    """On the audit's day a closed offer is out; one closing within the year is named with
    its date, and a serving end raises its monthly cost (training over fewer months)."""
    table = {"offers": [PROMPT, _tuned(jobs_until="2027-01-06")]}
    before, _ = resolve(offers(table), date(2026, 12, 8))
    found = volume_crossovers(USAGE, before)
    assert len(found) == 1 and "no new training jobs from 2027-01-06" in found[0]["message"]
    after, closed = resolve(offers(table), date(2027, 1, 7))
    assert volume_crossovers(USAGE, after) == [] and closed[0][1].state == "closed"
    assert price_entries([{"path": "full_fine_tune", "why": "every offer is closed"}])[0][
        "message"].startswith("full fine-tune has no open offer")
    ending = {"offers": [PROMPT, _tuned(serving_until="2027-03-10")]}
    short, _ = resolve(offers(ending), date(2026, 12, 8))
    year, _ = resolve(offers({"offers": [PROMPT, _tuned()]}), date(2026, 12, 8))
    tuned_short = next(o for o in short if o.path == "full_fine_tune")
    assert tuned_short.prices["amortise_months"] == 3
    assert offer_at(USAGE, tuned_short, 0) == pytest.approx(
        offer_at(USAGE, next(o for o in year if o.path == "full_fine_tune"), 0) * 4)
    assert volume_crossovers(USAGE, short)[0]["exact"] > volume_crossovers(USAGE, year)[0][
        "exact"]


def test_data_crossovers_from_the_size_thresholds() -> None:
    size = SizeSettings.from_policy(load_policy())  # lora_min 100, full_finetune_min 1000
    out = data_crossovers(60, "prompt_engineering", size, [], None)
    assert [(c["path"], c["more_examples"]) for c in out] == [("lora", 40),
                                                              ("full_fine_tune", 940)]
    # a binding size finding's remedy already states the next step: not repeated
    out = data_crossovers(60, "prompt_engineering", size, ["size.below_lora_min"], None)
    assert [c["path"] for c in out] == ["full_fine_tune"]
    capped = data_crossovers(400, "lora", size, ["label_noise.above_fail_rate"], None)
    assert capped[0]["more_examples"] == 600 and "label_noise" in capped[0]["message"]
    assert data_crossovers(5000, "full_fine_tune", size, [], None) == []


def test_learning_curve_says_when_it_cannot_tell() -> None:
    size = SizeSettings.from_policy(load_policy())
    rising = data_crossovers(400, "lora", size, [], LearningCurve(320, False))
    assert rising[-1]["more_examples"] is None and "cannot tell" in rising[-1]["message"]
    known = data_crossovers(400, "lora", size, [], LearningCurve(320, True, 900))
    assert known[-1]["more_examples"] == 580
