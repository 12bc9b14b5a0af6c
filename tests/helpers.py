"""Helpers shared by the machinery tests."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from autograder.notebooks import grade_id, is_solution


def fill_answers(released, answers: dict[str, str]):
    """The released notebook with some answer cells replaced, as a learner would save it."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        if is_solution(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def solution_answers(source) -> dict[str, str]:
    return {grade_id(c): c.source for c in source.cells if is_solution(c)}


def write_nb(path: Path, nb) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
