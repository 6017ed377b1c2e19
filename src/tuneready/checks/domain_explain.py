"""What each breadth measure of the domain check means, which policy key holds its narrow
threshold, and what data would broaden a set narrow on it (the report's words, apart from the
computation in ``checks.domain``)."""

from __future__ import annotations

from typing import Any

#: metric -> (one-line explanation, direction): "low" means small values are narrow
EXPLAIN: dict[str, tuple[str, str]] = {
    "distinct_1": ("distinct words over all words in a sample of rows; low = the same words "
                   "over and over", "low"),
    "distinct_2": ("distinct word pairs over all word pairs in a sample; low = repeated "
                   "phrasing", "low"),
    "compression_ratio": ("compressed over raw size of a sample of text; low = the rows repeat "
                          "each other", "low"),
    "template_share": ("share of rows that are loose near copies (MinHash Jaccard >= 0.5) of "
                       "another row: fill-in-the-blank templates", "high"),
    "vocab_growth": ("Heaps' law exponent of vocabulary vs tokens read; near 0 = new rows "
                     "bring no new words, natural text is about 0.4-0.7", "low"),
    "repeated_opening_share": ("share of texts whose first words are shared by many rows; "
                               "high = a template", "high"),
    "top_opening_share": ("share of texts opening with the single most common first words",
                          "high"),
    "length_cv": ("spread of text length in words (std / mean); low = every row the same "
                  "shape", "low"),
    "vendi": ("Vendi score: effective number of distinct directions in the shared embedding "
              "(exp of the entropy of its covariance spectrum)", "low"),
    "topics_effective": ("effective number of topics: exp of the entropy of k-means cluster "
                         "shares on the embedding", "low"),
    "largest_topic_share": ("share of rows in the largest k-means topic", "high"),
    "generalization_gap": ("proxy accuracy on its own training rows minus out-of-fold "
                           "accuracy; high = the model memorizes rather than generalizes",
                           "high"),
    "curve_needed_ratio": ("rows the learning curve needs to come within a point of its "
                           "plateau, over the rows available; above 1 = more data still helps",
                           "high"),
    "coverage": ("share of --reference inputs whose nearest training input is as close as 95 % "
                 "of training inputs are to each other (sentence vectors)", "low"),
}

#: metric -> policy key holding its narrow threshold
THRESHOLD_KEY = {
    "distinct_2": "distinct2_narrow", "vocab_growth": "vocab_growth_narrow",
    "compression_ratio": "compression_narrow", "template_share": "template_share_narrow",
    "repeated_opening_share": "opening_share_narrow", "length_cv": "length_cv_narrow",
    "vendi": "vendi_narrow", "largest_topic_share": "largest_topic_narrow",
    "generalization_gap": "gap_narrow", "curve_needed_ratio": "curve_ratio_narrow",
    "coverage": "coverage_narrow",
}


def remedy(signals: list[str], metrics: dict[str, Any]) -> str:
    """What data would broaden the set, from which measures are narrow."""
    asks = []
    if {"repeated_opening_share", "distinct_2", "vocab_growth"} & set(signals):
        asks.append("examples written differently (other phrasings, openings and wording, "
                    "not the same template)")
    if {"vendi", "largest_topic_share"} & set(signals):
        asks.append("examples from topics beyond the dominant one")
    if "length_cv" in signals:
        asks.append("shorter and longer examples")
    if "coverage" in signals:
        asks.append("examples like the uncovered reference inputs")
    if "curve_needed_ratio" in signals:
        asks.append(f"more rows (about {metrics['curve_needed_rows']:,} to near the plateau)"
                    if metrics.get("curve_needed_rows") else "many more rows (the learning "
                    "curve is still rising)")
    if "generalization_gap" in signals:
        asks.append("more varied examples per class (the proxy memorizes)")
    return "add " + "; ".join(asks or ["more varied examples"]) + \
        "; until then prefer LoRA or prompting over a full fine-tune"
