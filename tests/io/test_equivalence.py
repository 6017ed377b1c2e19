"""One data set, five containers: the same findings and verdict from each.

Plain JSONL, gzip, zstd, a folder of 4 shards and a Hugging Face ``save_to_disk`` folder hold
the same records. Row ids are the line (record) numbers, and shards are numbered as if
concatenated, so even the finding rows agree (the issue only asks for "row ids aside").
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import zstandard

from tests.conftest import make_texts
from tests.io.test_hf import save_to_disk
from tuneready.engine.pipeline import AuditOptions, run_audit


def _records() -> list[dict]:
    frame = make_texts(240, seed=3)
    frame.loc[::17, "label"] = "weather"                       # some wrong labels
    records = frame.to_dict(orient="records")
    return records + records[:12]                              # and exact duplicates


def test_same_findings_and_verdict_from_every_container(tmp_path: Path) -> None:
    records = _records()
    lines = [json.dumps(r) + "\n" for r in records]
    body = "".join(lines).encode()
    plain = tmp_path / "train.jsonl"
    plain.write_bytes(body)
    (tmp_path / "train.jsonl.gz").write_bytes(gzip.compress(body))
    (tmp_path / "train.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(body))
    shards = tmp_path / "shards"
    shards.mkdir()
    quarter = -(-len(lines) // 4)
    for k in range(4):
        chunk = "".join(lines[k * quarter:(k + 1) * quarter]).encode()
        (shards / f"train-{k}.jsonl.gz").write_bytes(gzip.compress(chunk))
    hf = save_to_disk(tmp_path / "hf", records, shards=3)
    sources = [plain, tmp_path / "train.jsonl.gz", tmp_path / "train.jsonl.zst", shards, hf]
    audits = [run_audit(s, AuditOptions()).to_dict() for s in sources]
    first = audits[0]
    assert first["findings"], "the fixture should produce findings"
    for other, source in zip(audits[1:], sources[1:], strict=True):
        assert json.dumps(other["findings"]) == json.dumps(first["findings"]), source
        assert other["recommendation"] == first["recommendation"], source
    assert audits[3]["dataset"]["sources"][1]["first_row"] == quarter + 1
