"""Extract the learner's app from the capstone notebook: the `%%writefile <path>` cells, as files.

The grader's kernel writes the files by running the cells for real; `course capstone serve`, the
tests and the benchmark need the same files without a kernel, from an .ipynb (a workspace copy or
a submission) or from the MyST source in solutions/.
"""

from __future__ import annotations

import re
from pathlib import Path

WRITEFILE = re.compile(r"\A%%writefile(?P<append> -a)? +(?P<path>\S+)[ \t]*\n")


def writefile_cells(notebook: Path) -> list[tuple[str, str, bool]]:
    """(path, contents, append) for every `%%writefile` code cell, in notebook order."""
    import jupytext
    import nbformat

    if notebook.suffix == ".ipynb":
        nb = nbformat.read(notebook, as_version=4)
    else:
        nb = jupytext.read(notebook)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source.lstrip("\n")
        match = WRITEFILE.match(source)
        if match:
            body = source[match.end():]
            found.append((match["path"], body if body.endswith("\n") else body + "\n", bool(match["append"])))
    return found


def extract(notebook: Path, folder: Path) -> list[Path]:
    """Write the notebook's `%%writefile` cells under `folder`, as IPython would; return the files.

    Paths must be relative and stay inside `folder` (a cell writing `../x` or `/etc/x` is refused).
    """
    folder = folder.resolve()
    written: list[Path] = []
    cells = writefile_cells(notebook)
    if not cells:
        raise ValueError(f"{notebook} has no %%writefile cells: is it the capstone notebook?")
    for rel, body, append in cells:
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder):
            raise ValueError(f"{notebook}: %%writefile {rel} points outside the app folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a" if append else "w", encoding="utf-8") as f:
            f.write(body)
        if target not in written:
            written.append(target)
    return written


def reference_notebook() -> Path:
    """The reference solution's source (course developers), else the released exercise."""
    from ..paths import repo_root

    root = repo_root()
    source = root / "solutions" / "07-capstone" / "capstone-rag-api.md"
    return source if source.exists() else root / "exercises" / "07-capstone" / "capstone-rag-api.ipynb"
