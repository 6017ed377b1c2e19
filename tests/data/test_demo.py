"""The bundled demo file is exactly what the generator produces, defects included."""

from __future__ import annotations

import json

from tuneready.data.demo import generate, packaged_path, to_jsonl


def test_packaged_demo_matches_generator() -> None:
    assert packaged_path().read_text(encoding="utf-8") == to_jsonl(generate())


def test_demo_has_the_planted_defects() -> None:
    rows = [json.loads(line) for line in packaged_path().read_text().splitlines()]
    assert 1400 <= len(rows) <= 1600
    flipped = sum(bool(r["_truth_flipped"]) for r in rows) / len(rows)
    dups = sum(bool(r.get("_truth_duplicate")) for r in rows) / len(rows)
    assert 0.05 < flipped < 0.12 and 0.03 < dups < 0.07
    west = [r for r in rows if r["region"] == "west"]
    west_noise = sum(bool(r["_truth_flipped"]) for r in west) / len(west)
    assert west_noise > 2 * flipped * 0.8
