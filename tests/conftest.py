"""Shared helpers for tests of the course machinery."""

from __future__ import annotations

import nbformat
import pytest

from autograder.notebooks import read_source
from autograder.paths import find_exercise
from helpers import fill_answers, solution_answers

# A real exercise the machinery tests use (4 tasks of 2 points, answer cells named below).
EXERCISE = "cs-data-structures"


@pytest.fixture(scope="session")
def exercise():
    return find_exercise(EXERCISE)


@pytest.fixture(scope="session")
def source_nb(exercise):
    return read_source(exercise)


@pytest.fixture(scope="session")
def released_nb(exercise):
    return nbformat.read(exercise.released, as_version=4)


@pytest.fixture(scope="session")
def solved_nb(source_nb, released_nb):
    """What a learner who solved everything saves: released notebook + correct answers."""
    return fill_answers(released_nb, solution_answers(source_nb))
