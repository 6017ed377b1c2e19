"""Token counts come from a real BPE vocabulary shipped in a package (no download)."""

from __future__ import annotations

from tuneready.evidence.tokens import count_tokens


def test_known_counts_and_special_tokens_as_text() -> None:
    assert count_tokens(["hello world", "", "x <|endoftext|> y"]) == [2, 0, 8]


def test_encodings_differ_and_repeat_texts_are_consistent() -> None:
    text = "Ünïcödé and emoji 🎉 and code: def f(x): return x**2"
    a, b = count_tokens([text, text], "cl100k_base")
    assert a == b > 10
    assert count_tokens([text], "o200k_base")[0] > 0
