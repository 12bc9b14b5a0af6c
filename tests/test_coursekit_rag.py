"""coursekit.rag: the packaged retrieval pieces later lessons, the benchmark and the capstone reuse."""

import numpy as np
import pytest

from coursekit import rag

PAGE = """# Title

Intro paragraph.

## Install

Run pip install.

Second paragraph about install.

## Use

Call the API.
"""


def test_chunks_follow_headings_and_keep_ids_unique():
    chunks = rag.chunk_markdown("docs/page", PAGE, max_chars=1000)
    assert [c.heading for c in chunks] == ["Title", "Install", "Use"]
    assert "Second paragraph" in chunks[1].text and "Call the API" not in chunks[1].text
    assert len({c.chunk_id for c in chunks}) == len(chunks) and chunks[0].chunk_id == "docs/page#0"


def test_small_budget_packs_paragraphs_without_splitting_them():
    chunks = rag.chunk_markdown("p", PAGE, max_chars=30)
    assert all(p in " ".join(c.text for c in chunks) for p in ("Run pip install.", "Second paragraph about install."))
    assert not any(c.text.startswith("install.") for c in chunks)  # no paragraph is cut in half


def test_top_k_is_best_first_with_ties_by_position():
    scores = np.array([0.1, 0.9, 0.5, 0.9, -1.0])
    assert rag.top_k(scores, 3) == [1, 3, 2]
    assert rag.top_k(scores, 10) == [1, 3, 2, 0, 4]
    assert rag.top_k(scores, 0) == []


def test_rrf_rewards_agreement():
    assert rag.rrf([[1, 2, 3], [3, 1, 2]]) == [1, 3, 2]
    assert rag.rrf([[7], [8]], k=1) == [7]  # a tie goes to the smaller position


def test_bm25_finds_error_codes_and_returns_only_matches():
    texts = ["Error E1042 means the index is locked.", "Restart the worker.", "The cache is warm."]
    bm25 = rag.BM25Retriever(texts)
    assert bm25.search("E1042?", 3) == [0]
    assert bm25.search("nothing matches", 3) == []


def test_korean_tokens_drop_particles():
    pytest.importorskip("kiwipiepy")
    assert "검색" in rag.korean_tokens("검색을 빠르게") and "을" not in rag.korean_tokens("검색을 빠르게")


def test_dense_and_hybrid_search_with_the_bundled_model():
    texts = ["How to rotate an API key", "Postgres connection pool sizing", "Error E1042: index locked"]
    dense = rag.DenseRetriever(rag.embed(texts), rag.embed_query)
    assert dense.search("renew my access token", 1) == [0]
    hybrid = rag.HybridRetriever(rag.BM25Retriever(texts), dense)
    assert hybrid.search("E1042", 1) == [2]
