"""grading.assemble in small steps, each tested on a tiny notebook without a kernel
(in the style of nbgrader's preprocessor tests)."""

from __future__ import annotations

import nbformat
import pytest

from autograder import grading, guard
from autograder.notebooks import checksum


def cell(kind: str, source: str, gid: str | None = None, *, solution=False, grade=False, points=0):
    c = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if gid:
        c.metadata["nbgrader"] = {"grade_id": gid, "solution": solution, "grade": grade, "locked": not solution,
                                  "points": points, "schema_version": 3}
        c.metadata["nbgrader"]["checksum"] = checksum(c)
    return c


@pytest.fixture
def reference():
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        cell("markdown", "# Exercise", "intro"),
        cell("code", "import math", "setup"),
        cell("code", "def f(x):\n    raise NotImplementedError", "f_impl", solution=True),
        cell("code", "assert f(2) == 4, 'f squares'", "f_tests", grade=True, points=2),
        cell("code", "def g(x):\n    raise NotImplementedError", "g_impl", solution=True),
        cell("code", "assert g(1) == 1", "g_tests", grade=True, points=1),
    ]
    return nb


def submission(reference, **changes):
    nb = nbformat.reads(nbformat.writes(reference), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in changes:
            c.source = changes[gid]
    return nb


def test_learner_cells_takes_answers_by_grade_id_wherever_they_moved(reference):
    sub = submission(reference, f_impl="def f(x):\n    return x * x", g_impl="def g(x):\n    return x")
    sub.cells.reverse()
    found = grading.learner_cells(reference, sub)
    assert found.answers == {"f_impl": "def f(x):\n    return x * x", "g_impl": "def g(x):\n    return x"}
    assert found.seen_tests == {"f_tests", "g_tests"} and found.notes == []


def test_learner_cells_notes_duplicates_type_changes_and_edited_tests(reference):
    sub = submission(reference, f_tests="assert True")
    sub.cells.append(cell("code", "def f(x): return 0", "f_impl", solution=True))  # a second copy
    sub.cells[4] = cell("markdown", "def g(x): ...", "g_impl", solution=True)  # now markdown
    notes = grading.learner_cells(reference, sub).notes
    assert "test cell 'f_tests' was edited; the original was restored and graded" in notes
    assert "answer cell 'f_impl' appears more than once; the first copy was graded" in notes
    assert any("'g_impl' was changed to a markdown cell" in n for n in notes)


def test_added_code_cells_are_anchored_to_the_course_cell_before_them(reference):
    sub = submission(reference)
    sub.cells.insert(0, nbformat.v4.new_code_cell("first = 1"))
    sub.cells.insert(4, nbformat.v4.new_code_cell("helper = 2"))  # after f_impl
    sub.cells.append(nbformat.v4.new_markdown_cell("notes are not code"))
    sub.cells.append(nbformat.v4.new_code_cell("   "))  # blank code cells are dropped
    extras = grading.learner_cells(reference, sub).extras
    assert dict(extras) == {grading.START: ["first = 1"], "f_impl": ["helper = 2"]}


def test_missing_notes_name_each_missing_test_and_answer(reference):
    sub = submission(reference)
    sub.cells = [c for c in sub.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in ("f_tests", "g_impl")]
    notes = grading.missing_notes(reference, grading.learner_cells(reference, sub))
    assert notes == ["test cell 'f_tests' was missing; the original was restored and graded",
                     "answer cell 'g_impl' is missing; that task scores 0"]


def test_place_cells_restores_course_cells_and_stubs_missing_answers(reference):
    sub = submission(reference, f_impl="def f(x):\n    return x * x", f_tests="assert True")
    sub.cells = [c for c in sub.cells if c.metadata["nbgrader"]["grade_id"] != "g_impl"]
    sub.cells.insert(3, nbformat.v4.new_code_cell("helper = 2"))
    placed = grading.place_cells(reference, grading.learner_cells(reference, sub))
    roles = [(role, c.metadata.get("nbgrader", {}).get("grade_id")) for role, c in placed]
    assert roles == [("course", "intro"), ("course", "setup"), ("answer", "f_impl"), ("extra", None),
                     ("test", "f_tests"), ("answer", "g_impl"), ("test", "g_tests")]
    sources = [c.source for _, c in placed]
    assert sources[4] == "assert f(2) == 4, 'f squares'", "the edited test is the course's again"
    assert sources[5] == grading.MISSING_ANSWER.format(gid="g_impl")
    assert reference.cells[2].source.endswith("NotImplementedError"), "the reference is never changed"


def test_add_guard_sets_up_checks_before_each_test_and_seals_it(reference):
    placed = grading.place_cells(reference, grading.learner_cells(reference, submission(reference)))
    cells = grading.add_guard(placed)
    assert cells[0].source == guard.setup_cell().source
    assert guard.is_guard(cells[-1]) and cells[-1].source == guard.check_cell().source
    tests = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(tests) == 2
    for i in tests:
        assert guard.is_guard(cells[i - 1]), "a check runs right before every test cell"
        assert "_course_compare(" in cells[i].source, "the test's comparisons are sealed"
    assert not any("_course_compare(" in c.source for _, c in placed if _ == "answer")


def test_as_notebook_numbers_cells_and_clears_outputs(reference):
    with_output = nbformat.v4.new_code_cell("print(1)")
    with_output.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    with_output.execution_count = 7
    nb = grading.as_notebook(reference, [with_output, nbformat.v4.new_markdown_cell("m")])
    assert [c.id for c in nb.cells] == ["c0", "c1"]
    assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None
    assert nb.metadata == reference.metadata and nb.metadata is not reference.metadata
    nbformat.validate(nb)


def test_assemble_is_the_steps_composed(reference):
    sub = submission(reference, f_impl="def f(x):\n    return x * x")
    sub.cells.append(nbformat.v4.new_code_cell("extra = 1"))
    nb, notes, code = grading.assemble(reference, sub)
    assert code == ["def f(x):\n    return x * x", "def g(x):\n    raise NotImplementedError", "extra = 1"]
    assert notes == []
    assert nb.cells[-2].source == "extra = 1" and guard.is_guard(nb.cells[-1])
