"""``checks.flagrows``: how a check's flagged rows are gathered and turned into lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tuneready.checks.flagrows import Flags, lines_per_finding, numbered, positions_of
from tuneready.config.heldout import unmeasured
from tuneready.io.review_file import input_hash


def _frame(ids: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"row_id": ids, "input": [f"Text  number {i}" for i in range(len(ids))]})


def test_lines_follow_the_rows_with_hash_and_removed_from_the_excluded_rows() -> None:
    frame = _frame([3, 5, 9, 12])
    flags = Flags("size", frame)
    flags.add("size.x", [12, 5], ["second", "first"], "same")
    flags.add("size.y", None, "one reason", ["a", "b"], precision=unmeasured("nothing.here"),
              positions=np.array([0, 2]))
    rows = flags.rows(excluded=[5, 9])
    assert [(r.finding, r.row_id, r.reason) for r in rows] == [
        ("size.x", 5, "first"), ("size.x", 12, "second"), ("size.y", 3, "one reason"),
        ("size.y", 9, "one reason")]
    assert [r.removed for r in rows] == [True, False, False, True]
    assert rows[0].input_hash == input_hash("text number 1") == input_hash(frame["input"][1])
    assert rows[2].precision == "unmeasured here (a review measures it)"
    assert rows[0].precision == "" and rows[0].type == "size.x" and rows[0].check == "size"
    assert lines_per_finding(rows) == {"size.x": 2, "size.y": 2}
    assert flags.count("size.x") == 2


def test_a_row_outside_the_frame_has_no_hash() -> None:
    """A malformed record's line, or a training row the Dask engine matched outside the
    sample: named, but its input is not at hand."""
    flags = Flags("schema", _frame([1, 2]))
    flags.add("schema.invalid_json", [7], "record not usable")
    (row,) = flags.rows()
    assert row.row_id == 7 and row.input_hash == "" and not row.removed


def test_rows_that_share_an_id_keep_their_own_hash_when_positions_are_given() -> None:
    """A JSON array written on one line gives every record row id 1."""
    frame = _frame([1, 1, 1])
    assert positions_of(frame, [1, 4]).tolist() == [0, -1]
    flags = Flags("x", frame)
    flags.add("x.y", None, "r", positions=np.array([2, 1]))
    hashes = [r.input_hash for r in flags.rows()]
    assert sorted(hashes) == sorted(input_hash(frame["input"][i]) for i in (1, 2))


def test_a_reason_per_row_must_match_the_rows() -> None:
    flags = Flags("x", _frame([1, 2]))
    flags.add("x.y", [1, 2], ["only one"])
    with pytest.raises(ValueError, match="1 reasons or evidences for 2 rows"):
        flags.rows()


def test_numbered_builds_one_string_per_row_without_separators() -> None:
    assert numbered("copy of row ", np.array([12, 12345])).tolist() == [
        "copy of row 12", "copy of row 12345"]
    assert numbered("x", np.zeros(0, dtype=np.int64)).tolist() == []


def test_checks_of_one_audit_share_the_hashes_of_a_frame() -> None:
    frame = _frame([1, 2])
    assert Flags("a", frame).hashes is Flags("b", frame).hashes
    assert Flags("a", _frame([1, 2])).hashes is not Flags("a", frame).hashes
