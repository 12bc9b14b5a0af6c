"""The `course` command end to end, as learners and instructors run it."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from helpers import fill_answers, write_nb

COURSE = [sys.executable, "-m", "autograder"]


def course(*args, cwd=None, timeout=300):
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([*COURSE, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_blank_exercise_fails_with_a_readable_table(exercise):
    result = course("check", exercise.released)
    assert result.returncode == 1
    out = result.stdout
    for task in ("lru_tests", "top_k_tests", "index_tests", "limiter_tests"):
        assert task in out
    assert "not answered yet" in out and "0/4 tasks pass" in out
    assert "Traceback" not in out + result.stderr


def test_check_solved_notebook_passes_even_when_renamed(tmp_path, solved_nb):
    path = write_nb(tmp_path / "my copy (1).ipynb", solved_nb)  # found by metadata, not file name
    result = course("check", path)
    assert result.returncode == 0, result.stdout
    assert "4/4 tasks pass" in result.stdout


def test_check_damaged_notebook_is_a_clear_error(tmp_path):
    path = tmp_path / "cs-data-structures.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    result = course("check", path)
    assert result.returncode == 2
    assert "not valid notebook JSON" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_release_check_passes_on_the_committed_exercises():
    result = course("release", "--check")
    assert result.returncode == 0, result.stdout


def test_grade_a_class_with_broken_submissions(tmp_path, solved_nb, released_nb):
    """The spine's acceptance test: correct, blank, corrupt JSON and infinite loop."""
    subs = tmp_path / "subs"
    write_nb(subs / "ana" / "cs-data-structures.ipynb", solved_nb)
    write_nb(subs / "ben" / "cs-data-structures.ipynb", released_nb)
    (subs / "cho").mkdir(parents=True)
    (subs / "cho" / "cs-data-structures.ipynb").write_text('{"cells": [{"cell_type": "code", ', encoding="utf-8")
    loop = fill_answers(solved_nb, {"lru_impl": "while True:\n    pass"})
    write_nb(subs / "dan" / "cs-data-structures.ipynb", loop)
    before = {p: digest(p) for p in subs.rglob("*") if p.is_file()}

    start = time.monotonic()
    result = course("grade", subs, "-j", "2", "--cell-timeout", "3", "--timeout", "60")
    assert result.returncode == 0, result.stdout + result.stderr
    assert time.monotonic() - start < 120

    assert {p: digest(p) for p in subs.rglob("*") if p.is_file()} == before, "submissions must not change"
    out = tmp_path / "subs-graded"
    rows = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["student", "exercise", "task", "score", "max", "error", "flags", "sandbox"]
    total = {}
    for row in rows:
        total[row["student"]] = total.get(row["student"], 0) + float(row["score"])
    assert total == {"ana": 8, "ben": 0, "cho": 0, "dan": 6}
    errors = [row for row in rows if row["error"]]
    assert [(r["student"], r["task"]) for r in errors] == [("cho", "*"), ("dan", "lru_tests")]
    assert "not valid notebook JSON" in errors[0]["error"]
    assert "timed out" in errors[1]["error"]
    feedback = (out / "feedback" / "ben" / "cs-data-structures.html").read_text(encoding="utf-8")
    assert "limiter_tests" in feedback and "0 / 8" in feedback
    assert "BEGIN HIDDEN TESTS" not in feedback and "HIDDEN" not in feedback


def test_progress_and_workspace(tmp_path, solved_nb):
    ws = tmp_path / "ws"
    assert course("workspace", ws).returncode == 0
    copied = ws / "01-cs-basics" / "cs-data-structures.ipynb"
    assert copied.exists()
    write_nb(copied, solved_nb)
    assert course("workspace", ws).returncode == 0
    assert nbformat.read(copied, as_version=4) == solved_nb, "workspace never overwrites work"
    result = course("progress", ws)
    assert result.returncode == 0, result.stdout
    line = next(line for line in result.stdout.splitlines() if "cs-data-structures" in line)
    assert "passing" in line and "4/4" in line
