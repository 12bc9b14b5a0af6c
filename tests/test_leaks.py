"""No solution code and no hidden test reaches a learner: not in exercises/, not in the built site."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from autograder.notebooks import read_source
from autograder.paths import all_exercises, repo_root

REGIONS = [("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]


def secret_lines(exercise) -> set[str]:
    """Lines that only ever appear inside solution or hidden-test regions of the source."""
    inside, outside = set(), set()
    for cell in read_source(exercise).cells:
        depth = 0
        for line in cell.source.splitlines():
            stripped = line.strip()
            if any(stripped.startswith(b) for b, _ in REGIONS):
                depth += 1
                continue
            if any(stripped.startswith(e) for _, e in REGIONS):
                depth -= 1
                continue
            (inside if depth else outside).add(stripped)
    # Short lines ("return result", "pass", ")") are too generic to identify a leak.
    return {line for line in inside - outside if len(line) >= 25}


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda e: e.name)
def test_released_exercise_has_no_secrets(exercise):
    nb = nbformat.read(exercise.released, as_version=4)
    lines = {line.strip() for cell in nb.cells for line in cell.source.splitlines()}
    leaked = sorted(secret_lines(exercise) & lines)
    assert not leaked, f"{exercise.released} contains solution or hidden-test lines: {leaked[:3]}"


def test_built_site_has_no_secrets():
    site = repo_root() / "book" / "_build" / "html"
    if not site.exists():
        pytest.skip("the site is not built here (make course builds it)")
    pages = {p: html.unescape(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8", errors="replace")))
             for p in site.rglob("*.html")}
    for exercise in all_exercises():
        for line in secret_lines(exercise):
            hits = [p for p, text in pages.items() if line in text]
            assert not hits, f"{line!r} from {exercise.key} appears in {hits[0]}"
