"""`course release`: generate exercises/ from solutions/ (the single source of every exercise)."""

from __future__ import annotations

from pathlib import Path

from .notebooks import read_source, release_notebook, to_bytes
from .paths import all_exercises, repo_root


def planned() -> dict[Path, bytes]:
    """Every file exercises/ should hold, with its exact bytes."""
    return {ex.released: to_bytes(release_notebook(read_source(ex))) for ex in all_exercises()}


def differences(files: dict[Path, bytes]) -> list[str]:
    """Paths (relative to the repo) that are missing, different, or have no source."""
    root = repo_root()
    out = []
    for path, data in files.items():
        if not path.exists():
            out.append(f"missing: {path.relative_to(root)}")
        elif path.read_bytes() != data:
            out.append(f"differs: {path.relative_to(root)}")
    for path in sorted((root / "exercises").rglob("*.ipynb")):
        if path not in files and ".ipynb_checkpoints" not in path.parts:
            out.append(f"no source in solutions/: {path.relative_to(root)}")
    return out


def write(files: dict[Path, bytes]) -> list[Path]:
    """Write changed files, delete released notebooks whose source is gone; return what changed."""
    changed = []
    for path, data in files.items():
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    for path in sorted((repo_root() / "exercises").rglob("*.ipynb")):
        if path not in files and ".ipynb_checkpoints" not in path.parts:
            path.unlink()
            changed.append(path)
    return changed
