"""Reading and writing notebooks: the MyST sources, the released exercises, and submissions.

Everything that turns a file into a notebook goes through here, so that every error a
person can cause (a corrupt file, an old format, a missing kernelspec) becomes one
readable `CourseError`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .paths import CourseError, Exercise

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
SCHEMA_VERSION = 3
# A submission bigger than this is refused before parsing (a notebook full of outputs).
MAX_SUBMISSION_BYTES = 100 * 1024 * 1024


# --- nbgrader metadata helpers (the same rules as nbgrader.utils, without importing it) ---

def nbgrader_meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: NotebookNode) -> str | None:
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def is_solution(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell: NotebookNode) -> bool:
    """A graded test cell: grade=true, not a solution cell (we have no manually graded cells)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def points(cell: NotebookNode) -> float:
    return float(nbgrader_meta(cell).get("points", 0))


# --- sources (solutions/<module>/<name>.md) ---

def _cell_id(cell: NotebookNode, index: int) -> str:
    gid = grade_id(cell)
    base = gid if gid else f"cell-{index}"
    return re.sub(r"[^A-Za-z0-9_-]", "-", base)[:64]


def read_source(exercise: Exercise) -> NotebookNode:
    """The full exercise notebook (solutions and hidden tests included), deterministic.

    Every cell gets a stable id (jupytext would give random ones) and every cell without
    nbgrader metadata becomes a locked cell, so the grader restores it from here.
    """
    import jupytext

    try:
        nb = jupytext.read(exercise.source)
    except Exception as exc:  # jupytext raises many kinds; the author needs the file name
        raise CourseError(f"{exercise.source}: cannot read as a MyST notebook: {exc}") from None
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "course": {"exercise": exercise.key},
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("lines_to_next_cell", None)
        if not nbgrader_meta(cell):
            cell.metadata["nbgrader"] = {
                "grade": False,
                "grade_id": f"cell-{index}",
                "locked": True,
                "schema_version": SCHEMA_VERSION,
                "solution": False,
            }
        cell["id"] = _cell_id(cell, index)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def release_notebook(source: NotebookNode) -> NotebookNode:
    """The learner's notebook: nbgrader's own release steps, without its database."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    nb = copy.deepcopy(source)
    resources: dict = {}
    # Same order as nbgrader's GenerateAssignment (minus SaveCells, which writes a gradebook):
    # checksums are computed again after the hidden tests are cleared.
    steps = [LockCells(), ClearSolutions(), ClearOutput(), CheckCellMetadata(), ComputeChecksums(),
             ClearHiddenTests(), ClearMarkScheme(), ComputeChecksums(), CheckCellMetadata()]
    for step in steps:
        try:
            nb, resources = step.preprocess(nb, resources)
        except Exception as exc:
            raise CourseError(f"{source.metadata['course']['exercise']}: nbgrader {type(step).__name__}: {exc}") from None
    return nb


def to_bytes(nb: NotebookNode) -> bytes:
    """Canonical file contents: the same notebook always gives the same bytes."""
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def checksum(cell: NotebookNode) -> str:
    """nbgrader's cell checksum (source, type, flags, grade id, points).

    Same value as `nbgrader.utils.compute_checksum` (a test proves it), which takes 3 s to import.
    """
    m = hashlib.md5()
    meta = nbgrader_meta(cell)
    grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
    locked = not solution and (grade or bool(meta.get("locked")))
    for part in (cell.get("source", ""), cell.get("cell_type", ""), grade, solution, locked,
                 meta.get("grade_id", "")):
        m.update(str(part).encode("utf-8"))
    if meta.get("grade"):
        m.update(str(float(meta.get("points", 0))).encode("utf-8"))
    return m.hexdigest()


# --- submissions ---

def read_submission(path: Path) -> NotebookNode:
    """Parse a learner's .ipynb however it was saved; a `CourseError` says what is wrong."""
    if path.is_symlink():  # it could point at another student's work, or at any file of the grader's machine
        raise CourseError(f"{path.name} is a symbolic link, not a file: submit the notebook itself")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CourseError(f"cannot read {path.name}: {exc.strerror}") from None
    if size > MAX_SUBMISSION_BYTES:
        raise CourseError(
            f"{path.name} is {size / 2**20:.0f} MB (limit {MAX_SUBMISSION_BYTES / 2**20:.0f} MB): "
            "clear the outputs (Edit > Clear Outputs of All Cells) and save again"
        )
    if size == 0:
        raise CourseError(f"{path.name} is empty (0 bytes): the save did not finish; save the notebook again")
    data = path.read_bytes()
    try:  # UTF-8 (with or without a byte-order mark), or UTF-16 with one, as some editors on Windows save
        raw = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CourseError(f"{path.name} is not a text file (not UTF-8): is it really a notebook?") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CourseError(
            f"{path.name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file is damaged, maybe by a text editor or an interrupted save"
        ) from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise CourseError(f"{path.name} is JSON but not a Jupyter notebook (no cells)")
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:
        raise CourseError(f"{path.name} is not a notebook nbformat can read: {exc}") from None
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise CourseError(f"{path.name}: 'cells' is not a list")
    for cell in cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise CourseError(f"{path.name}: a cell is malformed (no source text)")
    return nb


def exercise_key_of(nb: NotebookNode) -> str | None:
    """The exercise a notebook was released as (survives renaming the file)."""
    course = nb.get("metadata", {}).get("course")
    key = course.get("exercise") if isinstance(course, dict) else None
    return key if isinstance(key, str) else None
