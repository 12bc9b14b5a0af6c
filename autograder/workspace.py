"""`course workspace`: the learner's private copy of exercises/ to work in.

exercises/ is generated and tracked by git, so learners work in `workspace/` (ignored by git).
`course workspace` only ever adds notebooks that are not there yet; it never overwrites work.
`course progress` (progress.py) reports how far the learner is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from .paths import all_exercises, repo_root


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
