"""coursekit stays true to the lessons: what Module 4 builds by hand and what coursekit.rag packages
give the same results on the same inputs, so the two copies cannot drift apart.

Each lesson function is taken from the page itself (its definition, the page's imports and its
upper-case constants, found with `ast`), not copied here.
"""

from __future__ import annotations

import ast

import jupytext
import numpy as np
import pytest

from coursekit import rag
from coursekit.corpus import checkout_root


def from_lesson(page: str, *names: str) -> dict:
    """Execute the page's imports, constants and the named top-level definitions; return them."""
    nb = jupytext.read(checkout_root() / "modules" / page)
    wanted, namespace = [], {}
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.source.lstrip().startswith("%"):
            continue
        tree = ast.parse(cell.source)
        for node in tree.body:
            keep = isinstance(node, (ast.Import, ast.ImportFrom)) and not any(
                (a.name or "").startswith("coursekit") for a in getattr(node, "names", [])) \
                and not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coursekit"))
            keep |= isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names
            keep |= isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper()
                                                        and isinstance(node.value, ast.Constant)
                                                        for t in node.targets)
            if keep:
                wanted.append(ast.get_source_segment(cell.source, node))
    exec(compile("\n".join(wanted), page, "exec"), namespace)  # noqa: S102 - the course's own page
    missing = [n for n in names if n not in namespace]
    assert not missing, f"{page} no longer defines {missing}: update this test with the lesson"
    return {n: namespace[n] for n in names}


TEXTS = ["Reset your password from the login page.", "Rate limits return 429 with a Retry-After header.",
         "비밀번호는 로그인 화면에서 재설정합니다.", "The password reset link expires after one hour.",
         "Batch requests share one model call.", "password password password"]
# (No empty text: the packaged BM25 gives one a placeholder token, which the lesson's need not.)
QUERIES = ["password reset", "429 rate limit", "model", "로그인", "nothing matches this"]


def test_bm25_by_hand_scores_like_the_packaged_bm25():
    OkapiBM25 = from_lesson("04-rag/lexical-and-hybrid.md", "OkapiBM25")["OkapiBM25"]
    ours = OkapiBM25([rag.words(t) for t in TEXTS])
    packaged = rag.BM25Retriever(TEXTS)
    for query in QUERIES:
        np.testing.assert_allclose(ours.scores(rag.words(query)), packaged.scores(query), rtol=1e-9, atol=1e-12,
                                   err_msg=query)


@pytest.mark.parametrize("seed", range(5))
def test_rrf_by_hand_fuses_like_the_packaged_rrf(seed):
    fuse = from_lesson("04-rag/lexical-and-hybrid.md", "reciprocal_rank_fusion")["reciprocal_rank_fusion"]
    rng = np.random.default_rng(seed)
    rankings = [list(rng.permutation(30)[: rng.integers(1, 30)]) for _ in range(rng.integers(1, 4))]
    assert fuse(rankings) == rag.rrf(rankings)
    assert fuse(rankings, k=10) == rag.rrf(rankings, rrf_k=10)


@pytest.mark.parametrize("seed", range(5))
def test_brute_force_search_by_hand_ranks_like_the_packaged_top_k(seed):
    search = from_lesson("04-rag/vector-search.md", "search")["search"]
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(200, 16)).astype(np.float32)
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    q = M[seed] + 0.1 * rng.normal(size=16).astype(np.float32)
    q /= np.linalg.norm(q)
    for k in (1, 5, 200):
        ids, scores = search(M, q, k)
        assert list(map(int, ids)) == rag.top_k(M @ q, k)
        assert list(map(int, ids)) == rag.DenseRetriever(M, lambda _: q).search("q", k)
        assert np.all(np.diff(scores) <= 0)
