"""`course nbgrader-export DIR`: the course as a standard nbgrader course directory.

For instructors who already run JupyterHub with nbgrader's formgrader. DIR gets
`source/<module>/<exercise>.ipynb` (the full notebooks, solutions and hidden tests included,
exactly what `course grade` uses as the reference), `nbgrader_config.py` with one assignment per
module, and a README. From there it is stock nbgrader: `nbgrader generate_assignment <module>`,
collect, `nbgrader autograde <module>`, the formgrader. The kernels need this course's Python
packages (`pip install` the checkout, or its wheel): the exercises import `coursekit`.
"""

from __future__ import annotations

from pathlib import Path

from .notebooks import read_source, to_bytes
from .paths import MODULES, CourseError, all_exercises

CONFIG = '''# nbgrader configuration written by `course nbgrader-export` (edit freely).
c = get_config()  # noqa: F821 - nbgrader provides it

c.CourseDirectory.course_id = "ai-backend-engineering"
# One nbgrader assignment per course module ({assignments}); each exercise is one notebook
# of it. `nbgrader generate_assignment <module>` adds the assignment to the gradebook; autograde
# adds each student it meets.
# Some exercises load a model or start a local server: give a cell up to {cell_timeout} s.
c.Execute.timeout = {cell_timeout}
# Exercises are offline by design; nothing here needs the network.
'''

README = '''# The AI Backend Engineering course as an nbgrader course

Written by `course nbgrader-export`. Use it with stock nbgrader 0.9 (and its formgrader):

    cd {folder}
    nbgrader generate_assignment 01-cs-basics      # release/01-cs-basics/*.ipynb for learners
    # ... collect submissions into submitted/<student>/01-cs-basics/ ...
    nbgrader autograde 01-cs-basics
    nbgrader export                                # grades.csv

The kernels that grade must have the course's packages installed (the exercises import
`coursekit`): `pip install` the course checkout into the JupyterHub's Python.

What the course's own grader (`course grade`) adds over stock autograde: every notebook runs in
a bubblewrap sandbox (no network, no solutions on disk, a private /tmp), an integrity guard that
restores what a submission tampers with and flags it, proofs that each test cell really ran,
per-cell and per-notebook timeouts with the finished cells kept, parallel grading, and a
resumable run (Ctrl-C keeps what is graded). Stock autograde runs submissions as the
instructor's user, without any of that: use it for trusted submissions only.
'''


def export(folder: Path, modules: tuple[str, ...] | None = None, cell_timeout: int = 300) -> list[Path]:
    """Write the nbgrader course directory into `folder`; return the notebooks written."""
    chosen = [e for e in all_exercises() if modules is None or e.module in modules or e.name in modules]
    if not chosen:
        raise CourseError(f"no exercises match {', '.join(modules or ())}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in chosen:
        target = folder / "source" / ex.module / f"{ex.name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(to_bytes(read_source(ex)))
        written.append(target)
    assignments = ", ".join(m for m in MODULES if any(e.module == m for e in chosen))
    (folder / "nbgrader_config.py").write_text(CONFIG.format(assignments=assignments, cell_timeout=cell_timeout),
                                               encoding="utf-8")
    (folder / "README.md").write_text(README.format(folder=folder), encoding="utf-8")
    return written
