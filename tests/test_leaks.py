"""No solution code and no hidden test reaches a learner: not in exercises/, not in the built site."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from autograder.notebooks import read_source
from autograder.paths import all_exercises, lesson_pages, repo_root

REGIONS = [("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]


def answer_lines(exercise) -> set[str]:
    """Lines inside the solution regions of an exercise's answer cells."""
    lines = set()
    for cell in read_source(exercise).cells:
        inside = False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped.startswith("### BEGIN SOLUTION"):
                inside = True
            elif stripped.startswith("### END SOLUTION"):
                inside = False
            elif inside:
                lines.add(stripped)
    return lines


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
    """The site's exercise pages show no answers and no hidden tests; no page comes from solutions/.

    (Lesson pages are authored text and may share a generic line with a test, like
    `await asyncio.sleep(0.01)`; test_lessons_do_not_give_answers_away covers them.)
    """
    site = repo_root() / "book" / "_build" / "html"
    if not site.exists():
        pytest.skip("the site is not built here (make course builds it)")
    assert not (site / "solutions").exists(), "the site must not include solutions/"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, f"{page} shows grading markers"
    for exercise in all_exercises():
        page = site / "exercises" / exercise.module / f"{exercise.name}.html"
        if not page.exists():
            continue
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8", errors="replace")))
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(secret_lines(exercise) & lines)
        assert not leaked, f"{page} shows solution or hidden-test lines: {leaked[:3]}"


# Library idioms that any answer and any lesson may share: they are how you use the API, not the answer.
IDIOMS = {'model_config = ConfigDict(extra="forbid")'}


def test_lessons_do_not_give_answers_away():
    """No answer line (40+ characters, not an import or a decorator) of any exercise appears verbatim in a lesson page."""
    lesson_lines = {line.strip() for page in lesson_pages() for line in page.read_text(encoding="utf-8").splitlines()}
    for exercise in all_exercises():
        answers = {line for line in answer_lines(exercise)
                   if len(line) >= 40 and not line.startswith(("import ", "from ", "@"))} - IDIOMS
        shown = sorted(answers & lesson_lines)
        assert not shown, f"lessons show answer lines of {exercise.key}: {shown[:3]}"
