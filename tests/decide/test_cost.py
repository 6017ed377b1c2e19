"""Cost model: pure arithmetic over a price table from a file."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import pytest

from tuneready.config.errors import InputError
from tuneready.decide.cost import (
    Usage,
    compare,
    cost_phrase,
    fine_tune_cost,
    load_prices,
    model_prices,
    offers,
    prompt_cost,
)

PRICES = {"models": {"m": {"input": 1.0, "cached_input": 0.5, "output": 2.0, "train": 10.0,
                           "tuned_input": 2.0, "tuned_output": 4.0}},
          "self_hosted": {"gpu_hour": 2.0, "lora_train": 0.1, "calls_per_gpu_month": 1000,
                          "hours_per_month": 100}}


def _usage(calls: int = 1_000_000, **kw) -> Usage:
    base = {"calls_per_month": calls, "input_tokens": 100, "output_tokens": 10,
            "instruction_tokens": 200, "few_shot_tokens": 800, "training_tokens": 50_000,
            "epochs": 2, "cache_share": 1.0}
    return Usage(**{**base, **kw})


def test_prompt_cost_by_hand() -> None:
    # static 1000 tokens cached at 0.5, input 100 at 1.0, output 10 at 2.0, per 1M tokens
    cost = prompt_cost(_usage(), model_prices(PRICES, "m"))
    assert cost.monthly == pytest.approx(1_000_000 * (1000 * 0.5 + 100 + 20) / 1e6)
    uncached = prompt_cost(_usage(cache_share=0.0), model_prices(PRICES, "m"))
    assert uncached.monthly > cost.monthly


def test_fine_tune_break_even() -> None:
    p = model_prices(PRICES, "m")
    prompt = prompt_cost(_usage(), p)
    tuned = fine_tune_cost(_usage(), p, prompt.monthly)
    assert tuned.one_off == pytest.approx(50_000 * 2 * 10 / 1e6)
    assert tuned.monthly == pytest.approx(1_000_000 * (100 * 2 + 10 * 4) / 1e6)
    assert tuned.break_even_month == pytest.approx(tuned.one_off / (prompt.monthly - tuned.monthly))


def test_lora_needs_whole_gpus_and_never_breaks_even_at_low_volume() -> None:
    costs = {c.path: c for c in compare(_usage(calls=10), PRICES, "m")}
    assert costs["lora"].monthly == 2.0 * 100  # one GPU all month, however few calls
    assert costs["lora"].break_even_month is None
    big = {c.path: c for c in compare(_usage(calls=2500), PRICES, "m")}
    assert big["lora"].monthly == 3 * 2.0 * 100


def test_packaged_price_table_is_sourced_and_read() -> None:
    """Issue 28: every price, date and hardware figure names the provider's page and the day
    its text was read; nothing is carried 'from memory' or as an 'assumption'; every path
    has at least one offer (prompting from three providers' models)."""
    text = resources.files("tuneready.config").joinpath("prices.toml").read_text("utf-8")
    assert not re.search("memory|assumption", text, re.IGNORECASE)
    prices = load_prices()
    assert prices["version"] == 3
    date.fromisoformat(prices["as_of"])
    entries = offers(prices)
    for o in entries:
        assert o.source.startswith("https://") and o.note, o.name
        date.fromisoformat(o.read)
        date.fromisoformat(o.as_of)
        assert o.confirmed and o.provider
        if o.jobs_until or o.serving_until:
            assert o.availability["source"].startswith("https://")
            date.fromisoformat(o.availability["read"])
    for raw in [*prices["gpus"], *prices["open_models"]]:
        assert raw["source"].startswith("https://") and raw["note"]
        date.fromisoformat(raw["read"])
    assert {o.path for o in entries} == {"prompt_engineering", "lora", "full_fine_tune"}
    assert len({o.model for o in entries if o.path == "prompt_engineering"}) >= 3
    # OpenAI's self-serve fine-tuning takes no new job from 2027-01-06 (deprecations page)
    assert {o.jobs_until for o in entries if o.provider == "openai"
            and o.path == "full_fine_tune"} == {"2027-01-06"}


def test_a_gpu_offer_for_several_paths_becomes_one_offer_each() -> None:
    table = {"offers": [{"path": ["lora", "full_fine_tune"], "kind": "gpu", "provider": "g",
                         "gpu": "H100", "gpu_hour": 2.0, "hours_per_month": 730}]}
    assert [o.path for o in offers(table)] == ["lora", "full_fine_tune"]
    with pytest.raises(InputError, match="calls_per_gpu_month"):
        offers({"offers": [{"path": "lora", "kind": "gpu", "gpu_hour": 2.0, "train": 1.0,
                            "hours_per_month": 730}]})
    with pytest.raises(InputError, match="not a date"):
        offers({"offers": [{**table["offers"][0], "jobs_until": "soon"}]})


def test_cost_phrase_names_the_offer_and_its_closing() -> None:
    c = {"path": "full_fine_tune", "provider": "openai", "model": "gpt-4o-mini",
         "monthly": 1.0, "total_monthly": 2.5,
         "closes": "takes no new training jobs from 2027-01-06"}
    assert cost_phrase(c) == ("full_fine_tune $2.50 (openai gpt-4o-mini; takes no new "
                              "training jobs from 2027-01-06)")
    assert cost_phrase({"path": "lora", "monthly": 3.0}) == "lora $3.00"


def test_a_serving_end_spreads_training_over_fewer_months() -> None:
    p = {"train": 10.0, "tuned_input": 1.0, "tuned_output": 1.0, "amortise_months": 3.0}
    cost = fine_tune_cost(_usage(), p, 0.0)
    assert cost.amortise_months == 3
    assert cost.total_monthly == pytest.approx(cost.monthly + cost.one_off / 3)
    assert cost.fixed == pytest.approx(cost.one_off / 3)


def test_version_1_tables_still_load() -> None:
    """A user's copy of the old table keeps working: its models become offers."""
    costs = {c.path: c for c in compare(_usage(), PRICES, "m")}
    assert set(costs) == {"prompt_engineering", "lora", "full_fine_tune"}
    assert costs["full_fine_tune"].model == "m"


def test_compare_names_the_cheapest_provider_per_path() -> None:
    table = {"offers": [
        {"path": "prompt_engineering", "provider": "a", "model": "x", "input": 1.0,
         "cached_input": 0.5, "output": 2.0, "as_of": "2026-01-01"},
        {"path": "prompt_engineering", "provider": "b", "model": "y", "input": 0.5,
         "cached_input": 0.25, "output": 1.0, "as_of": "2026-02-01"},
        {"path": "lora", "kind": "hosted", "provider": "c", "model": "z", "train": 1.0,
         "tuned_input": 0.1, "tuned_output": 0.1, "hosting_month": 5.0}]}
    costs = {c.path: c for c in compare(_usage(), table)}
    assert (costs["prompt_engineering"].provider, costs["prompt_engineering"].as_of) == \
        ("b", "2026-02-01")
    lora = costs["lora"]
    assert lora.monthly == pytest.approx(5.0 + 1_000_000 * (100 * 0.1 + 10 * 0.1) / 1e6)
    assert lora.total_monthly == pytest.approx(lora.monthly + 50_000 * 2 * 1.0 / 1e6 / 12)
    assert "full_fine_tune" not in costs
    with pytest.raises(InputError, match="tuned_input"):
        offers({"offers": [{"path": "lora", "kind": "hosted", "train": 1.0}]})
    with pytest.raises(InputError, match="path 'rag'"):
        offers({"offers": [{"path": "rag"}]})


def test_unknown_model_and_missing_file_are_input_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="price table"):
        model_prices(PRICES, "nope")
    with pytest.raises(InputError, match="no such price file"):
        load_prices(tmp_path / "missing.toml")
