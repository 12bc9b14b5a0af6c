"""The learner's workspace: a private copy of exercises/ to work in, and progress through it.

exercises/ is generated and tracked by git, so learners work in `workspace/` (ignored by git).
`course workspace` only ever adds notebooks that are not there yet; it never overwrites work.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from rich.console import Console
from rich.table import Table

from . import grading
from .notebooks import grade_id, is_solution, read_submission
from .paths import MODULES, CourseError, all_exercises, repo_root

CACHE_NAME = ".course-progress.json"


def default_dir() -> Path:
    return repo_root() / "workspace"


def copy_new(workspace: Path, console: Console) -> int:
    added = []
    for ex in all_exercises():
        target = workspace / ex.module / ex.released.name
        if ex.released.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ex.released, target)
            added.append(target)
    for path in added:
        console.print(f"  new: {path.relative_to(workspace.parent)}", highlight=False)
    console.print(f"{len(added)} new exercise notebook(s) in {workspace}; existing work was left as it was.",
                  highlight=False)
    return 0


def _answers(nb) -> dict[str, str]:
    return {grade_id(c): c.source for c in nb.cells if is_solution(c)}


def run_progress(workspace: Path, *, jobs: int, cell_timeout: int, total_timeout: int, memory_mb: int,
                 console: Console) -> int:
    if not workspace.is_dir():
        raise CourseError(f"{workspace} does not exist: run `course workspace` to create it")
    cache_path = workspace / CACHE_NAME
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}

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
        digest = hashlib.sha256(path.read_bytes() + ex.released.read_bytes()).hexdigest()
        if cache.get(ex.key, {}).get("digest") == digest:
            rows[ex.key] = tuple(cache[ex.key]["row"])
            continue
        todo.append((ex, reference, submission, digest))

    def check_one(item):
        ex, reference, submission, digest = item
        report = grading.grade(reference, submission, ex.key, cell_timeout=cell_timeout, total_timeout=total_timeout,
                               memory_mb=memory_mb)
        passed = sum(t.passed for t in report.tasks)
        if passed == len(report.tasks) and not report.error:
            row = ("[green]passing[/green]", f"{passed}/{len(report.tasks)} tasks")
        else:
            row = ("[yellow]in progress[/yellow]", f"{passed}/{len(report.tasks)} tasks" +
                   (f"; {report.error}" if report.error else ""))
        return ex, digest, row

    if todo:
        with console.status(f"Checking {len(todo)} changed notebook(s)…"), ThreadPoolExecutor(max(1, jobs)) as pool:
            for ex, digest, row in pool.map(check_one, todo):
                rows[ex.key] = row
                cache[ex.key] = {"digest": digest, "row": list(row)}
        cache_path.write_text(json.dumps(cache, indent=1), encoding="utf-8")

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
