"""english_only: which rows an English-only signal may judge, and what it says when it may not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tuneready.checks.english_only import (
    STATIC_VECTORS,
    Readable,
    english_rows,
    latin_rows,
    spaced_rows,
)
from tuneready.evidence.languages import Languages

ZH = "今天天气很好，我们一起去公园散步吧。"
EN = "The weather is lovely today, so we are going for a walk in the park."


def test_rows_in_english_are_readable_and_the_share_decides() -> None:
    langs = Languages(input=("en",) * 8 + ("zh",) * 2, target=("en",) * 10)
    got = english_rows(langs, "input", 0.9)
    assert got.mask.tolist() == [True] * 8 + [False] * 2
    assert got.share == 0.8 and not got.measured and not got.complete
    assert english_rows(langs, "input", 0.8).measured
    assert english_rows(langs, "target", 0.9).complete


def test_a_short_row_takes_the_main_language() -> None:
    chinese = Languages(input=("zh", "zh", None), target=("zh", "zh", "zh"))
    assert english_rows(chinese, "input", 0.9).mask.tolist() == [False, False, False]
    english = Languages(input=("en", "en", None), target=("en", "en", "en"))
    assert english_rows(english, "input", 0.9).mask.tolist() == [True, True, True]


def test_nothing_identified_falls_back_to_the_latin_alphabet() -> None:
    """A set of short commands has no language to read: Latin-script rows keep the benefit
    of the doubt they had before, rows in other scripts are not English vectors' business."""
    texts = pd.Series(["turn on lights", "play jazz", "打开灯", "включи свет"])
    unknown = Languages(input=(None,) * 4, target=(None,) * 4)
    got = english_rows(unknown, "input", 0.5, texts=texts)
    assert got.mask.tolist() == [True, True, False, False]
    assert latin_rows(pd.Series(["", "ok 123"])).tolist() == [True, True]


def test_positions_select_rows() -> None:
    langs = Languages(input=("en", "zh", "en", "zh"), target=("en",) * 4)
    assert english_rows(langs, "input", 0.5, np.array([1, 2])).mask.tolist() == [False, True]


def test_spaced_rows_tell_scripts_without_spaces() -> None:
    texts = pd.Series([EN, ZH, "これはペンです。とても良いペンです。", "สวัสดีครับ ยินดีต้อนรับ",
                       "안녕하세요 반갑습니다", "", f"{EN} {ZH[:4]}"])
    got = spaced_rows(texts, 0.9, "answers", "mix")
    # Chinese, Japanese and Thai are written without spaces; Korean, empty and mostly
    # English rows are not
    assert got.mask.tolist() == [True, False, False, False, True, True, True]


def test_notes_say_what_was_not_measured_and_why() -> None:
    gate = Readable(np.array([True] + [False] * 9), 0.9, "inputs", "zh 90%, en 10%")
    note = gate.not_measured("the Vendi score", STATIC_VECTORS)
    assert note.startswith("the Vendi score: not measured: 90% of inputs are not in English")
    assert "zh 90%" in note and "English-only static sentence vectors" in note
    partial = Readable(np.array([True] * 9 + [False]), 0.9, "inputs", "en 90%, de 10%")
    assert partial.measured
    assert partial.left_out("x") == "x judged on the 9 inputs in English; 1 not in English " \
                                    "left out"
    assert Readable(np.ones(3, bool), 0.9, "inputs", "en").left_out("x") == ""


def test_no_rows_is_never_measured() -> None:
    assert not Readable(np.zeros(0, bool), 0.0, "inputs", "").measured


def test_a_short_text_in_another_script_does_not_take_english_as_main() -> None:
    langs = Languages(input=("en", "en", None, None), target=("en",) * 4)
    texts = pd.Series([EN, EN, "你好吗", "ok thanks"])
    assert english_rows(langs, "input", 0.5, texts=texts).mask.tolist() == \
        [True, True, False, True]
