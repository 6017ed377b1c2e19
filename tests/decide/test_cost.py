"""Cost model: pure arithmetic over a price table from a file."""

from __future__ import annotations

from datetime import date

import pytest

from tuneready.config.errors import InputError
from tuneready.decide.cost import (
    Usage,
    compare,
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


def test_packaged_price_table_is_dated_and_complete() -> None:
    """Every entry has its own date, source page, how it was obtained and whether it was
    confirmed; every path has at least one provider, LoRA a hosted adapter one too."""
    prices = load_prices()
    assert prices["as_of"] and prices["version"] == 2
    entries = offers(prices)
    for o in entries:
        date.fromisoformat(o.as_of)
        assert o.source and o.via and isinstance(o.confirmed, bool) and o.provider
    paths = {(o.path, o.kind) for o in entries}
    assert {("prompt_engineering", "api"), ("full_fine_tune", "api"), ("lora", "hosted"),
            ("lora", "gpu")} <= paths
    assert len({o.provider for o in entries if o.path == "prompt_engineering"}) >= 3


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
