"""Hostile and broken submissions: one file per attack in tests/adversarial/attacks/.

Each attack file describes a submission for the fixture exercise tests/adversarial/cs-guarded.md
(answers, structural edits, or raw bytes) and the expected outcome. One `course grade` run grades
them all, as a class, in a throwaway course: the run must complete, leave every input unchanged,
and give each attack the expected scores, error and flags.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import psutil
import pytest

import autograder
from autograder.notebooks import grade_id, is_solution, is_test
from autograder.sandbox import bwrap_works

HERE = Path(__file__).parent / "adversarial"
ATTACKS = sorted((HERE / "attacks").glob("*.py"))
EXERCISE = "cs-guarded"


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"attack_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def installed_files() -> dict[str, str]:
    """Hashes of the grader's code and the names of everything in the virtual environment."""
    package = Path(autograder.__file__).parent
    found = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in package.rglob("*.py")}
    found.update({str(p): "" for p in Path(sys.prefix).rglob("*") if "__pycache__" not in p.parts})
    return found


def sandbox_required():
    """Attacks that only the bubblewrap sandbox stops: CI installs it, so there they must run."""
    if not bwrap_works():
        if os.environ.get("CI"):
            pytest.fail("bubblewrap is not available in CI: .ci/run must install it")
        pytest.skip("bubblewrap is not installed here (see README: it isolates graded notebooks)")


def course(root: Path, *args, timeout=600):
    env = dict(os.environ, COURSE_ROOT=str(root), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    root = tmp / "course"
    (root / "solutions" / "01-cs-basics").mkdir(parents=True)
    (root / "exercises").mkdir()
    (root / "modules").mkdir()
    shutil.copy(HERE / f"{EXERCISE}.md", root / "solutions" / "01-cs-basics")
    assert course(root, "release").returncode == 0
    released = nbformat.read(root / "exercises" / "01-cs-basics" / f"{EXERCISE}.ipynb", as_version=4)
    source = jupytext.read(HERE / f"{EXERCISE}.md")
    correct = {grade_id(c): c.source for c in source.cells if is_solution(c)}

    subs = tmp / "subs"
    attacks = {}
    for path in ATTACKS:
        attack = load(path)
        attacks[path.stem] = attack
        nb = copy.deepcopy(released)
        answers = {**correct, **getattr(attack, "ANSWERS", {})}
        for cell in nb.cells:
            if is_solution(cell):
                cell.source = answers[grade_id(cell)]
        if hasattr(attack, "edit"):
            nb = attack.edit(nb)
        data = attack.RAW if hasattr(attack, "RAW") else (
            attack.raw(nb) if hasattr(attack, "raw") else nbformat.writes(nb).encode())
        folder = subs / path.stem
        folder.mkdir(parents=True)
        target = folder / getattr(attack, "FILENAME", f"{EXERCISE}.ipynb")
        if hasattr(attack, "SYMLINK_TO"):
            target.symlink_to(attack.SYMLINK_TO)
        else:
            target.write_bytes(data)
        for name, content in getattr(attack, "EXTRA_FILES", {}).items():
            (folder / name).write_bytes(content)

    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
    installed = installed_files()
    result = course(root, "grade", subs, "-j", "2", "--cell-timeout", "5", "--timeout", "40")
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
    rows = list(csv.DictReader((tmp / "subs-graded" / "grades.csv").open(encoding="utf-8")))
    points = {grade_id(c): float(c.metadata["nbgrader"]["points"]) for c in source.cells if is_test(c)}
    return dict(root=root, subs=subs, result=result, before=before, after=after, rows=rows, attacks=attacks,
                points=points, out=tmp / "subs-graded", installed=installed)


def test_the_run_completes_and_changes_no_submission(graded):
    assert graded["result"].returncode == 0, graded["result"].stdout + graded["result"].stderr
    assert "Traceback" not in graded["result"].stdout
    assert graded["before"] == graded["after"], "grading must never modify a submitted file"
    assert {r["student"] for r in graded["rows"]} == set(graded["attacks"]), "every attack has a row"


@pytest.mark.parametrize("name", [p.stem for p in ATTACKS])
def test_attack_gets_the_expected_outcome(graded, name):
    attack = graded["attacks"][name]
    if getattr(attack, "REQUIRES_SANDBOX", False):
        sandbox_required()
    expect = attack.EXPECT
    rows = [r for r in graded["rows"] if r["student"] == name]
    flags = rows[0]["flags"]
    errors = " | ".join(r["error"] for r in rows)
    if "unreadable" in expect:
        assert [r["task"] for r in rows] == ["*"] and float(rows[0]["score"]) == 0
        assert expect["unreadable"] in rows[0]["error"]
        return
    scores = {r["task"]: float(r["score"]) for r in rows}
    wanted = {task: expect.get("scores", {}).get(task, full) for task, full in graded["points"].items()}
    assert scores == wanted, f"{name}: errors: {errors}; flags: {flags}"
    for needle in expect.get("flags", []):
        assert needle in flags, f"{name}: expected a flag containing {needle!r}, got {flags!r}"
    if not expect.get("flags"):
        assert flags == "", f"{name}: an honest or harmless submission must not be flagged: {flags}"
    if "error" in expect:
        assert expect["error"] in errors, f"{name}: expected an error containing {expect['error']!r}: {errors}"


def test_every_row_says_it_was_sandboxed(graded):
    sandbox_required()
    assert {r["sandbox"] for r in graded["rows"]} == {"bubblewrap"}


def test_the_grader_and_the_venv_are_unchanged_after_grading(graded):
    """Submissions tried to write into the checkout and the venv: the next run is graded by the same code."""
    sandbox_required()
    assert installed_files() == graded["installed"]


def test_no_process_outlives_the_run(graded):
    markers = [getattr(a, "LEFTOVER_MARKER") for a in graded["attacks"].values() if hasattr(a, "LEFTOVER_MARKER")]
    assert markers
    leftovers = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        leftovers += [cmdline for marker in markers if marker in cmdline]
    assert not leftovers, f"processes started by submissions are still running: {leftovers[:3]}"


def test_feedback_never_shows_hidden_test_code(graded):
    pages = list((graded["out"] / "feedback").rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in text and "check_close(double([-1.5])" not in text


def test_a_rerun_resumes_instead_of_regrading(graded):
    rerun = course(graded["root"], "grade", graded["subs"], "-j", "2", "--cell-timeout", "5", "--timeout", "40")
    assert rerun.returncode == 0
    assert "unchanged since the last run" in rerun.stdout and "Grading 0 notebooks" in rerun.stdout
    again = list(csv.DictReader((graded["out"] / "grades.csv").open(encoding="utf-8")))
    assert again == graded["rows"]
