"""Policies are validated once, when loaded: types from default.toml, ranges, ladders, names."""

from __future__ import annotations

import pickle
import tomllib
from pathlib import Path

import pytest

from tuneready.config.errors import InputError
from tuneready.config.policy import load_policy, packaged_names, packaged_text
from tuneready.config.settings import SettingError, Settings, validate


def _load(tmp_path: Path, body: str):
    path = tmp_path / "p.toml"
    path.write_text(body)
    return load_policy(path)


@pytest.mark.parametrize(("body", "match"), [
    ("[label_noise]\nwarn_rate = 'high'\n", r"p\.toml:2: \[label_noise\] warn_rate: expected a "
                                            r"number from 0 to 1, found 'high'"),
    ("[label_noise]\nwarn_rate = 1.5\n", "from 0 to 1, found 1.5"),
    ("[label_noise]\nwarn_rate = 0.3\n", "warn_rate \\(0.3\\) must not exceed fail_rate"),
    ("[size]\nlora_min = 5000\n", r"\[size\] lora_min: lora_min \(5000\) must not exceed "
                                  "full_finetune_min"),
    ("[size]\nlora_min = 10.5\n", "expected an integer"),
    ("[size]\nlora_min = true\n", "expected an integer"),
    ("[size]\nper_class_min = -1\n", ">= 0"),
    ("[audit]\nrequired = 'not_ready'\n", "one of full_fine_tune, lora, prompt_engineering"),
    ("[schema]\nencoding = 'gpt2'\n", "cl100k_base, o200k_base"),
    ("[schema]\nrequired = ['input', 'answer']\n", r"required\[1\]: expected one of input"),
    ("[schema]\nallowed_labels = [0, 1]\n", "expected a string"),
    ("[bias]\nlexicon = 'sometimes'\n", "auto, always, never"),
    ("[bias]\nblock = 'yes'\n", "expected true or false"),
    ("[bias]\nintersect = ['gender']\n", "two group columns"),
    ("[bias]\nreference = { gender = 0.5 }\n", "reference.gender"),
    ("[duplicates]\nbands = 7\n", "multiple of bands"),
    ("[domain]\ncurve_fractions = [0.5, 0.2]\n", "increasing"),
    ("[domain]\nenglish_min_share = 1.5\n", "english_min_share: expected a number from 0 to 1"),
    ("[domain]\nspaced_min_share = -0.1\n", "spaced_min_share: expected a number from 0 to 1"),
    ("[domain]\nopening_chars = 0\n", "opening_chars"),
    ("[duplicates]\nenglish_min_share = 2\n", "from 0 to 1"),
    ("[bias]\nenglish_min_share = 'most'\n", "from 0 to 1"),
    ("[complements]\nspaced_min_share = 1.1\n", "from 0 to 1"),
    ("[context]\ntask = 'chat'\n", "behaviour, knowledge, unknown"),
    ("[context]\nmodel = 'gpt-9'\n", "not in the price table"),
    ("[context]\nbaseline_score = 0.9\n", "target_score is needed"),
    ("[nosuch]\nx = 1\n", r"p\.toml:1: unknown table \[nosuch\]; allowed: audit"),
    ("[size]\nlora_minimum = 5\n", r"p\.toml:2: \[size\] lora_minimum: unknown key; allowed"),
    ("size = 3\n", "must be a table"),
])
def test_bad_settings_are_one_line_errors_naming_file_table_and_key(tmp_path, body,
                                                                      match) -> None:
    with pytest.raises(InputError, match=match) as info:
        _load(tmp_path, body)
    assert "\n" not in str(info.value)


def test_numbers_are_coerced_to_the_default_type(tmp_path) -> None:
    policy = _load(tmp_path, "[size]\nmax_imbalance_ratio = 20\n[context]\nbaseline_score = "
                             "-1\n")
    value = policy.for_check("size")["max_imbalance_ratio"]
    assert value == 20.0 and isinstance(value, float)
    assert load_policy().for_check("bias")["reference"] == {}


def test_every_packaged_policy_is_valid() -> None:
    for name in packaged_names():
        load_policy(name)


def test_a_key_added_to_the_default_is_typed_from_its_value() -> None:
    defaults = tomllib.loads(packaged_text("default"))
    defaults["label_noise"]["review_sample"] = 200          # as another engineer would add
    defaults["label_noise"]["label_kind"] = "auto"
    values = {t: dict(v) for t, v in defaults.items()}
    values["label_noise"]["review_sample"] = "many"
    with pytest.raises(SettingError, match="expected an integer"):
        validate(values, defaults)
    values["label_noise"].update(review_sample=50, label_kind=3)
    with pytest.raises(SettingError, match="expected a string"):
        validate(values, defaults)


def test_settings_are_read_only_and_for_check_is_a_copy() -> None:
    table = Settings({"a": 1})
    with pytest.raises(TypeError):
        table["a"] = 2
    assert pickle.loads(pickle.dumps(table)) == table
    policy = load_policy()
    copy = policy.for_check("size")
    copy["lora_min"] = 1
    assert policy.for_check("size")["lora_min"] == 100


def test_command_line_overrides_are_validated_and_name_the_option() -> None:
    policy = load_policy()
    with pytest.raises(InputError, match="--latency-ms: expected an integer >= 0"):
        policy.with_overrides("context", {"latency_ms": -5}, {"latency_ms": "--latency-ms"})
    assert policy.with_overrides("context", {"task": None}) is policy
