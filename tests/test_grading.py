"""Rebuilding submissions around the reference, and scoring them (runs real kernels)."""

from __future__ import annotations

import copy

import nbformat

from autograder import grading
from autograder.notebooks import grade_id, is_solution, is_test

from helpers import fill_answers, solution_answers


def scores(report):
    return {t.task: t.score for t in report.tasks}


def test_solution_scores_full_and_blank_scores_zero(source_nb, released_nb, solved_nb, exercise):
    solved = grading.grade(source_nb, solved_nb, exercise.key)
    blank = grading.grade(source_nb, released_nb, exercise.key)
    assert solved.score == solved.max_score == 8, solved
    assert set(scores(blank).values()) == {0.0}
    assert all("not answered yet" in t.message for t in blank.tasks)


def test_each_task_is_scored_independently(source_nb, released_nb, exercise):
    answers = solution_answers(source_nb)
    half = fill_answers(released_nb, {"lru_impl": answers["lru_impl"], "index_impl": answers["index_impl"]})
    report = grading.grade(source_nb, half, exercise.key)
    assert scores(report) == {"lru_tests": 2, "top_k_tests": 0, "index_tests": 2, "limiter_tests": 0}


def test_edited_deleted_and_moved_cells_are_restored(source_nb, solved_nb, exercise):
    nb = copy.deepcopy(solved_nb)
    tests = [c for c in nb.cells if is_test(c)]
    tests[0].source = "pass  # the learner 'fixed' the test"
    nb.cells.remove(tests[1])  # deleted a test cell
    answers = [c for c in nb.cells if is_solution(c)]
    nb.cells.remove(answers[-1])
    nb.cells.insert(0, answers[-1])  # moved an answer cell to the top
    report = grading.grade(source_nb, nb, exercise.key)
    assert report.score == report.max_score
    assert any("'lru_tests' was edited" in n for n in report.notes)
    assert any("'top_k_tests' was missing" in n for n in report.notes)


def test_edited_test_cannot_make_a_wrong_answer_pass(source_nb, released_nb, exercise):
    nb = fill_answers(released_nb, {"top_k_impl": "def top_k(scores, k):\n    return []"})
    for cell in nb.cells:
        if grade_id(cell) == "top_k_tests":
            cell.source = "assert True"
    report = grading.grade(source_nb, nb, exercise.key)
    assert scores(report)["top_k_tests"] == 0


def test_extra_cells_are_kept_in_place_and_duplicates_ignored(source_nb, released_nb, exercise):
    answers = solution_answers(source_nb)
    nb = fill_answers(released_nb, {"top_k_impl": "def top_k(scores, k):\n    return helper(scores, k)"})
    position = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "top_k_impl")
    helper = answers["top_k_impl"].replace("def top_k(", "def helper(")
    nb.cells.insert(position, nbformat.v4.new_code_cell(helper))  # learner's own cell above the answer
    duplicate = copy.deepcopy(nb.cells[position + 1])
    duplicate.source = "def top_k(scores, k):\n    return 'second copy'"
    nb.cells.insert(position + 2, duplicate)
    report = grading.grade(source_nb, nb, exercise.key)
    assert scores(report)["top_k_tests"] == 2
    assert any("more than once" in n for n in report.notes)


def test_missing_answer_cell_scores_zero_with_a_note(source_nb, solved_nb, exercise):
    nb = copy.deepcopy(solved_nb)
    nb.cells = [c for c in nb.cells if grade_id(c) != "limiter_impl"]
    report = grading.grade(source_nb, nb, exercise.key)
    assert scores(report)["limiter_tests"] == 0 and scores(report)["lru_tests"] == 2
    assert any("'limiter_impl' is missing" in n for n in report.notes)


def test_infinite_loop_exit_and_crash_only_cost_their_tasks(source_nb, solved_nb, exercise):
    loop = fill_answers(solved_nb, {"top_k_impl": "while True:\n    pass"})
    report = grading.grade(source_nb, loop, exercise.key, cell_timeout=2)
    assert scores(report) == {"lru_tests": 2, "top_k_tests": 0, "index_tests": 2, "limiter_tests": 2}
    assert "timed out" in next(t.error for t in report.tasks if t.task == "top_k_tests")

    exits = fill_answers(solved_nb, {"top_k_impl": "import sys\nsys.exit(0)"})
    report = grading.grade(source_nb, exits, exercise.key)
    assert scores(report)["top_k_tests"] == 0 and scores(report)["limiter_tests"] == 2

    crash = fill_answers(solved_nb, {"index_impl": "import os\nos._exit(0)"})
    report = grading.grade(source_nb, crash, exercise.key)
    assert scores(report) == {"lru_tests": 2, "top_k_tests": 2, "index_tests": 0, "limiter_tests": 0}
    assert "crashed" in report.error


def test_whole_notebook_timeout_keeps_finished_cells(source_nb, solved_nb, exercise):
    stuck = fill_answers(solved_nb, {"index_impl": "import time\nwhile True:\n    try:\n        time.sleep(1)\n"
                                                   "    except KeyboardInterrupt:\n        pass"})
    report = grading.grade(source_nb, stuck, exercise.key, cell_timeout=2, total_timeout=8)
    assert scores(report) == {"lru_tests": 2, "top_k_tests": 2, "index_tests": 0, "limiter_tests": 0}
    assert "time limit" in report.error


def test_a_test_cell_can_name_the_answer_cell_it_checks(source_nb):
    nb = copy.deepcopy(source_nb)
    owners = grading.task_owners(nb)
    assert owners["top_k_tests"] == "top_k_impl"  # by default: the nearest answer cell above
    test = next(c for c in nb.cells if grade_id(c) == "top_k_tests")
    test.metadata["course"] = {"checks": "lru_impl"}
    assert grading.task_owners(nb)["top_k_tests"] == "lru_impl"


def test_a_repeated_section_starts_a_second_wrong_variant(tmp_path):
    from autograder import verify
    from autograder.paths import Exercise

    class Fake(Exercise):
        @property
        def wrong(self):
            return tmp_path / "x.wrong.py"

    (tmp_path / "x.wrong.py").write_text(
        "# header\n# %% a_impl  (first)\nA1\n# %% b_impl  (first)\nB1\n# %% a_impl  (second)\nA2\n")
    variants = verify.read_wrong(Fake("m", "x"))
    assert variants == [{"a_impl": "A1\n", "b_impl": "B1\n"}, {"a_impl": "A2\n"}]
    assert [verify.wrong_run_name(i) for i in range(2)] == ["wrong", "wrong-2"]
