"""`course progress`: which exercises in the learner's workspace pass their visible tests.

Each started notebook is checked as `course check` would (the released notebook as reference);
unchanged notebooks are not run again: the shared run cache (runcache.py) returns their last
result, and a changed grader, helper or package reruns them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from rich.console import Console
from rich.table import Table

from . import grading, runcache, sandbox
from .notebooks import grade_id, is_solution, read_submission
from .paths import MODULES, CourseError, all_exercises


def _answers(nb) -> dict[str, str]:
    return {grade_id(c): c.source for c in nb.cells if is_solution(c)}


def run_progress(workspace: Path, *, jobs: int, cell_timeout: int, total_timeout: int, memory_mb: int,
                 console: Console) -> int:
    if not workspace.is_dir():
        raise CourseError(f"{workspace} does not exist: run `course workspace` to create it")
    cache = runcache.RunCache()

    rows: dict[str, tuple[str, str]] = {}  # exercise key -> (status, detail)
    todo = []
    for ex in all_exercises():
        path = workspace / ex.module / ex.released.name
        if not path.exists():
            rows[ex.key] = ("[dim]not in workspace[/dim]", "run `course workspace`")
            continue
        try:
            submission = read_submission(path)
        except CourseError as exc:
            rows[ex.key] = ("[red]unreadable[/red]", str(exc))
            continue
        reference = nbformat.read(ex.released, as_version=4)
        if _answers(submission) == _answers(reference):
            rows[ex.key] = ("[dim]not started[/dim]", "")
            continue
        todo.append((ex, reference, submission))

    def check_one(item):
        ex, reference, submission = item
        report = grading.grade(reference, submission, ex.key, cell_timeout=cell_timeout, total_timeout=total_timeout,
                               memory_mb=memory_mb, cache=cache)
        passed = sum(t.passed for t in report.tasks)
        if passed == len(report.tasks) and not report.error:
            row = ("[green]passing[/green]", f"{passed}/{len(report.tasks)} tasks")
        else:
            row = ("[yellow]in progress[/yellow]", f"{passed}/{len(report.tasks)} tasks" +
                   (f"; {report.error}" if report.error else ""))
        return ex, row

    if todo:
        if not sandbox.bwrap_works():
            console.print("[yellow]note:[/yellow] bubblewrap is not installed, so your notebooks run without the "
                          "grading sandbox (fine for checking your own work; instructors grade with it).")
        with console.status(f"Checking {len(todo)} started notebook(s)…"), ThreadPoolExecutor(max(1, jobs)) as pool, \
                sandbox.prestarted(jobs, runs=len(todo)):
            for ex, row in pool.map(check_one, todo):
                rows[ex.key] = row

    for module in MODULES:
        keys = [ex.key for ex in all_exercises() if ex.module == module]
        if not keys:
            continue
        table = Table(title=module, title_justify="left")
        table.add_column("Exercise")
        table.add_column("Status")
        table.add_column("Visible tests")
        for key in keys:
            status, detail = rows[key]
            table.add_row(key.split("/", 1)[1], status, detail)
        console.print(table)
    done = sum("passing" in rows[k][0] for k in rows)
    console.print(f"{done}/{len(rows)} exercises pass their visible tests.")
    return 0
