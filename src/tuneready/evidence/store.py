"""Evidence: everything expensive, computed lazily, once, and shared by all checks.

Checks never vectorize text or train models themselves. They ask the ``Evidence`` for
normalized hashes, token counts, the TF-IDF matrix, a low-rank embedding or the out-of-fold
predicted probabilities of the one seeded proxy model, so a full audit fits the proxy once
(label noise, bias and domain risk all read the same predictions).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuneready.io.dataset import Dataset
from tuneready.io.text import normalize

if TYPE_CHECKING:
    import scipy.sparse as sp

    from tuneready.evidence.label_issues import LabelIssues, NoiseSettings
    from tuneready.evidence.languages import Languages
    from tuneready.evidence.proxy import ProxyResult
    from tuneready.io.answer_review import MatchedVerdicts

ProgressFn = Callable[[str], None]

#: Character 3-5-grams are added to the word n-grams only up to this many rows. They carry
#: typos, morphology and subwords, which matter when rows are few; they are also 5-6x the
#: non-zeros of the word block, and every proxy fit (saga) is linear in non-zeros. Measured on
#: 100k perturbed SMS/TREC rows (bench/common.py): char TF-IDF 8.4 s and 10.2M non-zeros vs
#: word 2.6 s and 1.8M; 5-fold saga 51 s on word+char vs 12 s on word alone, with the same
#: out-of-fold accuracy. Small sets (the label-noise acceptance on SMS spam, 5.5k rows) keep
#: both blocks; above the cap the features are word 1-2-grams only (``tfidf_blocks`` says so).
CHAR_NGRAM_MAX_ROWS = 20_000
#: The SVD embedding is fitted on at most this many rows (a seeded sample) and then applied
#: to all: 100 directions are well estimated from 20k short texts, and the randomized SVD's
#: passes over the matrix were the largest single cost of the embedding at 100k rows.
SVD_FIT_ROWS = 20_000


class Evidence:
    """Lazy, cached features of one dataset; cheap to construct."""

    def __init__(self, data: Dataset, seed: int = 0, encoding: str = "cl100k_base",
                 progress: ProgressFn | None = None,
                 pred_probs: np.ndarray | None = None,
                 embeddings: np.ndarray | None = None) -> None:
        self.data = data
        self.seed = seed
        self.encoding = encoding
        self.progress = progress or (lambda _msg: None)
        self._user_pred_probs = pred_probs
        self._user_embeddings = embeddings
        #: own seconds per evidence stage (see ``_timed``)
        self.timings: dict[str, float] = {}
        self._inner = 0.0
        #: optional eval set (``--eval``) for leakage checks
        self.eval_data: Dataset | None = None
        #: optional sample of real production inputs (``--reference``) for domain coverage
        self.reference_data: Dataset | None = None
        #: the fitted TF-IDF vectorizers, kept so other texts can be put in the same space
        self._vectorizers: list[Any] = []
        self._noise_settings: NoiseSettings | None = None
        #: a reviewer's verdicts on answer findings (``--review``), matched to the rows
        self.answer_review: MatchedVerdicts | None = None

    @property
    def noise_settings(self) -> NoiseSettings:
        """What label-noise evidence needs from the policy (``[label_noise]``), the command
        line (``--label-kind``) and a review (``--review``); the packaged default unless the
        pipeline set them."""
        if self._noise_settings is None:
            from tuneready.config.policy import load_policy
            from tuneready.evidence.label_issues import NoiseSettings

            self._noise_settings = NoiseSettings.from_policy(
                load_policy().for_check("label_noise"))
        return self._noise_settings

    @noise_settings.setter
    def noise_settings(self, value: NoiseSettings) -> None:
        self._noise_settings = value

    def _timed(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` and add its *own* seconds to ``timings[name]``: time spent in evidence
        it needs first (the proxy inside label issues, TF-IDF inside the proxy) is booked to
        that evidence, so the stages add up to the time spent and none is counted twice."""
        self.progress(name)
        start = time.perf_counter()
        outer, self._inner = self._inner, 0.0
        try:
            return fn()
        finally:
            elapsed = time.perf_counter() - start
            self.timings[name] = self.timings.get(name, 0.0) + elapsed - self._inner
            self._inner = outer + elapsed

    # --- cheap text facts -------------------------------------------------------------
    @functools.cached_property
    def norm_input(self) -> pd.Series:
        return self.data.frame["input"].map(normalize)

    @functools.cached_property
    def norm_target(self) -> pd.Series:
        return self.data.frame["target"].map(normalize)

    @functools.cached_property
    def input_hash(self) -> np.ndarray:
        """64-bit hash of the normalized input: equal hashes mean exact duplicate inputs."""
        return pd.util.hash_pandas_object(self.norm_input, index=False).to_numpy()

    @functools.cached_property
    def row_hash(self) -> np.ndarray:
        """Hash of normalized input + target + label: the identity of a training example."""
        frame = pd.DataFrame({"i": self.norm_input, "t": self.norm_target,
                              "l": self.data.frame["label"].fillna("\x00")})
        return pd.util.hash_pandas_object(frame, index=False).to_numpy()

    @functools.cached_property
    def input_tokens(self) -> np.ndarray:
        from tuneready.evidence.tokens import count_tokens

        texts = self.data.frame["input"].tolist()
        return np.asarray(self._timed("tokenize", lambda: count_tokens(texts, self.encoding)),
                          dtype=np.int64)

    @functools.cached_property
    def target_tokens(self) -> np.ndarray:
        from tuneready.evidence.tokens import count_tokens

        texts = self.data.frame["target"].tolist()
        return np.asarray(self._timed("tokenize", lambda: count_tokens(texts, self.encoding)),
                          dtype=np.int64)

    # --- vectors ----------------------------------------------------------------------
    @functools.cached_property
    def tfidf(self) -> sp.csr_matrix:
        """Word 1-2-grams and character 3-5-grams of the input, sublinear TF, L2 rows."""
        return self._timed("featurize", self._fit_tfidf)

    def _fit_tfidf(self) -> sp.csr_matrix:
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize as l2

        texts = self.data.frame["input"].fillna("").tolist()
        if not any(t.strip() for t in texts):
            return sp.csr_matrix((len(texts), 1))
        min_df = 2 if len(texts) >= 1000 else 1
        vectorizers = [TfidfVectorizer(ngram_range=(1, 2), min_df=min_df,
                                       max_features=200_000, sublinear_tf=True,
                                       dtype=np.float32)]
        if len(texts) <= CHAR_NGRAM_MAX_ROWS:
            vectorizers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                               min_df=min_df, max_features=200_000,
                                               sublinear_tf=True, dtype=np.float32))
        blocks = [_safe_fit(v, texts) for v in vectorizers]
        if all(b is None for b in blocks):  # no word survives min_df: fall back to chars
            vectorizers = [TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                           min_df=min_df, max_features=200_000,
                                           sublinear_tf=True, dtype=np.float32)]
            blocks = [_safe_fit(v, texts) for v in vectorizers]
        self._vectorizers = [v for v, b in zip(vectorizers, blocks, strict=True)
                             if b is not None]
        if not self._vectorizers:
            return sp.csr_matrix((len(texts), 1))
        return l2(sp.hstack([b for b in blocks if b is not None], format="csr"))

    @property
    def tfidf_blocks(self) -> list[str]:
        """Which n-gram blocks the TF-IDF holds ("word 1-2", "char 3-5")."""
        _ = self.tfidf
        return ["char 3-5" if v.analyzer == "char_wb" else "word 1-2"
                for v in self._vectorizers]

    @functools.cached_property
    def embedding(self) -> np.ndarray:
        """Unit-length dense vectors: user-supplied, else the shipped sentence vectors, else
        (wordllama not installed) a seeded truncated SVD of the TF-IDF.

        The sentence vectors measure semantic spread better than the SVD of the set's own
        TF-IDF: Vendi score of one chatterbot category against a same-size mix of all 21,
        tech_support 9.0 vs 105 (SVD 9.8 vs 68), emotion 57 vs 83 (SVD 83 vs 81, no
        difference), identity.json 14 (SVD 83: its 91 near-identical rows looked diverse
        word by word), alpaca_en_demo 144 (SVD 84)."""
        if self._user_embeddings is not None:
            emb = np.asarray(self._user_embeddings, dtype=np.float32)
        elif self.sentence_vectors is not None:
            return self.sentence_vectors
        else:
            emb = self._timed("embed", self._svd)
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        return np.asarray(emb / np.where(norms == 0, 1, norms), dtype=np.float32)

    @property
    def embedding_source(self) -> str:
        """What ``embedding`` is, for the report."""
        if self._user_embeddings is not None:
            return "user --embeddings"
        from tuneready.evidence.sentence import available, describe

        return describe() if available() else "truncated SVD of the TF-IDF"

    def _svd(self) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD

        x = self.tfidf
        k = min(100, x.shape[0] - 1, x.shape[1] - 1)
        if k < 1:
            return np.zeros((x.shape[0], 1), dtype=np.float32)
        svd = TruncatedSVD(n_components=k, random_state=self.seed, algorithm="randomized")
        # identical rows have zero variance: sklearn's explained-variance ratio divides by it
        # (a statistic we do not use), so its RuntimeWarning is noise here
        with np.errstate(divide="ignore", invalid="ignore"):
            if x.shape[0] <= SVD_FIT_ROWS:
                return np.asarray(svd.fit_transform(x), dtype=np.float32)
            rows = np.sort(np.random.default_rng(self.seed).permutation(x.shape[0])
                           [:SVD_FIT_ROWS])
            svd.fit(x[rows])
            return np.asarray(svd.transform(x), dtype=np.float32)

    @functools.cached_property
    def sentence_vectors(self) -> np.ndarray | None:
        """Unit-length static sentence vectors of the inputs (``tuneready.evidence.sentence``:
        wordllama's shipped 256-d model, offline); ``None`` when it is not installed."""
        from tuneready.evidence.sentence import embed

        texts = self.data.frame["input"].fillna("").astype(str).tolist()
        return self._timed("sentence vectors", lambda: embed(texts))

    @functools.cached_property
    def answer_vectors(self) -> np.ndarray | None:
        """Unit-length static sentence vectors of the free-form answers (targets), as
        ``sentence_vectors`` for the inputs; ``None`` when wordllama is not installed."""
        from tuneready.evidence.sentence import embed

        texts = self.data.frame["target"].fillna("").astype(str).tolist()
        return self._timed("sentence vectors", lambda: embed(texts))

    @functools.cached_property
    def languages(self) -> Languages:
        """The language of every input and answer (``tuneready.evidence.languages``): which
        rows an English-only signal (static vectors, wordfreq, lexicons) may judge."""
        from tuneready.evidence.languages import detect

        frame = self.data.frame
        inputs = frame["input"].fillna("").astype(str).tolist()
        targets = frame["target"].fillna("").astype(str).tolist()
        return self._timed("languages", lambda: detect(inputs, targets))

    def tfidf_of(self, texts: list[str]) -> sp.csr_matrix:
        """Other texts (e.g. ``--reference``) in the same TF-IDF space as ``tfidf`` (same
        fitted vocabulary and idf, L2 rows): their dot products with ``tfidf`` rows are
        cosines. Words the training data never uses carry no weight, as they should."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize as l2

        base = self.tfidf  # fits the vectorizers if not done yet
        if not self._vectorizers or not texts:
            return sp.csr_matrix((len(texts), base.shape[1]), dtype=np.float32)
        return l2(sp.hstack([v.transform(texts) for v in self._vectorizers], format="csr"))

    @property
    def features(self) -> Any:
        """What the proxy learns from: user embeddings if given, else TF-IDF."""
        return self._user_embeddings if self._user_embeddings is not None else self.tfidf

    # --- the proxy model --------------------------------------------------------------
    @functools.cached_property
    def proxy(self) -> ProxyResult | None:
        """Out-of-fold probabilities of one seeded linear model; ``None`` when unlabelled."""
        from tuneready.evidence.proxy import fit_proxy

        return self._timed("proxy model", lambda: fit_proxy(self))

    @functools.cached_property
    def label_issues(self) -> LabelIssues | None:
        """Per-row label quality and flags (cleanlab on the proxy, plus conflicting
        duplicates); ``None`` when no row has a label. See ``tuneready.evidence.label_issues``."""
        from tuneready.evidence.label_issues import find_label_issues

        return self._timed("label issues", lambda: find_label_issues(self))

    def computed(self, names: Iterable[str]) -> dict[str, Any]:
        """The stages among ``names`` already computed here (a worker sends them back)."""
        return {n: self.__dict__[n] for n in names if n in self.__dict__}

    def adopt(self, values: dict[str, Any]) -> None:
        """Take stages another process computed, keeping any this one already has."""
        unknown = set(values) - set(STAGES)
        if unknown:
            raise ValueError(f"not evidence stages: {sorted(unknown)}")
        for name, value in values.items():
            self.__dict__.setdefault(name, value)

    @property
    def proxy_in_sample_accuracy(self) -> float | None:
        """The proxy's fold models scored on their own training rows: against
        ``proxy.oof_accuracy`` (the same models on rows they never saw) it measures how much
        the features let the model memorize. ``None`` without a trained proxy."""
        proxy = self.proxy
        return None if proxy is None else proxy.in_sample_accuracy


#: the named, lazily computed stages (a check declares those it reads in ``SPEC.needs``)
STAGES: tuple[str, ...] = tuple(k for k, v in vars(Evidence).items()
                                if isinstance(v, functools.cached_property))
#: the stages that fit or apply a model (seconds each on large sets); the rest read only the
#: rows, their hashes and token counts, so checks needing none of these can run anywhere
MODEL_STAGES = frozenset({"tfidf", "embedding", "sentence_vectors", "answer_vectors", "proxy",
                          "label_issues"})


def single_threaded_math() -> Any:
    """BLAS and OpenMP pools at one thread (a context manager; the audit runs inside one).

    Parallelism comes from the proxy's folds instead, two at a time in two threads (see
    ``proxy.cross_val_probs``). Multithreaded BLAS/OpenMP next to those, or on a machine
    whose other core is busy, spin-waits. Measured on the 2-core benchmark machine with one
    other busy process, seeded mini-batch k-means on 20k x 100: 8.8 s with the default two
    threads, 0.6-0.7 s with one (BLAS-only limit 2.8 s, OpenMP-only 6.0 s). On an idle
    machine one thread costs at most the 2x a second core could give these small products.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _safe_fit(vectorizer: Any, texts: list[str]) -> Any:
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary (e.g. only punctuation); the other block may work
        return None
