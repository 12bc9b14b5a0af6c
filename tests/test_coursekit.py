"""The shared lesson helpers in coursekit/."""

from __future__ import annotations

import numpy as np

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
