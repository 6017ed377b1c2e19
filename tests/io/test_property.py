"""Property: whatever bytes, JSON or CSV a file holds, loading ends in a Dataset or one
InputError, never a traceback, and the file is left as it was.

Many examples go through the loader directly; a handful through the whole command (every
check), which must exit 0, 1 or 2.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tuneready.cli import app
from tuneready.config.errors import InputError
from tuneready.io import LoadOptions, load_dataset

SUFFIXES = (".jsonl", ".json", ".csv", ".tsv", ".jsonl.gz", ".csv.zst")
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                           max_leaves=20)
records = st.dictionaries(st.sampled_from(["text", "label", "messages", "prompt", "completion",
                                           "instruction", "output", "region", "x"]),
                          json_values, max_size=5)
cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "jsonl", "json", "csv"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "jsonl":
        rows = draw(st.lists(records | json_values, max_size=8))
        lines = [json.dumps(r) for r in rows] + draw(st.lists(st.text(max_size=20), max_size=2))
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    if kind == "json":
        return json.dumps(draw(st.lists(records | json_values, max_size=8))).encode()
    header = draw(st.lists(cells, min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(cells, max_size=5), max_size=8))
    text = "\n".join(",".join(r) for r in [header, *rows])
    return text.encode("utf-8", "surrogatepass")


@st.composite
def usable(draw: st.DrawFn) -> bytes:
    """Records the audit can use (so the whole chain of checks runs), with hostile text."""
    rows = draw(st.lists(st.fixed_dictionaries({
        "text": st.text(min_size=1, max_size=40),
        "label": st.sampled_from(["a", "b", "c"])}), min_size=1, max_size=40))
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _compress(data: bytes, suffix: str) -> bytes:
    if suffix.endswith(".gz"):
        import gzip

        return gzip.compress(data)
    if suffix.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contents(), st.sampled_from(SUFFIXES))
def test_loader_never_crashes_and_never_writes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"d{suffix}"
        path.write_bytes(_compress(data, suffix))
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            loaded = load_dataset(path, LoadOptions())
            assert loaded.n >= 1
        except InputError as exc:
            assert "\n" not in str(exc)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contents() | usable(), st.sampled_from((".jsonl", ".csv", ".json")))
def test_the_command_exits_0_1_or_2_and_leaves_the_input(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"d{suffix}"
        path.write_bytes(data)
        before = hashlib.sha256(data).hexdigest()
        result = CliRunner().invoke(app, ["audit", str(path), "--out", f"{tmp}/r", "--json"])
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            repr(result.exception)
        assert "Traceback" not in result.output
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
