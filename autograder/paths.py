"""Where things live in the course repository, and how exercises are named."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coursekit.corpus import MODULES, lesson_files

__all__ = ["MODULES", "CourseError", "Exercise", "all_exercises", "find_exercise", "lesson_pages", "repo_root"]


class CourseError(Exception):
    """An error with a message meant for the person at the terminal (no traceback)."""


@cache
def repo_root() -> Path:
    """The course checkout: $COURSE_ROOT, else the directory above this package."""
    env = os.environ.get("COURSE_ROOT")
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "solutions").is_dir() or not (root / "exercises").is_dir():
        raise CourseError(
            f"{root} is not a course checkout (no solutions/ and exercises/ there). "
            "Install the course with `pip install -e .` from the checkout, or set COURSE_ROOT."
        )
    return root


@dataclass(frozen=True)
class Exercise:
    """One exercise: written once in solutions/, released into exercises/."""

    module: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.module}/{self.name}"

    @property
    def source(self) -> Path:
        return repo_root() / "solutions" / self.module / f"{self.name}.md"

    @property
    def wrong(self) -> Path:
        """Plausible wrong answers, one section per solution cell (see DEVELOPERS.md)."""
        return repo_root() / "solutions" / self.module / f"{self.name}.wrong.py"

    @property
    def released(self) -> Path:
        return repo_root() / "exercises" / self.module / f"{self.name}.ipynb"


def all_exercises() -> list[Exercise]:
    """Every exercise in course order (module, then file name)."""
    found = []
    for module in MODULES:
        folder = repo_root() / "solutions" / module
        for md in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            found.append(Exercise(module, md.stem))
    return found


def find_exercise(name: str) -> Exercise | None:
    """Look an exercise up by 'module/name' or by bare name (names are unique course-wide)."""
    for ex in all_exercises():
        if name in (ex.key, ex.name):
            return ex
    return None


def lesson_pages() -> list[Path]:
    """Every lesson page (MyST Markdown) under modules/, in course order (see coursekit.corpus)."""
    return lesson_files(repo_root())
