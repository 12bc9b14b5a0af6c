"""`course grade EXPORT`: an instructor grades a whole class.

EXPORT (SUBMISSIONS_DIR/<student>/<exercise>.ipynb, or an LMS export: see lms.py) -> OUT/grades.csv,
OUT/feedback/<student>/<exercise>.html, OUT/feedback.zip, OUT/summary.html, OUT/intake.csv.
Submitted files are only read. Every submission is graded in its own process and kernel; one
that cannot be graded becomes an error row with the reason, and the run goes on.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from nbformat import NotebookNode
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import grading, runcache, sandbox
from .notebooks import exercise_key_of, read_source, read_submission
from .paths import CourseError, Exercise, find_exercise

CSV_FIELDS = ["student", "exercise", "task", "score", "max", "error", "flags", "sandbox"]
UNSANDBOXED = "NONE (graded with --unsandboxed: no isolation)"
STATE_NAME = ".grading-state.json"  # what was graded, by fingerprint: lets a rerun resume


@dataclass
class Submission:
    student: str
    path: Path
    name: str = ""  # the exercise its name in the export gives (default: the file's name)
    key: str = ""  # unique in the class: <student>/<its path in the export>

    def __post_init__(self) -> None:
        self.name = self.name or self.path.stem
        self.key = self.key or f"{self.student}/{self.path.name}"


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def rows_for(student: str, report: grading.Report, sandboxed: bool = True) -> list[dict]:
    """The submission's rows of grades.csv; `sandboxed` is how this class was graded (every row says)."""
    rows = _rows(student, report)
    for row in rows:
        row["sandbox"] = "bubblewrap" if sandboxed else UNSANDBOXED
    return rows


def _rows(student: str, report: grading.Report) -> list[dict]:
    flags = "; ".join(report.flags)
    if not report.tasks:  # not even the exercise is known
        return [dict(student=student, exercise=report.exercise, task="*", score=0, max=0, error=report.error,
                     flags=flags)]
    if report.error and all(t.error == report.error for t in report.tasks):  # nothing could run at all
        return [dict(student=student, exercise=report.exercise, task="*", score=0,
                     max=f"{report.max_score:g}", error=report.error, flags=flags)]
    return [dict(student=student, exercise=report.exercise, task=t.task, score=f"{t.score:g}",
                 max=f"{t.points:g}", error=t.error, flags=flags) for t in report.tasks]


def feedback_html(student: str, report: grading.Report) -> str:
    """A plain page for the learner: per task, points and why it failed; never test code."""
    esc = html.escape
    rows = "".join(
        f"<tr class='{'pass' if t.passed else 'fail'}'><td>{esc(t.task)}</td><td>{t.score:g}/{t.points:g}</td>"
        f"<td>{'passed' if t.passed else 'failed'}</td><td>{esc(t.message)}</td></tr>"
        for t in report.tasks)
    notes = "".join(f"<li>{esc(n)}</li>" for n in report.notes + ([report.error] if report.error else []))
    notes += "".join(f"<li>Flagged for your instructor to review: {esc(f)}</li>" for f in report.flags)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(report.exercise)}: {esc(student)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.4rem;text-align:left}}
.pass td:nth-child(3){{color:#1a7f37}}.fail td:nth-child(3){{color:#cf222e}}</style></head>
<body><h1>{esc(report.exercise)}</h1><p>Student: {esc(student)}. Score: <b>{report.score:g} / {report.max_score:g}</b></p>
<table><tr><th>Task</th><th>Points</th><th>Result</th><th>Why it failed</th></tr>{rows}</table>
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
<p>Hidden tests are named with their message only; rerun <code>course check</code> on your notebook to try again.</p>
</body></html>
"""


class Grader:
    """Grades submissions one by one; references are read once per exercise."""

    def __init__(self, *, cell_timeout: int, total_timeout: int, memory_mb: int, hide: tuple[Path, ...],
                 sandbox: bool = True, cache=None):  # noqa: ANN001
        self.limits = dict(cell_timeout=cell_timeout, total_timeout=total_timeout, memory_mb=memory_mb, hide=hide,
                           sandboxed=sandbox)
        self.cache = cache  # a runcache.RunCache: an identical notebook (a copy) is not run twice
        self._references: dict[str, NotebookNode] = {}
        self._lock = threading.Lock()

    def reference(self, exercise: Exercise) -> NotebookNode:
        with self._lock:
            if exercise.key not in self._references:
                self._references[exercise.key] = read_source(exercise)
            return self._references[exercise.key]

    def grade(self, sub: Submission) -> grading.Report:
        """Grade one submission; whatever goes wrong becomes this row's error, never a lost run."""
        try:
            return self._grade(sub)
        except Exception as exc:  # noqa: BLE001 - one bad submission must not stop the class
            return grading.Report(exercise=sub.name, sandboxed=self.limits["sandboxed"],
                                  error=f"the grader failed on this notebook ({type(exc).__name__}: {exc}); "
                                        "please report it")

    def _grade(self, sub: Submission) -> grading.Report:
        try:
            notebook = read_submission(sub.path)
        except CourseError as exc:
            exercise = find_exercise(sub.name)
            if exercise is None:
                return grading.Report(exercise=sub.name, error=str(exc))
            return grading.not_gradable(self.reference(exercise), exercise.key, str(exc))
        exercise = find_exercise(exercise_key_of(notebook) or "") or find_exercise(sub.name)
        if exercise is None:
            return grading.Report(exercise=sub.name,
                                  error=f"{sub.path.name} is not a course exercise (unknown name and no course metadata)")
        return grading.grade(self.reference(exercise), notebook, exercise.key, **self.limits, cache=self.cache)


def grader_fingerprint(limits: dict) -> str:
    """The grader's own code, the course helpers the tests call, and the limits: a change to any
    of them (a fixed grader, other timeouts) means every notebook is graded again."""
    import autograder
    import coursekit

    digest = hashlib.sha256(json.dumps({k: str(v) for k, v in sorted(limits.items())}).encode())
    for package in (autograder, coursekit):
        for path in sorted(Path(package.__file__).parent.rglob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def fingerprint(sub: Submission, grader_print: str = "") -> str:
    """Changes when the submission, its exercise's source or the grader changes: then it is graded again."""
    digest = hashlib.sha256(sub.path.read_bytes() + grader_print.encode())
    exercise = find_exercise(sub.name)
    if exercise is not None and exercise.source.exists():
        digest.update(exercise.source.read_bytes())
    try:  # a renamed file is found by its metadata; fold that exercise in too
        key = exercise_key_of(json.loads(sub.path.read_bytes()))
        found = find_exercise(key or "")
        if found is not None and found is not exercise:
            digest.update(found.source.read_bytes())
    except (ValueError, AttributeError, TypeError):
        pass
    return digest.hexdigest()


def grade_all(todo, pool, grader, reports, state, out_dir, save, progress) -> None:  # noqa: ANN001
    bar = progress.add_task(f"Grading {len(todo)} notebooks", total=len(todo))
    futures = {pool.submit(grader.grade, sub): (key, print_key, sub) for key, print_key, sub in todo}
    for future in as_completed(futures):
        key, print_key, sub = futures[future]
        report = future.result()
        reports[key] = (sub.student, report)
        state[key] = {"fingerprint": print_key, "report": asdict(report)}
        atomic_write(out_dir / "feedback" / sub.student / f"{sub.name}.html", feedback_html(sub.student, report))
        save()  # after every notebook: a crash loses at most the ones in flight
        status = "[red]error[/red]" if report.error else f"{report.score:g}/{report.max_score:g}"
        flagged = " [magenta]flagged[/magenta]" if report.flags else ""
        progress.console.print(f"  {sub.student} · {report.exercise}: {status}{flagged}", highlight=False)
        progress.advance(bar)


def load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def report_from(data: dict) -> grading.Report:
    tasks = [grading.TaskResult(**t) for t in data.pop("tasks")]
    return grading.Report(**data, tasks=tasks)


NO_SANDBOX = """bubblewrap (bwrap) is not available here, so submissions cannot be isolated: their code
could read the solutions and hidden tests, or change the grader and so every later grade.
Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`)
and run again, or pass --unsandboxed to grade anyway (every row of grades.csv is then marked)."""


def hidden_folders(source: Path, out_dir: Path) -> tuple[Path, ...]:
    """What kernels must never see: the export (a zip's folder too) and the grader's output."""
    folders = [out_dir.resolve()]
    if source.is_dir():
        folders.append(source.resolve())
    elif source.parent.resolve() not in sandbox.readable_paths():  # the folder the zip was saved in
        folders.append(source.parent.resolve())
    return tuple(folders)


def run(submissions_dir: Path, out_dir: Path, *, jobs: int, cell_timeout: int, total_timeout: int,
        memory_mb: int, fresh: bool, console: Console, unsandboxed: bool = False, layout: str = "auto",
        gradebook: str | None = None, assignment: str | None = None) -> int:
    from . import lms

    if out_dir.resolve() == submissions_dir.resolve() or submissions_dir.resolve() in out_dir.resolve().parents:
        raise CourseError(f"the output folder {out_dir} is inside the submissions: choose another with -o")
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        export = lms.read_export(submissions_dir, out_dir, layout)
        lms.check_gradebook(gradebook, export)
    except CourseError:
        if created:  # a failed start leaves nothing behind
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    intake_notes = lms.keep_newest(export.entries)
    atomic_write(out_dir / "intake.csv", lms.intake_csv(export))
    skipped = [e for e in export.entries if e.status and not e.status.startswith("superseded")]
    console.print(f"Read {submissions_dir} as a {export.kind} export: {len(export.graded)} notebook(s) to grade, "
                  f"{len(skipped)} file(s) skipped (list: {out_dir / 'intake.csv'})", highlight=False)
    for entry in skipped:
        console.print(f"  [yellow]skipped[/yellow] {entry.source}: {entry.status.removeprefix('skipped: ')}",
                      highlight=False)
    for note in intake_notes:
        console.print(f"  [yellow]two or more files[/yellow] {note}", highlight=False)
    submissions = [Submission(e.student, e.path, name=e.name, key=f"{e.student}/{e.source}")
                   for e in export.graded]
    by_key = {sub.key: entry for sub, entry in zip(submissions, export.graded)}
    if not submissions:
        raise CourseError(f"no notebooks to grade in {submissions_dir} (read as a {export.kind} export; "
                          f"--from names another layout: {', '.join(lms.LAYOUTS)})")
    sandboxed = sandbox.bwrap_works()
    if not sandboxed and not unsandboxed:
        raise CourseError(NO_SANDBOX)
    if not sandboxed:
        console.print("[yellow]warning:[/yellow] grading WITHOUT a sandbox (--unsandboxed): every row is marked.")
    # Kernels never see the class's submissions or the grader's output folder.
    grader = Grader(cell_timeout=cell_timeout, total_timeout=total_timeout, memory_mb=memory_mb,
                    hide=hidden_folders(submissions_dir, out_dir), sandbox=sandboxed,
                    cache=None if fresh else runcache.RunCache())
    grader_print = grader_fingerprint({**grader.limits, "hide": ""})
    state_path = out_dir / STATE_NAME
    state = {} if fresh else load_state(state_path)
    reports: dict[str, tuple[str, grading.Report]] = {}
    todo = []
    for sub in submissions:
        key = sub.key
        print_key = fingerprint(sub, grader_print)
        saved = state.get(key)
        if saved and saved.get("fingerprint") == print_key:
            reports[key] = (sub.student, report_from(dict(saved["report"])))
        else:
            todo.append((key, print_key, sub))
    state = {key: state[key] for key in reports}  # drop submissions that are gone or changed
    if reports:
        console.print(f"{len(reports)} notebook(s) unchanged since the last run: kept their grades "
                      "(use --fresh to grade everything again).", highlight=False)

    csv_path = out_dir / "grades.csv"

    def save() -> None:
        ordered = [row for key in sorted(reports) for row in rows_for(*reports[key], sandboxed)]
        atomic_write(csv_path, csv_text(ordered))
        atomic_write(state_path, json.dumps(state))

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        # Each job's next kernel starts while its current submission runs (sandbox.prestarted).
        limits = grader.limits
        warm = {} if limits["sandboxed"] is False else dict(memory_mb=limits["memory_mb"], hide=limits["hide"])
        with sandbox.prestarted(jobs, runs=len(todo), **warm), \
                Progress(*columns, console=console, transient=False) as progress:
            grade_all(todo, pool, grader, reports, state, out_dir, save, progress)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # nothing queued starts
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(t.is_alive() for t in list(pool._threads)):
            sandbox.kill_all()  # the kernels running now (and any that were starting) stop
            time.sleep(0.2)
        save()
        console.print(f"interrupted: {len(reports)} notebook(s) graded and saved in {csv_path}; "
                      "run the same command again to grade the rest.", highlight=False)
        return 130
    pool.shutdown()
    save()

    summary = Table(title="Grades", title_justify="left")
    for col in ("Student", "Exercise", "Score", "Problem", "Flags"):
        summary.add_column(col)
    for student, report in sorted(reports.values(), key=lambda r: (r[0], r[1].exercise)):
        summary.add_row(student, report.exercise.split("/")[-1], f"{report.score:g}/{report.max_score:g}",
                        report.error, "[magenta]" + "; ".join(report.flags) + "[/magenta]" if report.flags else "")
    console.print(summary)
    results = [lms.Result(by_key[key], report.exercise.split("/")[-1], report.score, report.max_score, report.error,
                          list(report.flags), [t.task for t in report.tasks if not t.passed])
               for key, (student, report) in reports.items()]
    written = [csv_path]
    for name, text in (lms.gradebook(gradebook, results, assignment) if gradebook else {}).items():
        atomic_write(out_dir / name, text)
        written.append(out_dir / name)
    atomic_write(out_dir / "summary.html", lms.summary_html(export.kind, results, intake_notes))
    feedback = lms.feedback_zip(export.kind, results, out_dir / "feedback")
    tmp = out_dir / ".feedback.zip.part"
    tmp.write_bytes(feedback)
    os.replace(tmp, out_dir / "feedback.zip")
    written += [out_dir / "summary.html", out_dir / "intake.csv"]
    console.print(f"Wrote {', '.join(str(p) for p in written)}; feedback pages in {out_dir / 'feedback'} "
                  f"and, named for the LMS to return them, {out_dir / 'feedback.zip'}", highlight=False)
    return 0
