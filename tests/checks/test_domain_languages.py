"""domain on other languages: English-only measures say so and count toward no risk; the
measures that read any script still act; English data behaves as before."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from tests.conftest import dataset, evidence_for
from tuneready.checks.domain import DomainCheck, DomainSettings
from tuneready.config.policy import load_policy
from tuneready.evidence import diversity as dv
from tuneready.evidence.sentence import available

POLICY = load_policy().for_check("domain")
CFG = DomainSettings.of(POLICY)
needs_vectors = pytest.mark.skipif(not available(), reason="wordllama not installed")

SUBJECTS = ["我们", "他们", "老师", "学生", "医生", "工程师", "孩子们", "科学家", "农民", "记者",
            "厨师", "律师"]
VERBS = ["喜欢", "研究", "讨论", "学习", "分析", "描述", "解释", "比较", "关心", "改进", "总结",
         "批评"]
OBJECTS = ["天气变化", "历史事件", "数学问题", "健康饮食", "城市交通", "环境保护", "经济发展",
           "音乐艺术", "计算机程序", "古代文学", "体育比赛", "家庭教育", "海洋生物", "太空探索",
           "农业技术"]
ENDS = ["的原因", "的方法", "的影响", "的未来", "的重要性", "的历史", "的问题"]
TOPICS = ["weather", "history", "mathematics", "cooking", "traffic", "music", "poetry",
          "football", "astronomy", "farming", "medicine", "chemistry", "painting", "finance"]


#: the first 3,000 CJK ideographs: filler that keeps the synthetic text from compressing
#: like a template (real Chinese sets compress to 0.42-0.48, narrow is below 0.3)
POOL = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def chinese(n: int, seed: int = 0) -> pd.DataFrame:
    """Chinese questions and answers of one to six varied clauses (py3langid reads them as
    zh, or too short to tell)."""
    rng = random.Random(seed)

    def filler(lo: int, hi: int) -> str:
        return "".join(rng.choice(POOL) for _ in range(rng.randint(lo, hi)))

    def clause() -> str:
        return (filler(2, 5) + rng.choice(SUBJECTS) + filler(1, 3) + rng.choice(VERBS)
                + rng.choice(OBJECTS) + filler(1, 4) + rng.choice(ENDS) + "。")

    return pd.DataFrame({
        "prompt": [f"{filler(2, 3)}，请问{rng.choice(SUBJECTS)}为什么{rng.choice(VERBS)}"
                   f"{rng.choice(OBJECTS)}？" for _ in range(n)],
        "completion": ["".join(clause() for _ in range(rng.randint(1, 6))) for _ in range(n)]})


def english(n: int, seed: int = 0) -> pd.DataFrame:
    """English questions and answers about many topics, of varied length."""
    rng = random.Random(seed)

    def sentence() -> str:
        a, b = rng.sample(TOPICS, 2)
        return f"People who study {a} often find that {b} teaches them something new."

    return pd.DataFrame({
        "prompt": [f"What can you tell me about {rng.choice(TOPICS)} and "
                   f"{rng.choice(TOPICS)} today?" for _ in range(n)],
        "completion": [" ".join(sentence() for _ in range(rng.randint(1, 5)))
                       for _ in range(n)]})


@needs_vectors
def test_chinese_is_not_called_narrow_by_english_vectors_and_says_why() -> None:
    data = dataset(chinese(300))
    evidence = evidence_for(data)
    # what the English vectors would have said: a handful of "directions" (narrow)
    assert dv.vendi_score(evidence.embedding) < CFG.vendi_narrow
    result = DomainCheck().run(data, evidence, POLICY)
    m = result.metrics
    for metric in ("vendi", "topics_effective", "largest_topic_share", "distinct_2",
                   "vocab_growth"):
        assert metric not in m and metric in m["not_measured"]
    assert "vendi" not in result.summary.split("not measured")[0]
    note = next(f for f in result.findings if f.code == "domain.not_measured")
    assert note.severity.value == "info" and note.caps is None
    assert "zh" in note.message and "English-only static sentence vectors" in note.message
    assert "written without spaces" in note.message
    assert m["english_input_share"] < CFG.english_min_share
    assert m["risk"] == "low", result.summary


def test_measures_that_read_any_script_still_act_on_chinese() -> None:
    """A templated Chinese set: its openings (characters), template copies and compression
    still count."""
    rng = random.Random(0)
    frame = pd.DataFrame({
        "prompt": [f"请帮我查询订单{rng.randrange(10_000)}的状态" for _ in range(300)],
        "completion": [f"您好，感谢您的耐心等待。您的订单{rng.randrange(10_000)}已经发货，"
                       "预计三天内送达。" for _ in range(300)]})
    result = DomainCheck().run(dataset(frame), evidence_for(dataset(frame)), POLICY)
    assert result.metrics["repeated_opening_share"] > CFG.opening_share_narrow
    assert {"repeated_opening_share", "template_share"} <= set(
        result.summary.split("(", 1)[1].split(")")[0].split(": ")[1].split(", "))
    assert result.metrics["risk"] in ("medium", "high")


@needs_vectors
def test_english_behaves_as_before() -> None:
    data = dataset(english(300))
    evidence = evidence_for(data)
    result = DomainCheck().run(data, evidence, POLICY)
    m = result.metrics
    assert "not_measured" not in m and "semantic_rows" not in m and "languages" not in m
    assert not [f for f in result.findings if f.code.startswith("domain.not_measured")
                or f.code == "domain.rows_left_out"]
    assert m["vendi"] == round(dv.vendi_score(evidence.embedding), 3)
    texts = data.frame["target"].fillna("")
    # words as \w+ found them, lengths as \w+ counted them
    rows = texts.iloc[dv.sample_positions(len(texts), CFG.growth_sample, 0)].tolist()
    short = dv.token_stream([re.findall(r"\w+", t.casefold()) for t in rows],
                            CFG.lexical_tokens)
    assert m["distinct_2"] == round(dv.distinct_n(short, 2), 4)
    lengths = texts.str.count(r"\w+").to_numpy(dtype=float)
    assert m["length_cv"] == round(float(lengths.std() / lengths.mean()), 4)


@needs_vectors
def test_a_few_rows_in_another_language_are_left_out_of_the_vector_measures() -> None:
    frame = pd.concat([english(285), chinese(15, seed=1)], ignore_index=True)
    data = dataset(frame)
    evidence = evidence_for(data)
    # a Chinese prompt too short to identify does not take the set's main language, English
    assert sum(evidence.languages.rows_in("en", "input")) > 285
    result = DomainCheck().run(data, evidence, POLICY)
    english_rows = 285
    assert result.metrics["semantic_rows"] == english_rows
    assert result.metrics["vendi"] == round(dv.vendi_score(evidence.embedding[:285]), 3)
    left = next(f for f in result.findings if f.code == "domain.rows_left_out")
    assert f"{english_rows:,} inputs in English" in left.message


def test_openings_of_unspaced_texts_are_characters() -> None:
    texts = pd.Series(["不客气，如果你还有问题", "Hello there my friend", "很抱歉"])
    heads = dv.openings(texts, 3, pd.Series([True, False, True]).to_numpy(), 4)
    assert heads.tolist() == ["不 客 气 如", "hello there my", "很 抱 歉"]
    assert dv.word_counts(pd.Series(["我是AI助手", "two words", None])).tolist() == [5, 2, 0]
    assert dv.tokens(["Hello, world"]) == [["hello", "world"]]
