"""`course verify`: prove every exercise honest and every lesson runnable.

For each exercise: (1) the solution scores full marks, (2) the untouched exercise scores 0 on
every task, (3) the plausible wrong answers in `<exercise>.wrong.py` score less than full on
every task they target, and every task is targeted; plus static rules (task count, points,
unique ids). Then (4) exercises/ is in sync with solutions/, and (5) every lesson page runs.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
from nbformat import NotebookNode
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import grading, guard, release, runcache, sandbox
from .notebooks import grade_id, is_solution, is_test, points, read_source, release_notebook
from .paths import CourseError, Exercise, all_exercises, lesson_pages, repo_root

MIN_TASKS, MAX_TASKS = 3, 6
NOTEBOOK_BUDGET_S = 60  # every notebook must run in under this on 2 cores (reported, see DEVELOPERS.md)
WRONG_HEADER = re.compile(r"^# %% (?P<gid>[A-Za-z0-9_.-]+)[^\n]*\n", re.M)


def read_wrong(exercise: Exercise) -> list[dict[str, str]]:
    """`# %% <grade_id>` sections of the wrong-answer file, as variants: answer cell id -> wrong source.

    Usually one variant. A grade_id that appears again starts the next variant, so one answer cell
    can be proven against several different mistakes (each variant is graded in a run of its own).
    """
    if not exercise.wrong.exists():
        return []
    text = exercise.wrong.read_text(encoding="utf-8")
    heads = list(WRONG_HEADER.finditer(text))
    variants: list[dict[str, str]] = []
    for head, nxt in zip(heads, heads[1:] + [None]):
        body = text[head.end(): nxt.start() if nxt else len(text)]
        target = next((v for v in variants if head["gid"] not in v), None)
        if target is None:
            variants.append(target := {})
        target[head["gid"]] = body.strip("\n") + "\n"
    return variants


def wrong_run_name(index: int) -> str:
    return "wrong" if index == 0 else f"wrong-{index + 1}"


def static_problems(source: NotebookNode, wrong: list[dict[str, str]]) -> list[str]:
    problems = []
    ids = [grade_id(c) for c in source.cells if grade_id(c)]
    dupes = [gid for gid, n in Counter(ids).items() if n > 1]
    if dupes:
        problems.append(f"duplicate grade_id: {', '.join(dupes)}")
    tests = [c for c in source.cells if is_test(c)]
    if not MIN_TASKS <= len(tests) <= MAX_TASKS:
        problems.append(f"{len(tests)} graded tasks (the course uses {MIN_TASKS}-{MAX_TASKS})")
    problems += [f"task '{grade_id(c)}' has no points" for c in tests if points(c) <= 0]
    owners = grading.task_owners(source)
    problems += [f"task '{grade_id(c)}' has no answer cell above it" for c in tests if grade_id(c) not in owners]
    answers = {grade_id(c) for c in source.cells if is_solution(c)}
    problems += [f"task '{task}' checks '{owner}', which is not an answer cell"
                 for task, owner in owners.items() if owner not in answers]
    problems += [f"wrong-answer section '{gid}' names no answer cell" for variant in wrong for gid in variant if gid not in answers]
    if not any("### BEGIN HIDDEN TESTS" in c.source for c in tests):
        problems.append("no hidden tests")
    return problems


FAKE = '''class _Anything:  # equal to everything, callable, every attribute is itself
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __hash__(self): return 0
    def __bool__(self): return True
    def __call__(self, *args, **kwargs): return self
    def __getattr__(self, name): return self
    def __getitem__(self, key): return self
    def __contains__(self, item): return True
    def __iter__(self): return iter(())
    def __len__(self): return 0
    def __repr__(self): return "Anything()"

'''


def with_fakes(source: NotebookNode) -> NotebookNode | None:
    """Every name an answer cell defines bound to a universal fake (an object equal to anything):
    such a submission must score 0 on every task. None where answers are not Python (app files)."""
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        if is_solution(cell) and cell.cell_type == "code":
            if cell.source.lstrip().startswith("%"):
                return None
            names = guard.bound_names(cell.source)
            cell.source = FAKE + "".join(f"{name} = _Anything()\n" for name in names)
    return nb


def with_wrong_answers(source: NotebookNode, wrong: dict[str, str]) -> NotebookNode:
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        if is_solution(cell) and grade_id(cell) in wrong:
            cell.source = wrong[grade_id(cell)]
    return nb


def up_to_targets(source: NotebookNode, wrong: dict[str, str]) -> NotebookNode:
    """The reference cut after the last test cell of the tasks a wrong variant targets.

    A variant is judged only on the tasks whose answer cells it replaces, so the cells after
    their last test cell need not run (a cheaper run: no later tests, servers or loads).
    """
    owners = grading.task_owners(source)
    last = max((i for i, c in enumerate(source.cells) if is_test(c) and owners.get(grade_id(c)) in wrong),
               default=len(source.cells) - 1)
    nb = copy.deepcopy(source)
    nb.cells = nb.cells[:last + 1]
    return nb


@dataclass
class ExerciseVerdict:
    exercise: Exercise
    source: NotebookNode | None = None
    wrong: list[dict[str, str]] = field(default_factory=list)  # variants
    runs: dict[str, NotebookNode] = field(default_factory=dict)  # name -> notebook to grade
    references: dict[str, NotebookNode] = field(default_factory=dict)  # name -> reference, if not source
    problems: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # task, points, solution, blank, wrong, ok


def plan_exercise(exercise: Exercise) -> ExerciseVerdict:
    """Static checks, and the notebooks to grade: solution, blank, wrong answers."""
    verdict = ExerciseVerdict(exercise)
    try:
        verdict.source = read_source(exercise)
        released = release_notebook(verdict.source)
    except CourseError as exc:
        verdict.problems.append(str(exc))
        return verdict
    verdict.wrong = read_wrong(exercise)
    verdict.problems += static_problems(verdict.source, verdict.wrong)
    verdict.runs = {"solution": verdict.source, "blank": released}
    fakes = with_fakes(verdict.source)
    if fakes is not None:
        verdict.runs["fake"] = fakes
    for index, variant in enumerate(verdict.wrong):
        verdict.runs[wrong_run_name(index)] = with_wrong_answers(verdict.source, variant)
        verdict.references[wrong_run_name(index)] = up_to_targets(verdict.source, variant)
    if not verdict.wrong:
        verdict.problems.append(f"no wrong answers: add {exercise.wrong.relative_to(repo_root())}")
    return verdict


def judge_exercise(verdict: ExerciseVerdict, reports: dict[str, grading.Report]) -> None:
    """Compare the three runs task by task; record a row per task and every violation."""
    for name, report in reports.items():
        if report.error:
            verdict.problems.append(f"{name} run: {report.error}")
    for flag in reports["solution"].flags:  # the reference answer must look honest to the guard
        verdict.problems.append(f"solution is flagged: {flag}")
    for note in reports["solution"].notes:  # ... and run top to bottom without an error
        if " raised " in note:
            verdict.problems.append(f"solution notebook: {note}")
    owners = grading.task_owners(verdict.source)
    by_task = {name: {t.task: t for t in r.tasks} for name, r in reports.items()}
    for task in by_task["solution"].values():
        sol = task.score
        blank = by_task["blank"][task.task].score
        runs = [wrong_run_name(i) for i, v in enumerate(verdict.wrong) if owners.get(task.task) in v]
        targeted = bool(runs)
        wrong_score = max(by_task[run][task.task].score for run in runs) if targeted else None
        ok = sol == task.points and blank == 0 and wrong_score is not None and wrong_score < task.points
        if sol != task.points:
            verdict.problems.append(f"solution fails '{task.task}': {task.message}")
        if blank != 0:
            verdict.problems.append(f"untouched exercise passes '{task.task}' (a test that cannot fail)")
        if "fake" in by_task and by_task["fake"][task.task].score != 0:
            ok = False
            verdict.problems.append(f"a universal fake (an object equal to anything) passes '{task.task}'")
        if not targeted:
            verdict.problems.append(f"no wrong answer targets '{task.task}' (answer cell '{owners.get(task.task)}')")
        elif wrong_score is not None and wrong_score >= task.points:
            verdict.problems.append(f"wrong answer for '{owners[task.task]}' still passes '{task.task}'")
        fake = by_task["fake"][task.task].score if "fake" in by_task else None
        verdict.rows.append((task.task, task.points, sol, blank, wrong_score, fake, ok))


@dataclass
class LessonVerdict:
    page: Path
    seconds: float
    problem: str = ""
    cached: bool = False


def lesson_notebook(page: Path) -> NotebookNode:
    try:
        return jupytext.read(page)
    except Exception as exc:
        raise CourseError(f"{page}: not a MyST notebook: {exc}") from None


def verify_lesson(page: Path, cell_timeout: int, total_timeout: int, memory_mb: int,
                  cache: runcache.RunCache | None = None) -> LessonVerdict:
    try:
        nb = lesson_notebook(page)
    except CourseError as exc:
        return LessonVerdict(page, 0.0, str(exc))
    if not any(c.cell_type == "code" for c in nb.cells):
        return LessonVerdict(page, 0.0)
    result = sandbox.run(nb, cell_timeout=cell_timeout, total_timeout=total_timeout, memory_mb=memory_mb,
                         cache=cache)
    problem = result.problem
    for index, outcome in sorted(result.cells.items()):
        expected = "raises-exception" in nb.cells[index].metadata.get("tags", [])
        if outcome.status != "ok" and not expected:
            first_line = nb.cells[index].source.strip().splitlines()[0][:60]
            problem = f"cell {index} ({first_line!r}) raised {outcome.message}"
            break
    return LessonVerdict(page, result.seconds, problem, cached=result.cached)


def run(*, only: str | None, jobs: int, cell_timeout: int, total_timeout: int, memory_mb: int, lessons: bool,
        console: Console, fresh: bool = False, changed: str | None = None, shard: str | None = None) -> int:
    exercises = [e for e in all_exercises() if not only or e.module.startswith(only) or e.name == only]
    pages = [p for p in lesson_pages() if not only or p.parent.name.startswith(only) or p.stem == only] if lessons else []
    if changed is not None:
        exercises, pages, why = changed_selection(changed, exercises, pages)
        console.print(f"--changed {changed}: {why}; {len(exercises)} exercise(s), {len(pages)} lesson page(s)",
                      highlight=False)
        if not exercises and not pages:
            console.print("[green]Nothing to verify.[/green]")
            return 0
    if shard is not None:
        index, count = parse_shard(shard)
        exercises, pages = shard_selection(exercises, pages, index, count, _load_durations())
        console.print(f"shard {index}/{count}: {len(exercises)} exercise(s), {len(pages)} lesson page(s)",
                      highlight=False)
    if not exercises and not pages:
        raise CourseError(f"nothing to verify{f' for {only!r}' if only else ''}")

    verdicts = [plan_exercise(e) for e in exercises]
    runs = [(v, name, nb) for v in verdicts for name, nb in v.runs.items()]
    cache = runcache.RunCache(read=not fresh)  # --fresh: run all, store anew
    reports: dict[tuple[str, str], grading.Report] = {}
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    # One pool for every notebook run (three per exercise, one per lesson): `jobs` kernels at a time.
    if not sandbox.bwrap_works():
        console.print("[yellow]note:[/yellow] bubblewrap is not installed: notebooks run without the grading "
                      "sandbox (install the `bubblewrap` package to verify as CI does).")
    with sandbox.job_pool(jobs) as pool:  # each job's next kernel starts while its current notebook runs
        reports, lesson_verdicts = _run_all(runs, pages, pool, columns, console, cell_timeout, total_timeout,
                                            memory_mb, cache)
    for v in verdicts:
        if v.runs:
            judge_exercise(v, {name: reports[(v.exercise.key, name)] for name in v.runs})
    if cache.hits:
        console.print(f"{cache.hits} of {cache.hits + cache.misses} notebook runs reused from the run cache "
                      f"({runcache.CACHE_DIR}; --fresh runs everything)", highlight=False)
    whole = only is None and changed is None and (shard is None or parse_shard(shard)[0] == 1)
    return report(verdicts, lesson_verdicts, pages, None if whole else "part", len(exercises), console)


DURATIONS = ".course-cache/verify-durations.json"  # seconds each run took last time (git ignores it)
# A tracked copy of a full run's durations, so that a fresh clone (CI) also starts the slowest
# first; refresh it with `cp .course-cache/verify-durations.json .ci/` after a full verify.
DURATIONS_SEED = ".ci/verify-durations.json"


def _estimate(durations: dict, key: str, lesson: bool) -> float:
    """How long a run will take: last time's duration, else a guess (the capstone is the long one)."""
    return durations.get(key, 300.0 if "capstone" in key else 40.0 if lesson else 10.0)


def _read_durations(name: str) -> dict:
    """Seconds per run recorded in one file (missing or damaged: none)."""
    try:
        durations = json.loads((repo_root() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in durations.items() if isinstance(v, (int, float))} if isinstance(durations, dict) else {}


def _load_durations() -> dict:
    """Recorded seconds per run: this checkout's last runs over the tracked seed."""
    return {**_read_durations(DURATIONS_SEED), **_read_durations(DURATIONS)}


def _run_all(runs, pages, pool, columns, console, cell_timeout, total_timeout, memory_mb, cache):  # noqa: ANN001
    """Run every notebook, longest first, so that one slow notebook does not run alone at the end."""
    path = repo_root() / DURATIONS
    own = _read_durations(DURATIONS)
    durations = {**_read_durations(DURATIONS_SEED), **own}
    jobs = [(f"{v.exercise.key}:{name}", False, (v, name, nb)) for v, name, nb in runs]
    jobs += [(str(p.relative_to(repo_root())), True, p) for p in pages]
    jobs.sort(key=lambda job: -_estimate(durations, job[0], job[1]))
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(f"Running {len(runs)} exercise notebooks and {len(pages)} lesson pages",
                                total=len(runs) + len(pages))
        futures = {}
        for key, lesson, job in jobs:
            if lesson:
                futures[key] = pool.submit(verify_lesson, job, cell_timeout, total_timeout, memory_mb, cache)
            else:
                v, name, nb = job
                futures[key] = pool.submit(grading.grade, v.references.get(name, v.source), nb, v.exercise.key,
                                           cell_timeout=cell_timeout, total_timeout=total_timeout,
                                           memory_mb=memory_mb, cache=cache)
            futures[key].add_done_callback(lambda _: progress.advance(bar))
        results = {key: f.result() for key, f in futures.items()}
    own.update({key: round(r.seconds, 1) for key, r in results.items() if not r.cached})
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(own, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only checkout: next time is scheduled by guesses
    reports = {(v.exercise.key, name): results[f"{v.exercise.key}:{name}"] for v, name, _ in runs}
    lesson_verdicts = [results[str(p.relative_to(repo_root()))] for p in pages]
    return reports, lesson_verdicts


EVERYTHING = ("autograder/", "coursekit/", "pyproject.toml", "Makefile")  # a change here reruns all


def changed_files(ref: str) -> list[str]:
    """Files that differ from `ref` (committed, staged, unstaged) plus untracked ones, repo-relative."""
    root = repo_root()
    out = []
    for cmd in (["git", "diff", "--name-only", ref, "--"], ["git", "ls-files", "--others", "--exclude-standard"]):
        try:
            done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CourseError(f"--changed needs git: {exc}") from None
        if done.returncode != 0:
            raise CourseError(f"--changed {ref}: git says: {done.stderr.strip() or done.stdout.strip()}")
        out += done.stdout.splitlines()
    return sorted(set(out))


def changed_selection(ref: str, exercises: list[Exercise], pages: list[Path],
                      files: list[str] | None = None) -> tuple[list[Exercise], list[Path], str]:
    """What a diff touches: an exercise's source, wrong answers or release -> that exercise; a lesson
    page (or any file under modules/, benchmarks/) -> that page and every notebook that reads the
    course's data; the grader, the helpers or the dependencies -> everything."""
    files = changed_files(ref) if files is None else files
    if any(f.startswith(EVERYTHING) for f in files):
        return exercises, pages, "the grader, helpers or dependencies changed: everything"
    names = {Path(f).name.split(".")[0] for f in files if f.startswith(("solutions/", "exercises/"))}
    data_changed = [f for f in files if f.startswith(("modules/", "benchmarks/"))]
    picked_ex = [e for e in exercises if e.name in names]
    picked_pages = [p for p in pages if str(p.relative_to(repo_root())) in data_changed]
    if data_changed:
        readers = [e for e in exercises if e not in picked_ex and _reads_data(e.source)]
        picked_ex += readers
        picked_pages += [p for p in pages if p not in picked_pages and _reads_data(p)]
    picked_ex = [e for e in exercises if e in picked_ex]  # course order
    picked_pages = [p for p in pages if p in picked_pages]
    return picked_ex, picked_pages, f"{len(files)} changed file(s)"


def _reads_data(path: Path) -> bool:
    try:
        return runcache.reads_data(jupytext.read(path))
    except Exception:  # noqa: BLE001 - an unreadable page: verify it, it will report why
        return True


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise CourseError(f"--shard takes K/N with 1 <= K <= N (e.g. 2/4), not {text!r}")
    return int(match[1]), int(match[2])


def shard_selection(exercises: list[Exercise], pages: list[Path], index: int, count: int,
                    durations: dict) -> tuple[list[Exercise], list[Path]]:
    """Shard `index` of `count`: exercises (all runs of one together) and pages dealt out longest
    first to the least-loaded shard, by recorded durations; the same inputs give the same split."""
    items = [(sum(v for k, v in durations.items() if k.startswith(f"{e.key}:")) or _estimate({}, e.key, False) * 4,
              e.key, e) for e in exercises]
    items += [(_estimate(durations, str(p.relative_to(repo_root())), True), str(p), p) for p in pages]
    load = [0.0] * count
    mine: list = []
    for seconds, _, item in sorted(items, key=lambda t: (-t[0], t[1])):
        target = min(range(count), key=lambda i: (load[i], i))
        load[target] += seconds
        if target == index - 1:
            mine.append(item)
    return [e for e in exercises if e in mine], [p for p in pages if p in mine]


def report(verdicts, lesson_verdicts, pages, only, n_exercises, console) -> int:  # noqa: ANN001
    failures = 0
    table = Table(title="Exercises: solution must be full, blank 0, wrong < full, a universal fake 0",
                  title_justify="left")
    for col in ("Exercise", "Task", "Points", "Solution", "Blank", "Wrong", "Fake", ""):
        table.add_column(col, justify="right" if col in ("Points", "Solution", "Blank", "Wrong", "Fake") else "left",
                         no_wrap=col == "Exercise")
    for v in verdicts:
        for task, pts, sol, blank, wrong_score, fake, ok in v.rows:
            table.add_row(v.exercise.name, task, f"{pts:g}", f"{sol:g}", f"{blank:g}",
                          "-" if wrong_score is None else f"{wrong_score:g}", "-" if fake is None else f"{fake:g}",
                          "[green]ok[/green]" if ok else "[red]FAIL[/red]")
    console.print(table)
    for v in verdicts:
        for problem in dict.fromkeys(v.problems):
            failures += 1
            console.print(f"[red]FAIL[/red] {v.exercise.key}: {problem}", highlight=False)

    if pages:
        lesson_table = Table(title=f"Lesson pages (each must run; budget {NOTEBOOK_BUDGET_S} s)", title_justify="left")
        for col in ("Page", "Seconds", ""):
            lesson_table.add_column(col)
        for lv in lesson_verdicts:
            rel = lv.page.relative_to(repo_root())
            slow = lv.seconds > NOTEBOOK_BUDGET_S
            status = f"[red]FAIL[/red] {lv.problem}" if lv.problem else ("[yellow]slow[/yellow]" if slow else "[green]ok[/green]")
            lesson_table.add_row(str(rel), f"{lv.seconds:.1f}", status)
            failures += bool(lv.problem)
        console.print(lesson_table)

    if not only:
        diffs = release.differences(release.planned())
        for diff in diffs:
            console.print(f"[red]FAIL[/red] exercises/ out of sync, {diff} (run `course release`)", highlight=False)
        failures += len(diffs)

    if failures:
        console.print(f"[red]{failures} problem(s).[/red]")
        return 1
    console.print(f"[green]All {n_exercises} exercises honest, {len(pages)} lesson pages run.[/green]")
    return 0
