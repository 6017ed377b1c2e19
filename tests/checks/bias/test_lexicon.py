"""Identity-term matching: whole words, longest match per category, nPMI by its formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tuneready.checks.bias.lexicon import (
    MULTIPLE,
    NONE,
    load_lexicon,
    match_terms,
    refusals,
    term_label_association,
)


def test_lexicon_covers_the_seven_categories() -> None:
    lex = load_lexicon()
    assert set(lex["category"]) == {"gender", "religion", "race_ethnicity", "nationality",
                                    "age", "disability", "sexual_orientation"}
    assert not lex.duplicated(["category", "term"]).any()


def test_matching_is_on_whole_words() -> None:
    texts = pd.Series(["The manager met a Muslim woman", "mankind and womanhood", None,
                       "an African-American man", "a trans woman and an old woman"])
    m = match_terms(texts)
    assert m.groups["religion"].tolist() == ["muslim", NONE, NONE, NONE, NONE]
    # "manager", "mankind", "womanhood" are not "man"/"woman"
    assert m.groups["gender"].tolist() == ["women", NONE, NONE, "men", MULTIPLE]
    assert m.groups["race_ethnicity"][3] == "black"  # hyphen == space
    assert m.groups["nationality"][3] == "american"  # not also "african"
    assert m.groups["age"][4] == "old"  # "old woman" counts for age and gender
    terms = {m.terms[j][0] for j in m.matrix[4].indices}
    assert "trans woman" in terms and "old woman" in terms


def test_npmi_and_fisher_follow_their_definitions() -> None:
    texts = pd.Series(["a muslim view"] * 20 + ["a plain view"] * 80)
    labels = pd.Series(["toxic"] * 15 + ["ok"] * 5 + ["toxic"] * 10 + ["ok"] * 70)
    rows = term_label_association(match_terms(texts), labels, 10, 5)
    row = next(r for r in rows if r["term"] == "muslim" and r["label"] == "toxic")
    p_xy, p_x, p_y = 15 / 100, 20 / 100, 25 / 100
    assert row["npmi"] == pytest.approx(math.log(p_xy / (p_x * p_y)) / -math.log(p_xy),
                                        abs=1e-4)
    assert row["count"] == 20 and row["cooccurrence"] == 15 and row["p_value"] < 1e-6
    # below the minimum counts nothing is tested
    assert term_label_association(match_terms(texts.head(30)), labels.head(30), 25, 5) == []


def test_refusals() -> None:
    answers = pd.Series(["I'm sorry, I can't help with that.", "Sure, here it is.",
                         "As an AI, I cannot", None, "I apologise, but no."])
    assert refusals(answers).tolist() == [True, False, True, False, True]


def test_matching_is_linear_and_vectorized() -> None:
    texts = pd.Series(["my muslim neighbour and her children went out"] * 20000)
    m = match_terms(texts)
    assert m.matrix.shape[0] == 20000 and int(m.matrix.sum()) == 40000
    assert (m.groups["religion"] == "muslim").all()
    assert np.asarray(m.matrix.sum(axis=1)).ravel().max() == 2


def test_terms_never_span_two_rows() -> None:
    """Rows are joined into one token stream; a term cannot start in one row and end in the
    next, while a control character inside a text is just a word boundary."""
    texts = pd.Series(["a very old", "woman here", "old\x01woman", "old woman"])
    m = match_terms(texts)
    terms = [{m.terms[j][0] for j in m.matrix[i].indices} for i in range(4)]
    assert terms[0] == set() and terms[1] == {"woman"}
    assert terms[2] == terms[3] == {"old woman", "woman"}  # age and gender


def test_custom_lexicon_with_long_and_shared_terms() -> None:
    """Three-word terms, a term listed in two categories, and the longest match per category."""
    lex = pd.DataFrame({"category": ["c1", "c1", "c2", "c2", "c3"],
                        "group": ["long", "short", "x", "y", "z"],
                        "term": ["big red dog", "dog", "red", "red dog", "dog"]})
    m = match_terms(pd.Series(["a big red dog", "red dog", "big red", "dog", "cat"]), lex)
    assert m.groups["c1"].tolist() == ["long", "short", NONE, "short", NONE]
    assert m.groups["c2"].tolist() == ["y", "y", "x", NONE, NONE]
    assert m.groups["c3"].tolist() == ["z", "z", NONE, "z", NONE]
    assert m.matrix.shape == (5, 5) and m.matrix[2].indices.tolist() == [2]


def test_terms_tokenized_in_chunks_match_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts are tokenized ``TOKEN_CHUNK`` at a time to bound memory: no term spans two
    texts at a chunk edge, and the matches equal one pass over all texts."""
    from tuneready.checks.bias import lexicon

    texts = pd.Series(["an old", "woman said", "the african", "american man", "a trans woman",
                       "", "young people", "old"] * 5)
    whole = match_terms(texts)
    monkeypatch.setattr(lexicon, "TOKEN_CHUNK", 3)
    chunked = match_terms(texts)
    assert (whole.matrix != chunked.matrix).nnz == 0
    assert all(whole.groups[k].equals(chunked.groups[k]) for k in whole.groups)
    assert whole.matrix.nnz > 0
