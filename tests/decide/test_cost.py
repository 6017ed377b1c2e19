"""Cost model: pure arithmetic over a price table from a file."""

from __future__ import annotations

import pytest

from tuneready.config.errors import InputError
from tuneready.decide.cost import (
    Usage,
    compare,
    fine_tune_cost,
    load_prices,
    model_prices,
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
    prices = load_prices()
    assert prices["as_of"] and prices["version"]
    for name in prices["models"]:
        assert set(model_prices(prices, name)) >= {"input", "cached_input", "output", "train",
                                                    "tuned_input", "tuned_output"}


def test_unknown_model_and_missing_file_are_input_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="price table"):
        model_prices(PRICES, "nope")
    with pytest.raises(InputError, match="no such price file"):
        load_prices(tmp_path / "missing.toml")
