"""Grade one submission: rebuild it around the reference notebook, run it, score each task.

The reference is the exercise as the course wrote it: the full source from solutions/ when an
instructor grades (hidden tests included), the released notebook from exercises/ when a
learner checks their own work. From the submission we take only what the learner is meant to
write: the source of each answer cell (matched by its nbgrader grade_id, wherever it moved)
and any extra code cells they added, kept after the cell they followed. Every other cell
(instructions, setup, tests) comes from the reference, so a deleted, moved, duplicated or
edited test cell changes nothing but a note in the report.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from . import guard, sandbox, scan
from .notebooks import checksum, grade_id, is_solution, is_test, nbgrader_meta, points

MISSING_ANSWER = 'raise NotImplementedError("the answer cell {gid!r} is missing from the submission")'
START = "\0start"  # anchor for extra cells added before any known cell


@dataclass
class TaskResult:
    task: str
    points: float
    score: float
    message: str = ""  # why the task failed, for the learner (never test code)
    error: str = ""  # set when it could not be graded normally: timeout, crash, not run

    @property
    def passed(self) -> bool:
        return self.score >= self.points


@dataclass
class Report:
    exercise: str
    tasks: list[TaskResult] = field(default_factory=list)
    error: str = ""  # the run stopped early, or the submission could not be graded at all
    notes: list[str] = field(default_factory=list)  # for the learner: what was restored, what raised
    flags: list[str] = field(default_factory=list)  # for the instructor: possible tricks to review
    seconds: float = 0.0
    sandboxed: bool = False  # ran in the bubblewrap sandbox
    cached: bool = False  # the run's outcomes came from the run cache

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tasks)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tasks)


def test_cells(reference: NotebookNode) -> list[NotebookNode]:
    return [c for c in reference.cells if is_test(c)]


def task_owners(reference: NotebookNode) -> dict[str, str]:
    """Each test cell's grade_id -> the answer cell it checks: the nearest one above it, unless the
    test cell names it in its metadata (`course: {checks: <grade_id>}`), as the capstone's tests do,
    which all run after the last answer cell."""
    owners, current = {}, None
    for cell in reference.cells:
        if is_solution(cell):
            current = grade_id(cell)
        elif is_test(cell):
            named = cell.metadata.get("course", {}).get("checks")
            if named or current:
                owners[grade_id(cell)] = named or current
    return owners


@dataclass
class LearnerCells:
    """What a submission contributes: answer sources by grade_id, added code cells by the grade_id
    of the course cell they followed (START: before any), notes, and the test cells it still had."""

    answers: dict[str, str] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)
    seen_tests: set[str] = field(default_factory=set)

    @property
    def code(self) -> list[str]:
        """The learner's code (answers and added cells), for the static scan."""
        return list(self.answers.values()) + [src for group in self.extras.values() for src in group]


def learner_cells(reference: NotebookNode, submission: NotebookNode) -> LearnerCells:
    """Step 1: read from the submission only what the learner writes (answers, added code cells)."""
    by_id = {grade_id(c): c for c in reference.cells if grade_id(c)}
    found = LearnerCells()
    anchor = START
    for cell in submission.cells:
        gid = grade_id(cell)
        ref = by_id.get(gid) if gid else None
        if ref is None:
            if cell.get("cell_type") == "code" and cell.get("source", "").strip():
                found.extras[anchor].append(cell["source"])
            continue
        anchor = gid
        if is_solution(ref):
            if gid in found.answers:
                found.notes.append(f"answer cell '{gid}' appears more than once; the first copy was graded")
            elif cell.get("cell_type") != ref.cell_type:
                found.notes.append(f"answer cell '{gid}' was changed to a {cell.get('cell_type')} cell; "
                                   "it was not graded")
            else:
                found.answers[gid] = cell["source"]
        elif is_test(ref) and gid not in found.seen_tests:
            found.seen_tests.add(gid)
            stored = nbgrader_meta(cell).get("checksum")
            if cell.get("cell_type") != "code" or (stored and checksum(cell) != stored):
                found.notes.append(f"test cell '{gid}' was edited; the original was restored and graded")
    return found


def missing_notes(reference: NotebookNode, learner: LearnerCells) -> list[str]:
    """Step 2: what the submission lacks (test cells are restored anyway; answers score 0)."""
    notes = []
    for ref in reference.cells:
        gid = grade_id(ref)
        if is_test(ref) and gid not in learner.seen_tests:
            notes.append(f"test cell '{gid}' was missing; the original was restored and graded")
        if is_solution(ref) and gid not in learner.answers:
            notes.append(f"answer cell '{gid}' is missing; that task scores 0")
    return notes


def place_cells(reference: NotebookNode, learner: LearnerCells) -> list[tuple[str, NotebookNode]]:
    """Step 3: the reference's cells in order, each answer cell holding the learner's source (or a
    stub that raises), the learner's added cells after the course cell they followed. Each cell
    comes with its role: "course", "answer", "test" or "extra"."""
    placed = [("extra", nbformat.v4.new_code_cell(src)) for src in learner.extras.get(START, [])]
    for ref in reference.cells:
        cell = copy.deepcopy(ref)
        gid = grade_id(ref)
        if is_solution(ref):
            cell["source"] = learner.answers.get(gid, MISSING_ANSWER.format(gid=gid))
        placed.append(("answer" if is_solution(ref) else "test" if is_test(ref) else "course", cell))
        placed += [("extra", nbformat.v4.new_code_cell(src)) for src in learner.extras.get(gid, [])]
    return placed


def add_guard(placed: list[tuple[str, NotebookNode]]) -> list[NotebookNode]:
    """Step 4: the integrity guard around them (see guard.py): the setup cell first; before every
    test cell a check, and the test sealed; after every course code cell (tests included) a cell
    that snapshots what it defined; a last check at the end."""
    cells = [guard.setup_cell()]
    for role, cell in placed:
        source = cell.source  # what the course wrote, before the test is sealed
        if role == "test":
            cells.append(guard.check_cell())
            guard.seal_test(cell)
        cells.append(cell)
        if role in ("course", "test") and cell.cell_type == "code":
            cells.extend(c for c in [guard.protect_cell(source)] if c)
    cells.append(guard.check_cell())
    return cells


def as_notebook(reference: NotebookNode, cells: list[NotebookNode]) -> NotebookNode:
    """Step 5: one notebook with the reference's metadata, stable cell ids and no outputs."""
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(reference.metadata))
    nb.cells = cells
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index}"
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def assemble(reference: NotebookNode, submission: NotebookNode) -> tuple[NotebookNode, list[str], list[str]]:
    """The notebook to run (the reference's cells with the learner's answers put in), notes, and
    the learner's code (answers and added cells) for the static scan."""
    learner = learner_cells(reference, submission)
    notes = learner.notes + missing_notes(reference, learner)
    nb = as_notebook(reference, add_guard(place_cells(reference, learner)))
    return nb, notes, learner.code


def _grading_error(outcome: sandbox.CellOutcome | None, answer: sandbox.CellOutcome | None,
                   answer_id: str | None, run: sandbox.RunResult) -> str:
    """A reason the task could not be graded normally, or '' if its test simply ran."""
    if answer is not None and answer.ename == "Timeout":
        return f"answer cell '{answer_id}' timed out ({answer.evalue})"
    if outcome is None:
        return run.problem or "not run"
    if outcome.status == "dead" or outcome.ename == "Timeout":
        return outcome.message
    return ""


def _failure_message(outcome: sandbox.CellOutcome | None, run: sandbox.RunResult) -> str:
    if outcome is None:
        return f"not run: {run.problem}" if run.problem else "not run"
    if outcome.ename == "NotImplementedError":
        return "not answered yet (the answer cell still raises NotImplementedError)"
    if outcome.ename == "AssertionError" and not outcome.evalue:
        return "AssertionError (a check without a message failed)"
    return outcome.message


def time_budget(reference: NotebookNode, cell_timeout: int, total_timeout: int) -> tuple[int, int]:
    """The exercise's own time budget, if it needs more than the defaults (the capstone starts a
    server and loads documents): any cell of the reference may carry
    `course: {cell_timeout: S, timeout: S}` in its metadata. It only ever raises the limits."""
    for cell in reference.cells:
        budget = cell.get("metadata", {}).get("course", {})
        if isinstance(budget, dict):
            cell_timeout = max(cell_timeout, int(budget.get("cell_timeout", 0) or 0))
            total_timeout = max(total_timeout, int(budget.get("timeout", 0) or 0))
    return cell_timeout, total_timeout


def grade(reference: NotebookNode, submission: NotebookNode, exercise: str, *,
          cell_timeout: int = 60, total_timeout: int = 300, memory_mb: int = 6144,
          hide: tuple = (), sandboxed: bool | None = None, cache=None) -> Report:  # noqa: ANN001
    """Run `submission` against `reference` and score every test cell (`cache`: see runcache.py)."""
    cell_timeout, total_timeout = time_budget(reference, cell_timeout, total_timeout)
    nb, notes, learner_code = assemble(reference, submission)
    run = sandbox.run(nb, cell_timeout=cell_timeout, total_timeout=total_timeout, memory_mb=memory_mb, hide=hide,
                      sandbox=sandboxed, cache=cache)
    course_code = [c.source for c in reference.cells if c.cell_type == "code" and not is_solution(c)]
    report = Report(exercise=exercise, notes=notes, error=run.problem, seconds=run.seconds,
                    flags=scan.scan(learner_code, course_code), sandboxed=run.sandboxed, cached=run.cached)
    if run.forged_lines:
        report.flags.append(f"{run.forged_lines} forged line(s) on the grader's result channel were ignored")
    owners = task_owners(reference)
    answer_outcomes: dict[str, sandbox.CellOutcome | None] = {}
    for index, cell in enumerate(nb.cells):
        outcome = run.cells.get(index)
        gid = grade_id(cell)
        if guard.is_guard(cell):
            if outcome and outcome.status == "error" and outcome.ename != "Timeout":  # a stuck kernel is no trick
                report.flags.append(f"the grader undid changes before a test: {outcome.evalue}"
                                    if outcome.ename == guard.RESTORED else
                                    f"the grader's integrity check failed: {outcome.message}")
            continue
        if not is_solution(cell) and not is_test(cell) and outcome and outcome.status == "error" \
                and outcome.ename != "NotImplementedError":
            where = f"course cell '{gid}'" if gid else "a cell you added"
            report.notes.append(f"{where} raised {outcome.message}")
        if is_solution(cell):
            answer_outcomes[gid] = outcome
            if outcome and outcome.status == "error" and outcome.ename != "NotImplementedError":
                report.notes.append(f"answer cell '{gid}' raised {outcome.message}")
        if is_test(cell):
            if outcome and outcome.ename in ("NoProof", "NoReply"):
                report.flags.append(f"test '{gid}' scored 0: {outcome.evalue}")
            elif outcome and outcome.ename == guard.FAKE_VALUE:
                report.flags.append(f"test '{gid}' met a value whose comparisons are faked (it equals anything)")
            ok = outcome is not None and outcome.status == "ok"
            owner = owners.get(gid)
            answer = answer_outcomes.get(owner)
            unanswered = answer is not None and answer.ename == "NotImplementedError"
            report.tasks.append(TaskResult(
                task=gid, points=points(cell), score=points(cell) if ok else 0.0,
                message="" if ok else _failure_message(answer if unanswered else outcome, run),
                error="" if ok else _grading_error(outcome, answer, owner, run)))
    report.flags = list(dict.fromkeys(report.flags))
    return report


def not_gradable(reference: NotebookNode, exercise: str, reason: str) -> Report:
    """A report with every task at 0 and the reason, for a submission that cannot run."""
    tasks = [TaskResult(grade_id(c), points(c), 0.0, reason, reason) for c in test_cells(reference)]
    return Report(exercise=exercise, tasks=tasks, error=reason)
