"""The course's own text as a corpus: its lesson pages, read from the checkout.

Module 2 trains a tiny language model on it; Module 4 and the capstone search it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import MODULES
from autograder.paths import lesson_pages as lesson_files

CODE_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


@dataclass(frozen=True)
class Page:
    doc_id: str  # e.g. "01-cs-basics/sql"
    title: str
    text: str  # Markdown with front matter removed


def lesson_pages(modules: tuple[str, ...] = MODULES) -> list[Page]:
    """Every lesson page, in course order (index pages included)."""
    return [_page(path, path.parent.name) for path in lesson_files() if path.parent.name in modules]


def _page(path: Path, module: str) -> Page:
    text = FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    return Page(doc_id=f"{module}/{path.stem}", title=title, text=text)


def prose(markdown: str) -> str:
    """The text of a page without its code blocks and directives: what a reader reads."""
    return CODE_FENCE.sub("", markdown)
