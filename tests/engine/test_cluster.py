"""--engine dask: exact numbers identical to the single-machine path, on a 2-worker cluster.

Skipped when the optional extra (``tuneready[dask]``) is not installed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

from tuneready.engine.cluster import Cluster, load_on_cluster
from tuneready.evidence.label_issues import conflicting_duplicates
from tuneready.evidence.store import Evidence
from tuneready.io import LoadOptions, load_dataset
from tuneready.io.sample import population_counts

ROWS = 200_000
SHARDS = 4


def write_shards(folder: Path, rows: int, shards: int) -> list[Path]:
    """JSONL shards with repeats, conflicting labels, unlabelled rows and malformed lines."""
    rng = random.Random(0)
    words = [f"w{i}" for i in range(3000)]
    per = rows // shards
    paths = []
    for s in range(shards):
        path = folder / f"part-{s}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(per):
                if i % 9973 == 5:
                    fh.write("{not json\n")
                    continue
                text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
                if rng.random() < 0.1:
                    text = "repeat " + str(rng.randrange(200))  # exact copies across shards
                record: dict[str, str] = {"text": text}
                if rng.random() < 0.9:
                    record["label"] = rng.choice(["a", "b", "c", "rare"] if i % 50 else ["d"])
                fh.write(json.dumps(record) + "\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_shards(tmp_path_factory.mktemp("shards"), ROWS, SHARDS)


def test_cluster_counts_are_identical_to_the_single_machine_path(shards: list[Path]) -> None:
    options = LoadOptions(format="classification")
    single = load_dataset(shards, options)
    frame = single.frame
    counts = population_counts(frame)
    ev = Evidence(single)
    _, groups = conflicting_duplicates(ev.input_hash, frame["label"])
    data = load_on_cluster(list(shards), options, Cluster(workers=2), sample_n=20_000)
    pop = data.population
    assert pop["raw_n"] == counts["raw_n"] == len(frame)
    assert pop["distinct_n"] == counts["distinct_n"]
    assert pop["exact_duplicates"] == len(frame) - counts["distinct_n"] > 0
    assert pop["label_counts"] == counts["label_counts"]
    assert pop["conflicting_prompts"] == groups > 0
    assert pop["input_chars_total"] == int(frame["input"].str.len().sum())
    assert pop["input_chars_max"] == int(frame["input"].str.len().max())
    # malformed records: the same lines, named by shard and line within the shard
    assert [p.line for p in data.problems] == [p.line for p in single.problems]
    assert pop["malformed_records"] == len(single.problems) > 0
    first = pop["malformed"][0]
    assert (first["shard"], first["line"]) == ("part-0.jsonl", 6)
    assert [s["first_row"] for s in data.sources] == [s["first_row"] for s in single.sources]
    # the sample: real rows (same ids, same content), each label in proportion
    by_id = frame.set_index("row_id")
    sample = data.frame.set_index("row_id")
    assert abs(len(sample) - 20_000) <= 6
    assert sample["input"].equals(by_id.loc[sample.index, "input"])
    shares = sample["label"].value_counts(normalize=True, dropna=False)
    truth = frame["label"].value_counts(normalize=True, dropna=False)
    assert np.allclose(shares.sort_index(), truth.sort_index(), atol=0.002)
    assert data.sample_fraction == pytest.approx(len(sample) / len(frame))


def test_cluster_sample_is_seeded(shards: list[Path]) -> None:
    options = LoadOptions(format="classification")
    one = load_on_cluster(shards[:2], options, Cluster(workers=2), sample_n=2_000)
    two = load_on_cluster(shards[:2], options, Cluster(workers=1), sample_n=2_000)
    assert one.frame["row_id"].tolist() == two.frame["row_id"].tolist()


def test_audit_command_runs_on_a_local_cluster(shards: list[Path], tmp_path: Path) -> None:
    """End to end: the counts in audit.json are the cluster's, and say so."""
    from typer.testing import CliRunner

    from tuneready.cli import app

    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["audit", str(shards[0]), "--format", "classification",
                                      "--engine", "dask", "--workers", "2", "--sample", "2000",
                                      "--out", str(out), "--json"])
    assert result.exit_code in (0, 1), result.output
    audit = json.loads((out / "audit.json").read_text())
    population = audit["dataset"]["population"]
    single = population_counts(load_dataset(shards[0]).frame)
    assert population["engine"] == "dask"
    assert population["raw_n"] == single["raw_n"]
    assert population["distinct_n"] == single["distinct_n"]
    assert audit["dataset"]["rows"] < 2100
    _flagged_rows_are_real_rows(out, shards[0], audit)


def _flagged_rows_are_real_rows(out: Path, shard: Path, audit: dict) -> None:  # type: ignore[type-arg]
    """flagged.csv under the Dask engine: the sampled checks' lines are rows of the sample,
    named by their real row ids (the hash is of that line's text); malformed records are
    every one the cluster found; exact repeats are the sample's only (their finding counts
    every row: README)."""
    import csv

    from tuneready.io.review_file import input_hash

    texts: dict[int, str] = {}
    for line_no, line in enumerate(shard.read_text("utf-8").splitlines(), start=1):
        try:
            texts[line_no] = json.loads(line)["text"]
        except ValueError:
            continue
    with (out / "flagged.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    hashed = [r for r in rows if r["input_hash"]]
    assert hashed and all(r["input_hash"] == input_hash(texts[int(r["row_id"])])
                          for r in hashed)
    malformed = [r for r in rows if r["finding"] == "schema.invalid_json"]
    assert len(malformed) == audit["dataset"]["population"]["malformed_records"] > 0
    assert all(int(r["row_id"]) not in texts and not r["input_hash"] for r in malformed)
    size = next(c for c in audit["checks"] if c["name"] == "size")
    repeats = next(f for f in size["findings"] if f["code"] == "size.exact_duplicates")
    lines = [r for r in rows if r["finding"] == "size.exact_duplicates"]
    assert 0 < len(lines) < repeats["n_rows"]


def test_cluster_sample_with_unequal_shards_is_the_smallest_keys(tmp_path: Path) -> None:
    """One large shard and three tiny ones: the scans' candidates fall short of the quotas,
    the shards are read again, and the sample is still, per label, the rows with the
    smallest seeded keys over the whole data set."""
    from tuneready.engine.cluster import quotas
    from tuneready.engine.shardscan import sample_keys

    for name in ("big", "s0", "s1", "s2"):
        (tmp_path / name).mkdir()
    big = write_shards(tmp_path / "big", 40_000, 1)[0]
    small = [write_shards(tmp_path / f"s{i}", 100, 1)[0] for i in range(3)]
    paths = [big, *[path.rename(big.with_name(f"tiny-{i}.jsonl"))
                    for i, path in enumerate(small)]]
    options = LoadOptions(format="classification")
    data = load_on_cluster(paths, options, Cluster(workers=2), sample_n=5_000)
    frames = []
    offset = 0
    for path in paths:
        part = load_dataset(path, options)
        frame = part.frame.assign(key=sample_keys(part.frame, path.name, 0))
        frame["row_id"] = frame["row_id"] + offset
        offset += int(part.sources[0]["last_row"])
        frames.append(frame)
    every = pd.concat(frames, ignore_index=True)
    every["lab"] = every["label"].fillna("")
    counts = every["lab"].value_counts()
    wanted = quotas({k: int(v) for k, v in counts.items() if k}, int(counts.get("", 0)), 5_000)
    expected = sorted(int(r) for lab, k in wanted.items()
                      for r in every[every["lab"] == lab].nsmallest(k, "key")["row_id"])
    assert data.frame["row_id"].tolist() == expected
