"""Reading sources and submissions, releasing, checksums."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder import notebooks
from autograder.notebooks import checksum, read_submission
from autograder.paths import CourseError, all_exercises


def test_checksum_matches_nbgrader(source_nb, released_nb):
    from nbgrader.utils import compute_checksum

    cells = [c for c in source_nb.cells + released_nb.cells if notebooks.nbgrader_meta(c)]
    assert cells
    for cell in cells:
        assert checksum(cell) == compute_checksum(cell)


def test_release_is_deterministic_and_strips_answers(exercise):
    first = notebooks.to_bytes(notebooks.release_notebook(notebooks.read_source(exercise)))
    second = notebooks.to_bytes(notebooks.release_notebook(notebooks.read_source(exercise)))
    assert first == second
    text = first.decode()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text
    nb = nbformat.reads(text, as_version=4)
    assert nb.metadata["course"]["exercise"] == exercise.key
    assert all(c.metadata["nbgrader"].get("locked") for c in nb.cells if not notebooks.is_solution(c))


def test_exercise_names_are_unique_and_prefixed():
    prefixes = {"01-cs-basics": "cs-", "02-ml": "ml-", "03-llm-apps": "llm-", "04-rag": "rag-",
                "05-mlops": "ops-", "06-serving": "serve-", "07-capstone": "capstone-"}
    names = [ex.name for ex in all_exercises()]
    assert len(names) == len(set(names)), "exercise names must be unique course-wide"
    for ex in all_exercises():
        assert ex.name.startswith(prefixes[ex.module]), f"{ex.key} should start with {prefixes[ex.module]}"


@pytest.mark.parametrize("content, expected", [
    (b"{not json", "not valid notebook JSON"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b"\xff\xfe\x00binary", "not a text file"),
    (b"", "is empty"),
])
def test_damaged_submissions_give_clear_errors(tmp_path, content, expected):
    path = tmp_path / "cs-data-structures.ipynb"
    path.write_bytes(content)
    with pytest.raises(CourseError, match=expected):
        read_submission(path)


def test_oversized_submission_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(notebooks, "MAX_SUBMISSION_BYTES", 1000)
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps({"cells": [], "x": "y" * 5000}))
    with pytest.raises(CourseError, match="clear the outputs"):
        read_submission(path)


def test_old_format_and_missing_kernelspec_are_read(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1", "outputs": [], "language": "python"}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    nb = read_submission(path)
    assert nb.nbformat == 4 and nb.cells[0].source == "x = 1"
