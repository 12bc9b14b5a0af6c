"""The course works with stock nbgrader: `course nbgrader-export` writes a course directory on which
nbgrader's own `generate_assignment` and `autograde` give the solution full marks and the released
notebook zero, for one exercise of every module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import nbgrader_export
from autograder.paths import MODULES, all_exercises

# One exercise per module, the quickest of each to run.
PICKS = ("cs-sql", "ml-numpy", "llm-safety", "rag-chunking", "ops-pipeline", "serve-cache", "capstone-rag-api")
BIN = Path(sys.executable).parent


def nbgrader(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=folder, capture_output=True, text=True, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def test_the_picks_cover_every_module_that_has_exercises():
    modules = {e.module for e in all_exercises() if e.name in PICKS}
    assert modules == {e.module for e in all_exercises()}, "pick one exercise of each module"
    assert set(MODULES) >= modules


def test_stock_nbgrader_grades_the_export(tmp_path):
    folder = tmp_path / "course"
    written = nbgrader_export.export(folder, PICKS)
    assert sorted(p.stem for p in written) == sorted(PICKS)
    assert (folder / "nbgrader_config.py").is_file() and (folder / "README.md").is_file()

    nbgrader(folder, "generate_assignment", "*", "--force")
    for source in written:
        module = source.parent.name
        released = folder / "release" / module / source.name
        assert "BEGIN HIDDEN TESTS" not in released.read_text(encoding="utf-8")
        for student, notebook in (("solved", source), ("untouched", released)):
            target = folder / "submitted" / student / module / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)
    nbgrader(folder, "autograde", "*", "--force")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for source in written:
            module = source.parent.name
            solved = gradebook.find_submission_notebook(source.stem, module, "solved")
            untouched = gradebook.find_submission_notebook(source.stem, module, "untouched")
            assert solved.max_score > 0
            assert solved.score == solved.max_score, (source.stem, [(g.name, g.score) for g in solved.grades])
            assert untouched.score == 0, (source.stem, [(g.name, g.score) for g in untouched.grades])
