"""Reading files: line numbers survive, bad records become problems, bad files one error."""

from __future__ import annotations

import pytest

from tuneready.config.errors import InputError
from tuneready.io.readers import read_file


def test_jsonl_keeps_line_numbers_and_reports_bad_lines(write) -> None:
    path = write("d.jsonl", '{"text": "a", "label": "x"}\n\nnot json\n[1, 2]\n{"text": "b"}\n')
    raw = read_file(path)
    assert [line for line, _ in raw.records] == [1, 5]
    assert [(p.line, p.code) for p in raw.problems] == [(3, "invalid_json"), (4, "not_an_object")]


def test_json_array_records_start_lines(write) -> None:
    path = write("d.json", '[\n  {"a": 1},\n  {"a": 2,\n   "b": 3},\n  {"a": 4}\n]\n')
    raw = read_file(path)
    assert [line for line, _ in raw.records] == [2, 3, 5]


def test_json_object_is_a_clear_error(write) -> None:
    with pytest.raises(InputError, match="array"):
        read_file(write("d.json", '{"a": 1}'))


def test_csv_bom_crlf_and_quoted_newlines(write) -> None:
    path = write("d.csv", b'\xef\xbb\xbftext,label\r\n"two\r\nlines",a\r\nplain,b\r\n')
    raw = read_file(path)
    assert list(raw.records[0][1]) == ["text", "label"]
    assert raw.records[0] == (2, {"text": "two\nlines", "label": "a"})
    assert raw.records[1][0] == 4


def test_csv_swallowed_records_are_reported_not_audited(write) -> None:
    body = "i,spam,text\n0,0,fine\n1,0,\"stray quote here\nham\tgot swallowed\nham\tme too\n" \
           "spam\tand me\"\n2,1,after\n"
    raw = read_file(write("d.csv", body))
    assert [r[1]["text"] for r in raw.records] == ["fine", "after"]
    assert raw.problems[0].code == "swallowed_records" and raw.problems[0].line == 3


def test_csv_wrong_field_count(write) -> None:
    raw = read_file(write("d.csv", "text,label\na,b\nc,d,e\n"))
    assert raw.problems[0].line == 3 and raw.problems[0].code == "wrong_field_count"


def test_tsv_and_parquet(write, tmp_path) -> None:
    import pandas as pd

    raw = read_file(write("d.tsv", "text\tlabel\nhello, world\tx\n"))
    assert raw.records[0][1] == {"text": "hello, world", "label": "x"}
    pq = tmp_path / "d.parquet"
    pd.DataFrame({"text": ["a", "b"], "label": [1, 2]}).to_parquet(pq)
    assert [r[1]["label"] for r in read_file(pq).records] == [1, 2]


@pytest.mark.parametrize(("name", "content", "match"), [
    ("empty.jsonl", "", "empty"),
    ("blank.csv", "\n\n  \n", "empty"),
    ("bin.jsonl", b"\x00\x01\x02\x03binary", "binary"),
    ("latin.csv", "text,label\ncaf\xe9,a\n".encode("latin-1"), "encoding"),
    ("data.xlsx", "x", "cannot tell the file type"),
    ("bad.parquet", b"not parquet at all", "Parquet"),
])
def test_unreadable_files_raise_one_clear_error(write, name, content, match) -> None:
    with pytest.raises(InputError, match=match) as info:
        read_file(write(name, content))
    assert "\n" not in str(info.value)
    assert name in str(info.value)


def test_wrong_encoding_names_the_line(write) -> None:
    path = write("latin.csv", "text,label\nok,a\ncaf\xe9,b\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.line == 3
    assert len(read_file(path, encoding="latin-1").records) == 2


def test_label_lines_reader(write) -> None:
    raw = read_file(write("q.txt", "DESC:manner How did serfdom develop ?\nLONELY\n"),
                    reader="label-lines")
    assert raw.records == [(1, {"label": "DESC:manner", "text": "How did serfdom develop ?"})]
    assert raw.problems[0].line == 2


def test_txt_without_reader_names_accepted_formats(write) -> None:
    with pytest.raises(InputError, match="label-lines"):
        read_file(write("q.txt", "A b\n"))


def test_input_file_is_not_modified(write) -> None:
    path = write("d.jsonl", '{"text": "a", "label": "x"}\n')
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_file(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_huge_single_field(write) -> None:
    big = "x" * 10_000_000
    raw = read_file(write("big.csv", f"text,label\n{big},a\n"))
    assert len(raw.records[0][1]["text"]) == 10_000_000


def test_jsonl_bad_encoding_on_one_line_is_a_problem_not_a_failure(write) -> None:
    body = b'{"text": "ok", "label": "a"}\n{"text": "caf\xe9", "label": "b"}\r\n{"text": "z"}\n'
    raw = read_file(write("d.jsonl", body))
    assert [line for line, _ in raw.records] == [1, 3]
    assert raw.problems[0].line == 2 and raw.problems[0].code == "bad_encoding"
