"""Shards: folders, globs and lists of files load as one data set with unique row ids."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from tuneready.config.errors import InputError
from tuneready.core.results import locate
from tuneready.io import LoadOptions, load_dataset
from tuneready.io.sources import resolve


def _records(n: int, start: int = 0) -> list[dict]:
    return [{"text": f"row number {i}", "label": "ab"[i % 2]} for i in range(start, start + n)]


def _jsonl(path: Path, recs: list[dict], blank: bool = False) -> Path:
    body = "".join(json.dumps(r) + "\n" for r in recs) + ("\n" if blank else "")
    path.write_bytes(gzip.compress(body.encode()) if path.suffix == ".gz" else body.encode())
    return path


def test_folder_of_shards_numbers_rows_as_if_concatenated(tmp_path: Path) -> None:
    shards = tmp_path / "data"
    shards.mkdir()
    _jsonl(shards / "part-0.jsonl.gz", _records(3), blank=True)   # 4 lines
    _jsonl(shards / "part-1.jsonl", _records(2, 3))
    (shards / "README.md").write_text("not data")
    (shards / ".hidden.jsonl").write_text("ignored")
    data = load_dataset(shards)
    assert data.path == "data/" and data.n == 5
    assert data.frame["row_id"].tolist() == [1, 2, 3, 5, 6]
    assert [(s["path"], s["first_row"], s["last_row"]) for s in data.sources] == [
        ("part-0.jsonl.gz", 1, 4), ("part-1.jsonl", 5, 6)]
    assert locate(data.sources, 6) == ("part-1.jsonl", 2)
    assert data.describe()["sources"] == data.sources


def test_glob_and_several_paths_are_the_same_data_set(tmp_path: Path) -> None:
    for k in range(3):
        _jsonl(tmp_path / f"train-{k}.jsonl", _records(2, 2 * k))
    by_glob = load_dataset(str(tmp_path / "train-*.jsonl"))
    by_list = load_dataset(sorted(tmp_path.glob("train-*.jsonl")))
    assert by_glob.frame.equals(by_list.frame) and by_glob.n == 6
    assert by_glob.sha256 == by_list.sha256 != by_glob.sources[0]["sha256"]


def test_parquet_shards_and_column_clash(tmp_path: Path) -> None:
    pd.DataFrame(_records(3)).to_parquet(tmp_path / "train-00000-of-00002.parquet")
    pd.DataFrame(_records(2, 3)).to_parquet(tmp_path / "train-00001-of-00002.parquet")
    pd.DataFrame(_records(2)).to_parquet(tmp_path / "test-00000-of-00001.parquet")
    train = load_dataset(tmp_path)
    assert train.n == 5 and train.frame["row_id"].tolist() == [1, 2, 3, 4, 5]
    assert load_dataset(tmp_path, LoadOptions(split="test")).n == 2
    with pytest.raises(InputError, match=r"no split 'dev'.*test, train"):
        load_dataset(tmp_path, LoadOptions(split="dev"))
    odd = tmp_path / "odd"
    odd.mkdir()
    pd.DataFrame(_records(2)).to_parquet(odd / "a.parquet")
    pd.DataFrame({"text": ["x"], "intent": ["y"]}).to_parquet(odd / "b.parquet")
    with pytest.raises(InputError, match=r"b\.parquet.*same columns"):
        load_dataset(odd)


def test_shards_must_share_a_format_and_a_bad_shard_is_named(tmp_path: Path) -> None:
    _jsonl(tmp_path / "a.jsonl", _records(2))
    (tmp_path / "b.csv").write_text("text,label\nx,y\n")
    with pytest.raises(InputError, match=r"b\.csv.*same format"):
        load_dataset(tmp_path)
    (tmp_path / "b.csv").unlink()
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n')[:-6])
    with pytest.raises(InputError, match=r"c\.jsonl\.gz.*truncated"):
        load_dataset(tmp_path)


@pytest.mark.parametrize(("make", "match"), [
    (lambda p: str(p / "none-*.jsonl"), "no files match"),
    (lambda p: p / "missing.jsonl", "no such file"),
    (lambda p: p, "no data files"),
])
def test_nothing_to_read_is_a_clear_error(tmp_path: Path, make, match) -> None:
    with pytest.raises(InputError, match=match):
        load_dataset(make(tmp_path))


def test_split_only_where_there_are_splits(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "a.jsonl", _records(2))
    with pytest.raises(InputError, match="--split applies"):
        resolve([path], "train")
    (tmp_path / "x.jsonl.zst").write_bytes(b"")
    assert resolve([tmp_path / "x.jsonl.zst"], None).slug == "x"
    assert resolve([str(tmp_path / "a*.jsonl")], None).slug == "a"
