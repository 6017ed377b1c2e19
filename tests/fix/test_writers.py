"""Round trips of the cleaned-file writers: every reader's format, kept records as read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tuneready.fix.writers import ShardJob, relabel, replace_fields, write_shard
from tuneready.io.readers import read_file
from tuneready.io.streams import Opened


def _job(path: Path, reader: str, keep: set[int], target: Path,
         labels: dict[int, str] | None = None, field: str = "label") -> ShardJob:
    raw = read_file(path, reader)
    starts = tuple(line for line, _ in raw.records) + tuple(p.line for p in raw.problems)
    edits = {n: relabel(field, v) for n, v in (labels or {}).items()}
    return ShardJob(path, reader, keep, edits, target, starts)


CHAT = [
    {"messages": [{"role": "user", "content": "weather in Paris?"},
                  {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                   "function": {"name": "weather", "arguments": "{\"city\": \"Paris\"}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
                  {"role": "assistant", "content": "Sunny.", "weight": 1}],
     "tools": [{"type": "function", "function": {"name": "weather", "parameters": {}}}],
     "zz_meta": {"source": "x"}, "label": 1},
    {"label": 0, "messages": [{"role": "user", "content": "hi \u00e9"},
                              {"role": "assistant", "content": "hello", "weight": 0}]},
    {"messages": [{"role": "user", "content": "bye"},
                  {"role": "assistant", "content": "ciao"}], "label": 1},
]


def _jsonl(path: Path) -> list[bytes]:
    lines = [json.dumps(r, ensure_ascii=i != 1).encode() + b"\n" for i, r in enumerate(CHAT)]
    path.write_bytes(b"".join(lines[:1]) + b"{not json\n" + b"".join(lines[1:]))
    return lines


def test_jsonl_keeps_lines_byte_for_byte_tools_weights_tool_calls(tmp_path: Path) -> None:
    src = tmp_path / "chat.jsonl"
    lines = _jsonl(src)
    out = tmp_path / "out.jsonl"
    write_shard(_job(src, "jsonl", {1, 3, 4}, out), "utf-8")  # line 2 is malformed
    assert out.read_bytes() == lines[0] + lines[1] + lines[2]
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    assert kept[0]["tools"] == CHAT[0]["tools"] and kept[0]["messages"][1]["tool_calls"]
    assert list(kept[0]) == list(CHAT[0])  # key order


def test_jsonl_relabel_keeps_key_order_and_type(tmp_path: Path) -> None:
    src = tmp_path / "chat.jsonl"
    lines = _jsonl(src)
    out = tmp_path / "out.jsonl"
    write_shard(_job(src, "jsonl", {1, 3}, out, labels={4: "0"}), "utf-8")
    got = out.read_bytes().splitlines(keepends=True)
    assert got[:2] == lines[:2]
    relabelled = json.loads(got[2])
    assert relabelled["label"] == 0 and list(relabelled) == list(CHAT[2])


def test_gzip_and_zstd_inputs_come_back_compressed_the_same_way(tmp_path: Path) -> None:
    import zstandard

    body = b'{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n'
    gz = tmp_path / "d.jsonl.gz"
    gz.write_bytes(gzip.compress(body))
    zst = tmp_path / "d.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(body))
    for src in (gz, zst):
        out = tmp_path / ("out" + "".join(src.suffixes))
        write_shard(_job(src, "jsonl", {2}, out), "utf-8")
        with Opened(out) as opened:
            assert opened.compression == Opened(src).compression
            assert opened.stream.read() == b'{"text": "b", "label": "y"}\n'


def test_csv_quoted_newlines_dialect_and_unnamed_header(tmp_path: Path) -> None:
    text = (',spam,text\r\n0,0,"line one\r\nline two, with comma"\r\n1,1,=cmd\r\n'
            '2,0,"say ""hi"""\r\n')
    src = tmp_path / "s.csv"
    src.write_bytes(text.encode())
    out = tmp_path / "o.csv"
    write_shard(_job(src, "csv", {2, 5}, out, labels={5: "1"}, field="spam"), "utf-8")
    got = out.read_bytes().decode()
    assert got.startswith(',spam,text\r\n0,0,"line one\r\nline two, with comma"\r\n')
    rows = [rec for _, rec in read_file(out, "csv").records]
    assert rows == [{"column_0": "0", "spam": "0", "text": "line one\nline two, with comma"},
                    {"column_0": "2", "spam": "1", "text": 'say "hi"'}]
    assert got.endswith('2,1,"say ""hi"""\r\n')


def test_tsv_latin1_stays_latin1(tmp_path: Path) -> None:
    src = tmp_path / "t.tsv"
    src.write_bytes("text\tlabel\ncaf\u00e9\ta\nna\u00efve\tb\n".encode("latin-1"))
    out = tmp_path / "o.tsv"
    raw = read_file(src, "tsv", "latin-1")
    job = ShardJob(src, "tsv", {3}, {3: relabel("label", "c")}, out,
                   tuple(r for r, _ in raw.records))
    write_shard(job, "latin-1")
    assert out.read_bytes() == "text\tlabel\nna\u00efve\tc\n".encode("latin-1")


def test_label_lines_relabel_keeps_spacing(tmp_path: Path) -> None:
    src = tmp_path / "trec.txt"
    src.write_bytes(b"DESC:def what is x ?\nNUM:count  how many y ?\nLOC:city where z ?\n")
    out = tmp_path / "o.txt"
    write_shard(_job(src, "label-lines", {1, 2}, out, labels={2: "HUM:ind"}), "utf-8")
    assert out.read_bytes() == b"DESC:def what is x ?\nHUM:ind  how many y ?\n"


def test_json_array_keeps_element_text_and_unknown_fields(tmp_path: Path) -> None:
    records = [{"instruction": "a", "input": "", "output": "x", "extra": [1, 2]},
               {"instruction": "b", "input": "", "output": "y", "system": "s"},
               {"instruction": "c", "input": "", "output": "z", "label": "p"}]
    src = tmp_path / "a.json"
    src.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    raw = read_file(src, "json")
    lines = [line for line, _ in raw.records]
    out = tmp_path / "o.json"
    write_shard(ShardJob(src, "json", {lines[0], lines[2]}, {lines[2]: relabel("label", "q")},
                         out,
                         tuple(lines)), "utf-8")
    got = json.loads(out.read_text())
    assert got == [records[0], {**records[2], "label": "q"}]
    assert json.dumps(records[0], indent=2).replace("\n", "\n  ") in out.read_text()
    assert list(got[1]) == list(records[2])


def test_one_line_json_array(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[{"text": "a", "label": "x"}]')
    out = tmp_path / "o.json"
    write_shard(ShardJob(src, "json", {1}, {}, out, (1,)), "utf-8")
    assert json.loads(out.read_text()) == [{"text": "a", "label": "x"}]


@pytest.mark.parametrize("kind", ["parquet", "arrow"])
def test_tables_keep_schema_and_metadata(tmp_path: Path, kind: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"text": ["a", "b", "c"], "label": pa.array([0, 1, 1], pa.int8()),
                      "meta": [{"k": 1}, {"k": 2}, {"k": 3}]},
                     metadata={"origin": "test"})
    src = tmp_path / f"t.{kind}"
    if kind == "parquet":
        pq.write_table(table, src, compression="zstd")
    else:
        with pa.OSFile(str(src), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    out = tmp_path / f"o.{kind}"
    write_shard(ShardJob(src, kind, {1, 3}, {3: relabel("label", "0")}, out), "utf-8")
    if kind == "parquet":
        got = pq.read_table(out)
        assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"
    else:
        got = pa.ipc.open_stream(pa.memory_map(str(out))).read_all()
    assert got.schema.equals(table.schema, check_metadata=True)
    assert got.to_pylist() == [{"text": "a", "label": 0, "meta": {"k": 1}},
                               {"text": "c", "label": 0, "meta": {"k": 3}}]


def test_utf16_and_bom_survive(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    src.write_bytes("text,label\nal\u00e9,a\nbob,b\n".encode("utf-16"))
    out = tmp_path / "o.csv"
    write_shard(ShardJob(src, "csv", {3}, {}, out, (2, 3)), "utf-8")
    assert out.read_bytes() == "text,label\nbob,b\n".encode("utf-16")
    bom = tmp_path / "b.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"text": "a"}\n{"text": "b"}\n')
    write_shard(ShardJob(bom, "jsonl", {2}, {}, out.with_suffix(".jsonl"), (1, 2)), "utf-8")
    assert out.with_suffix(".jsonl").read_bytes() == b'\xef\xbb\xbf{"text": "b"}\n'


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "d.jsonl"
    src.write_bytes(b'{"text": "a"}\n')
    out = tmp_path / "o.jsonl"

    def boom(*_a: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr("tuneready.fix.writers._copy_spans", boom)
    with pytest.raises(RuntimeError):
        write_shard(ShardJob(src, "jsonl", {1}, {}, out, (1,)), "utf-8")
    assert list(tmp_path.iterdir()) == [src]


def test_replace_fields_is_written_by_every_line_format(tmp_path: Path) -> None:
    """The hook a text-rewriting action (redaction) uses: new values of named fields."""
    src = tmp_path / "d.csv"
    src.write_bytes(b"text,label\ncall 555-0100,a\nhello,b\n")
    out = tmp_path / "o.csv"
    edit = replace_fields({"text": "call [PHONE]", "absent": "x"})
    write_shard(ShardJob(src, "csv", {2, 3}, {2: edit}, out, (2, 3)), "utf-8")
    assert out.read_bytes() == b"text,label\ncall [PHONE],a\nhello,b\n"
    jl = tmp_path / "d.jsonl"
    jl.write_bytes(b'{"text": "call 555-0100", "label": "a"}\n')
    write_shard(ShardJob(jl, "jsonl", {1}, {1: edit}, tmp_path / "o.jsonl", (1,)), "utf-8")
    assert json.loads((tmp_path / "o.jsonl").read_text()) == {"text": "call [PHONE]",
                                                                "label": "a"}


def test_missing_final_newline_and_old_mac_line_ends(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    src.write_bytes(b'{"a": 1}\n\n{"a": 2}')
    out = tmp_path / "o.jsonl"
    write_shard(ShardJob(src, "jsonl", {1, 3}, {}, out, (1, 3)), "utf-8")
    assert out.read_bytes() == b'{"a": 1}\n{"a": 2}'
    write_shard(ShardJob(src, "jsonl", {3}, {1: relabel("a", "5")}, out, (1, 3)), "utf-8")
    assert out.read_bytes() == b'{"a": 5}\n{"a": 2}'
    mac = tmp_path / "m.csv"
    mac.write_bytes(b"text,label\rone,a\rtwo,b\r")
    write_shard(_job(mac, "csv", {3}, tmp_path / "o.csv"), "utf-8")
    assert (tmp_path / "o.csv").read_bytes() == b"text,label\rtwo,b\r"
