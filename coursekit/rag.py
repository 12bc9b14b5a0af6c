"""A small, complete retrieval toolkit: the pieces Module 4 builds by hand, packaged for reuse.

Lessons late in Module 4 (answers, evaluation, lifecycle), the retrieval benchmark and the
capstone's reference solution use these instead of re-deriving them. Each piece is the plain,
well-known version: chunks at Markdown headings, BM25 from rank-bm25, brute-force cosine search
with numpy, reciprocal rank fusion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

HEADING = re.compile(r"^(#{1,3}) +(.*)$", re.M)
WORD = re.compile(r"\w+")
RRF_K = 60


@dataclass(frozen=True)
class Chunk:
    doc_id: str  # the page it came from, e.g. "04-rag/chunking"
    chunk_id: str  # unique: f"{doc_id}#{position}"
    heading: str  # the nearest heading above the chunk ("" before the first one)
    text: str


def chunk_markdown(doc_id: str, text: str, max_chars: int = 1200) -> list[Chunk]:
    """Split at headings (levels 1-3), then pack paragraphs into chunks of at most `max_chars`.

    A single paragraph longer than `max_chars` stays whole: cutting it mid-sentence would cost more
    than an oversized chunk.
    """
    sections, heading, start = [], "", 0
    for match in HEADING.finditer(text):
        sections.append((heading, text[start:match.start()]))
        heading, start = match.group(2).strip(), match.start()
    sections.append((heading, text[start:]))
    chunks: list[Chunk] = []
    for heading, body in sections:
        current = ""
        for para in body.split("\n\n"):
            if current and len(current) + len(para) > max_chars:
                chunks.append(Chunk(doc_id, f"{doc_id}#{len(chunks)}", heading, current.strip()))
                current = ""
            current += para + "\n\n"
        if current.strip():
            chunks.append(Chunk(doc_id, f"{doc_id}#{len(chunks)}", heading, current.strip()))
    return chunks


def course_chunks(max_chars: int = 1200) -> list[Chunk]:
    """The course's lesson pages (prose only, no code blocks) as chunks, in course order."""
    from coursekit.corpus import lesson_pages, prose

    return [c for page in lesson_pages() for c in chunk_markdown(page.doc_id, prose(page.text), max_chars)]


# --- tokens -----------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Lowercased word tokens: fine for English, identifiers and error codes."""
    return WORD.findall(text.lower())


def korean_tokens(text: str) -> list[str]:
    """Kiwi morphemes that carry meaning (nouns, verb and adjective stems, foreign words, numbers).

    Works for mixed Korean/English text; a Korean word like "검색을" becomes "검색" (+ a dropped particle).
    """
    from coursekit.models import kiwi

    return [t.form.lower() for t in kiwi().tokenize(text) if t.tag[0] in "NVX" or t.tag in ("SL", "SN", "SH")]


# --- retrievers: each search() returns chunk positions, best first ------------------------------

class BM25Retriever:
    """Okapi BM25 (rank-bm25) over tokenized chunk texts."""

    def __init__(self, texts: Sequence[str], tokenize: Callable[[str], list[str]] = words):
        from rank_bm25 import BM25Okapi

        self.tokenize = tokenize
        # rank-bm25 divides by the corpus size and average length: give empty texts one dummy token.
        self.index = BM25Okapi([tokenize(t) or ["\u2205"] for t in texts])

    def scores(self, query: str) -> np.ndarray:
        return np.asarray(self.index.get_scores(self.tokenize(query)), dtype=np.float64)

    def search(self, query: str, k: int) -> list[int]:
        scores = self.scores(query)
        return [int(i) for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]


class DenseRetriever:
    """Brute-force cosine similarity: `M` holds one unit vector per chunk; a query is one matrix-vector product."""

    def __init__(self, M: np.ndarray, encode_query: Callable[[str], np.ndarray]):
        self.M = np.asarray(M, dtype=np.float32)
        self.encode_query = encode_query

    def scores(self, query: str) -> np.ndarray:
        return self.M @ self.encode_query(query)

    def search(self, query: str, k: int) -> list[int]:
        return top_k(self.scores(query), k)


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k highest scores, best first, ties by position: O(n) selection, then sort k."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in top[np.lexsort((top, -scores[top]))]]


def rrf(rankings: Sequence[Sequence[int]], k: int | None = None, rrf_k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: each ranking adds 1 / (rrf_k + rank) to an item (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (rrf_k + rank)
    order = sorted(fused, key=lambda item: (-fused[item], item))
    return order if k is None else order[:k]


class HybridRetriever:
    """BM25 and dense candidates (top `depth` each), fused by RRF."""

    def __init__(self, *retrievers, depth: int = 50):
        self.retrievers, self.depth = retrievers, depth

    def search(self, query: str, k: int) -> list[int]:
        return rrf([r.search(query, self.depth) for r in self.retrievers], k)


# --- embeddings ---------------------------------------------------------------------------------

@cache
def _minilm_single_thread():
    import torch

    from coursekit.models import minilm

    torch.set_num_threads(1)  # one query at a time: threads cost more than they give
    return minilm()


def embed(texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """(n, 384) float32 unit vectors from the bundled MiniLM."""
    model = _minilm_single_thread()
    return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=progress).astype(np.float32)


def embed_query(text: str) -> np.ndarray:
    return embed([text])[0]
