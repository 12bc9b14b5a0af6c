"""`course check NOTEBOOK`: a learner runs the visible tests of one exercise, in seconds."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode
from rich.console import Console
from rich.table import Table

from . import grading, runcache, sandbox
from .notebooks import exercise_key_of, read_submission
from .paths import CourseError, find_exercise


def reference_for_learner(submission: NotebookNode, path: Path) -> tuple[NotebookNode, str, bool]:
    """The released exercise this notebook came from (by its metadata, else its file name).

    Returns (reference, exercise key, known). For a notebook that is not a course exercise,
    the notebook itself is the reference, so its own test cells still run.
    """
    key = exercise_key_of(submission) or path.stem
    exercise = find_exercise(key)
    if exercise is None or not exercise.released.exists():
        return submission, path.stem, False
    return nbformat.read(exercise.released, as_version=4), exercise.key, True


def report_table(report: grading.Report, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Task")
    table.add_column("Points", justify="right")
    table.add_column("Result")
    table.add_column("Why it failed", overflow="fold")
    for task in report.tasks:
        result = "[green]passed[/green]" if task.passed else "[red]failed[/red]"
        table.add_row(task.task, f"{task.score:g}/{task.points:g}", result, task.message)
    return table


def print_report(console: Console, report: grading.Report, title: str) -> None:
    console.print(report_table(report, title))
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    for flag in report.flags:
        console.print(f"[magenta]an instructor would review this:[/magenta] {flag}", highlight=False)
    if report.error:
        console.print(f"[red]problem:[/red] {report.error}", highlight=False)


def run(path: Path, *, cell_timeout: int, total_timeout: int, memory_mb: int, console: Console) -> int:
    submission = read_submission(path)
    reference, key, known = reference_for_learner(submission, path)
    if not known:
        console.print(f"[yellow]note:[/yellow] {path.name} is not a course exercise; running its own test cells.")
    if not any(grading.test_cells(reference)):
        raise CourseError(f"{path.name} has no graded test cells to check")
    if not sandbox.bwrap_works():
        console.print("[yellow]note:[/yellow] bubblewrap is not installed, so your notebook runs without the "
                      "grading sandbox (fine for checking your own work; instructors grade with it).")
    with console.status(f"Running {path.name} in a fresh Python kernel…"):
        report = grading.grade(reference, submission, key, cell_timeout=cell_timeout, total_timeout=total_timeout,
                               memory_mb=memory_mb, cache=runcache.RunCache())
    print_report(console, report, f"{key}  (visible tests, {report.seconds:.1f} s)")
    passed = sum(t.passed for t in report.tasks)
    ok = passed == len(report.tasks) and not report.error
    colour = "green" if ok else "red"
    console.print(f"[{colour}]{passed}/{len(report.tasks)} tasks pass the visible tests "
                  f"({report.score:g}/{report.max_score:g} points).[/{colour}]", highlight=False)
    if ok:
        console.print("Hidden tests run when your work is graded: also think about edge cases.")
    return 0 if ok else 1
