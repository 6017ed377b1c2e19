"""Every fine-tuning format maps onto the same roles."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tuneready.config.errors import InputError
from tuneready.io import LoadOptions, load_dataset, load_frame

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _one(write, records, **opts):
    return load_dataset(write("d.jsonl", records), LoadOptions(**opts))


def test_classification_detects_columns(write) -> None:
    ds = _one(write, [{"sentence": "hi", "intent": "greet", "region": "eu"}] * 3)
    assert ds.format == "classification"
    assert ds.mapping["input"] == "sentence" and ds.mapping["label"] == "intent"
    assert ds.frame["label"].tolist() == ["greet"] * 3
    assert ds.group_columns == ["group:region"]


def test_numeric_labels_compare_as_text(write) -> None:
    ds = _one(write, [{"text": "a", "label": 1}, {"text": "b", "label": 1.0},
                      {"text": "c", "label": "1"}])
    assert set(ds.frame["label"]) == {"1"}


def test_openai_chat_with_tools_weights_and_null_content(write) -> None:
    rec = {"messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
        {"role": "tool", "content": "18C sunny", "tool_call_id": "c1"},
        {"role": "assistant", "content": "It is 18C and sunny.", "weight": 1},
        {"role": "user", "content": "thanks <|endoftext|>"},
        {"role": "assistant", "content": "ignored", "weight": 0},
    ]}
    ds = _one(write, [rec])
    row = ds.frame.iloc[0]
    assert ds.format == "openai_chat"
    assert row["target"] == "It is 18C and sunny."
    assert "weather in Paris?" in row["input"] and "18C sunny" in row["input"]
    assert row["n_train_turns"] == 2
    assert row["roles"].split("|")[0] == "system"


def test_typed_content_parts(write) -> None:
    rec = {"messages": [{"role": "user", "content": [{"type": "text", "value": "hi"}]},
                        {"role": "assistant", "content": [{"type": "text", "text": "hello"}]}]}
    row = _one(write, [rec]).frame.iloc[0]
    assert (row["input"], row["target"]) == ("hi", "hello")


def test_sharegpt_with_function_calls(write) -> None:
    rec = {"conversations": [
        {"from": "human", "value": "find a recipe"},
        {"from": "function_call", "value": "{\"name\": \"search\"}"},
        {"from": "observation", "value": "{\"recipes\": []}"},
        {"from": "gpt", "value": "No recipes found."}], "tools": "[]"}
    ds = _one(write, [rec])
    assert ds.format == "sharegpt"
    assert ds.frame.iloc[0]["roles"] == "user|assistant|tool|assistant"
    assert ds.frame.iloc[0]["target"] == "No recipes found."


def test_alpaca_prompt_completion_preference_kto(write) -> None:
    alpaca = _one(write, [{"instruction": "Add", "input": "2+2", "output": "4"}])
    assert alpaca.format == "alpaca" and alpaca.frame.iloc[0]["input"] == "Add\n2+2"
    pc = _one(write, [{"prompt": "Q?", "completion": "A."}])
    assert pc.format == "prompt_completion" and pc.frame.iloc[0]["target"] == "A."
    pref = _one(write, [{"prompt": [{"role": "user", "content": "Q?"}],
                         "chosen": [{"role": "assistant", "content": "good"}],
                         "rejected": [{"role": "assistant", "content": "bad"}]}])
    assert pref.format == "preference"
    assert (pref.frame.iloc[0]["target"], pref.frame.iloc[0]["rejected"]) == ("good", "bad")
    kto = _one(write, [{"messages": [{"role": "user", "content": "q"},
                                     {"role": "assistant", "content": "a"}], "label": False}])
    assert kto.format == "kto" and kto.frame.iloc[0]["label"] == "undesirable"


def test_openai_preference_shape(write) -> None:
    rec = {"input": {"messages": [{"role": "user", "content": "Q"}]},
           "preferred_output": [{"role": "assistant", "content": "yes"}],
           "non_preferred_output": [{"role": "assistant", "content": "no"}]}
    row = _one(write, [rec]).frame.iloc[0]
    assert (row["input"], row["target"], row["rejected"]) == ("Q", "yes", "no")


def test_bad_records_become_problems_with_fields(write) -> None:
    recs = [{"messages": [{"role": "user", "content": "q"}, {"role": "assistant",
                                                              "content": "a"}]},
            {"messages": "not a list"},
            {"messages": [{"content": "no role"}]}]
    ds = _one(write, recs)
    assert ds.n == 1
    assert [(p.line, p.field) for p in ds.problems] == [(2, "messages"), (3, "messages[0].role")]


def test_closed_set_targets_become_labels(write) -> None:
    recs = [{"messages": [{"role": "user", "content": f"msg {i}"},
                          {"role": "assistant", "content": ["yes", "no"][i % 2]}]}
            for i in range(40)]
    ds = _one(write, recs)
    assert set(ds.frame["label"]) == {"yes", "no"}
    assert "closed set" in ds.mapping["label"]


def test_flags_override_detection(write) -> None:
    ds = _one(write, [{"body": "x", "answer": "y", "team": "t"}] * 3,
              text="body", label="answer", groups=("team",), format="classification")
    assert ds.frame.iloc[0][["input", "label", "group:team"]].tolist() == ["x", "y", "t"]


@pytest.mark.parametrize(("opts", "match"), [
    ({"label": "missing"}, "--label"),
    ({"groups": ("nope",)}, "group column"),
    ({"format": "weird"}, "unknown format"),
])
def test_bad_flags_are_input_errors(write, opts, match) -> None:
    with pytest.raises(InputError, match=match):
        _one(write, [{"text": "a", "label": "b"}], **opts)


def test_unrecognised_fields_name_what_was_found(write) -> None:
    with pytest.raises(InputError, match="zzz"):
        _one(write, [{"zzz": 1}])


def test_only_bad_lines_is_an_input_error(write) -> None:
    with pytest.raises(InputError, match="no usable records") as info:
        load_dataset(write("d.jsonl", "nope\n{broken\n"))
    assert info.value.line == 1


def test_load_frame_row_ids_are_one_based() -> None:
    ds = load_frame(pd.DataFrame({"text": ["a", "b"], "label": ["x", "y"]}))
    assert ds.frame["row_id"].tolist() == [1, 2]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data not present")
@pytest.mark.parametrize("name", ["alpaca_en_demo.json", "identity.json", "dpo_en_demo.json",
                                  "glaive_toolcall_en_demo.json", "kto_en_demo.json",
                                  "v1_sft_demo.jsonl"])
def test_real_llamafactory_files_load(name) -> None:
    ds = load_dataset(SHARED / "llamafactory_demo" / name)
    assert ds.n > 50 and not ds.problems
    assert (ds.frame["target"].str.len() > 0).mean() > 0.95


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data not present")
def test_real_sms_file_reports_swallowed_rows() -> None:
    ds = load_dataset(SHARED / "sms_spam" / "sms-spam.csv")
    swallowed = [p for p in ds.problems if p.code == "swallowed_records"]
    assert len(swallowed) == 8
    assert ds.frame["input"].str.len().max() < 1000
    assert json.dumps([p.to_dict() for p in ds.problems])


def test_other_scalar_fields_are_kept_as_source_columns_roles_are_not() -> None:
    """The privacy check reads fields no role uses (names, birth dates) from ``source:``."""
    import pandas as pd

    from tuneready.io import load_frame

    frame = pd.DataFrame({"text": ["a b", "c d"], "label": ["x", "y"],
                          "full_name": ["Ann Lee", None], "age": [31, 42]})
    ds = load_frame(frame)
    assert ds.source_columns == ["source:age", "source:full_name"]
    assert ds.frame["source:full_name"].tolist() == ["Ann Lee", ""]
    assert ds.frame["source:age"].tolist() == ["31", "42"]
    alpaca = load_frame(pd.DataFrame({"instruction": ["q"], "input": [""], "output": ["a"],
                                      "case_number": ["C-1"]}))
    assert alpaca.source_columns == ["source:case_number"]
