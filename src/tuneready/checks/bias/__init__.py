"""Group statistics for the bias check: who is in the data, and is any group treated differently.

``rates`` computes every rate of an attribute by group with one fairlearn ``MetricFrame``;
``stats`` holds the tests (Wilson intervals, chi-square or Fisher on the extreme pair,
Benjamini-Hochberg) and ``exact`` Fisher's test for many tables at once; ``groups`` turns group
columns into attributes (missing -> "unknown", intersections); ``lexicon`` derives groups from
identity terms in text when no group column exists and measures term-label association.
Heavy libraries (fairlearn, scipy) are imported inside functions.
"""
