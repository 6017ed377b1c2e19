"""Hugging Face data: save_to_disk folders and .arrow files with pyarrow alone, and objects."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from tuneready.config.errors import InputError
from tuneready.io import LoadOptions, load_dataset

RECORDS = [{"messages": [{"role": "user", "content": f"question {i}"},
                         {"role": "assistant", "content": f"answer number {i}"}]}
           for i in range(9)]


def save_to_disk(folder: Path, records: list[dict], shards: int = 3) -> Path:
    """What ``datasets.Dataset.save_to_disk`` writes: Arrow IPC *stream* files, state.json
    listing them in order, dataset_info.json (built here with pyarrow only)."""
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist(records)
    size = -(-len(records) // shards)
    names = []
    for k in range(shards):
        name = f"data-{k:05d}-of-{shards:05d}.arrow"
        with pa.OSFile(str(folder / name), "wb") as sink, \
                pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table.slice(k * size, size))
        names.append({"filename": name})
    (folder / "state.json").write_text(json.dumps({"_data_files": names, "_split": None}))
    (folder / "dataset_info.json").write_text(json.dumps({"features": {}}))
    return folder


def test_save_to_disk_folder(tmp_path: Path) -> None:
    data = load_dataset(save_to_disk(tmp_path / "chats", RECORDS))
    assert data.format == "openai_chat" and data.n == 9 and data.reader == "arrow"
    assert data.frame["row_id"].tolist() == list(range(1, 10))
    assert data.frame["target"].tolist()[-1] == "answer number 8"
    assert data.sources[0]["path"] == "data-00000-of-00003.arrow"
    assert any("Hugging Face" in n for n in data.notes)


def test_dataset_dict_folder_and_split(tmp_path: Path) -> None:
    root = tmp_path / "dd"
    save_to_disk(root / "train", RECORDS, shards=1)
    save_to_disk(root / "test", RECORDS[:4], shards=1)
    (root / "dataset_dict.json").write_text(json.dumps({"splits": ["train", "test"]}))
    assert load_dataset(root).n == 9
    test = load_dataset(root, LoadOptions(split="test"))
    assert test.n == 4 and test.path == "dd/test"
    with pytest.raises(InputError, match="no split 'validation'; splits here: train, test"):
        load_dataset(root, LoadOptions(split="validation"))


def test_arrow_files_stream_and_file_format(tmp_path: Path) -> None:
    folder = save_to_disk(tmp_path / "one", RECORDS, shards=1)
    assert load_dataset(folder / "data-00000-of-00001.arrow").n == 9
    feather = tmp_path / "rows.arrow"
    table = pa.Table.from_pylist(RECORDS)
    with pa.OSFile(str(feather), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    assert load_dataset(feather).n == 9
    (tmp_path / "junk.arrow").write_bytes(b"not arrow")
    with pytest.raises(InputError, match="not a readable Arrow"):
        load_dataset(tmp_path / "junk.arrow")


def test_state_json_naming_a_missing_file(tmp_path: Path) -> None:
    folder = save_to_disk(tmp_path / "gone", RECORDS, shards=2)
    (folder / "data-00001-of-00002.arrow").unlink()
    with pytest.raises(InputError, match=r"data-00001-of-00002\.arrow.*not there"):
        load_dataset(folder)


def test_datasets_objects_in_the_api() -> None:
    datasets = pytest.importorskip("datasets")
    import tuneready
    from tuneready.io.hf import load_hf_object

    ds = datasets.Dataset.from_list(RECORDS)
    shuffled = ds.select([8, 7, 6])                     # an index mapping over the table
    data = load_hf_object(shuffled, LoadOptions())
    assert data.frame["target"].tolist() == [f"answer number {i}" for i in (8, 7, 6)]
    dd = datasets.DatasetDict({"train": ds, "test": ds.select(range(3))})
    assert load_hf_object(dd, LoadOptions(split="test")).n == 3
    with pytest.raises(InputError, match="splits: train, test"):
        load_hf_object(dd, LoadOptions(split="dev"))
    audit = tuneready.audit(dd, split="train", policy=None)
    assert audit.dataset["rows"] == 9 and audit.dataset["reader"] == "hf_dataset"


def test_pyarrow_table_in_the_api() -> None:
    import tuneready

    audit = tuneready.audit(pa.Table.from_pylist(RECORDS))
    assert audit.dataset["rows"] == 9 and audit.dataset["format"] == "openai_chat"
