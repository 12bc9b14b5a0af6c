"""The course's own text as a corpus: its lesson pages, read from the checkout.

Module 2 trains a tiny language model on it; Module 4 and the capstone search it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# The course's modules in order; folder names are the same under modules/, solutions/, exercises/.
# The grader (autograder.paths) imports this list: lessons' helpers never import the grader.
MODULES = (
    "01-cs-basics",
    "02-ml",
    "03-llm-apps",
    "04-rag",
    "05-mlops",
    "06-serving",
    "07-capstone",
)

CODE_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


@dataclass(frozen=True)
class Page:
    doc_id: str  # e.g. "01-cs-basics/sql"
    title: str
    text: str  # Markdown with front matter removed


def checkout_root() -> Path:
    """The course checkout these helpers belong to: $COURSE_ROOT, else the folder above coursekit/."""
    env = os.environ.get("COURSE_ROOT")
    return Path(env) if env else Path(__file__).resolve().parent.parent


def lesson_files(root: Path | None = None) -> list[Path]:
    """Every lesson page (MyST Markdown) under modules/, in course order.

    Files starting with `_` are fragments that a page includes (such as a generated benchmark table).
    """
    root = checkout_root() if root is None else root
    pages = []
    for module in MODULES:
        folder = root / "modules" / module
        if folder.is_dir():
            pages.extend(sorted(p for p in folder.glob("*.md") if not p.name.startswith("_")))
    return pages


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
