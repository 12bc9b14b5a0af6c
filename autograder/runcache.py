"""A content-addressed cache of notebook runs, shared by `course verify`, `grade`, `check`, `progress`.

A run's result (each cell's outcome) is reused only when everything that could change it is the
same. The key is a SHA-256 of:

- the exact notebook that runs, as assembled (reference + the learner's answers + guard cells):
  every code cell's source and metadata, and the position of every markdown cell (outcomes are
  stored by cell index; markdown text itself never runs);
- the limits (per-cell and whole-notebook timeouts, memory), the sandbox switch, hidden folders;
- the runtime: the bytes of every file of `autograder/` and `coursekit/`, the installed package
  set (name and version of every distribution), the Python version, the machine type, the local
  model copy (file names and sizes) and the kernel's environment;
- the course's data (every file under `modules/` and `benchmarks/`, the folders the sandbox lets
  a notebook read), but only for a notebook whose code mentions them (`READS_DATA`: the corpus
  helpers, `modules/`, `benchmarks`). A lesson page edit therefore reruns that page and the
  notebooks that read the corpus, and nothing else.

Only clean runs are stored: finished, no problem, no timed-out or dead cell (a timeout on a busy
machine says nothing about the next run). The store is one JSON file per key under
`.course-cache/runs/` (git ignores it; delete it any time; `$COURSE_RUN_CACHE` moves it), written to a temporary file and renamed
into place, so a reader never sees half a file; an unreadable or malformed file is a miss and is
removed. jupyter-cache (which the book build uses for lessons) was the other candidate: it keys on
the code cells alone, so it cannot know that the grader, a helper or a package changed, and it
stores whole executed notebooks where we need a few outcomes per cell.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from nbformat import NotebookNode

FORMAT = 1  # bump when the stored record or the key's recipe changes
CACHE_DIR = ".course-cache/runs"
READS_DATA = re.compile(r"\b(rag|corpus|lesson_pages|lesson_files|course_chunks|checkout_root)\b"
                        r"|modules/|benchmarks")
_PACKAGES = ("autograder", "coursekit")
_DATA = ("modules", "benchmarks")


def _tree_digest(folder: Path, h: "hashlib._Hash") -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())


def _root() -> Path:
    from .paths import repo_root

    return repo_root()


@functools.cache
def runtime_fingerprint() -> str:
    """What every run depends on besides its notebook: the grader, the helpers, the packages."""
    h = hashlib.sha256(f"format {FORMAT}\0".encode())
    root = Path(__file__).resolve().parent.parent
    for name in _PACKAGES:
        h.update(f"[{name}]".encode())
        _tree_digest(root / name, h)
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    h.update("\n".join(packages).encode())
    h.update(f"{sys.version}\0{platform.machine()}\0".encode())
    from coursekit.llm import cache_dir

    models = cache_dir()
    if models.is_dir():
        for path in sorted(models.rglob("*")):
            if path.is_file():
                h.update(f"{path.relative_to(models)}:{path.stat().st_size}\0".encode())
    return h.hexdigest()


@functools.cache
def data_fingerprint() -> str:
    """The course's own data that notebooks may read: lesson pages and benchmark fragments."""
    h = hashlib.sha256()
    for name in _DATA:
        h.update(f"[{name}]".encode())
        if (_root() / name).is_dir():
            _tree_digest(_root() / name, h)
    return h.hexdigest()


def reads_data(nb: NotebookNode) -> bool:
    return any(c.cell_type == "code" and READS_DATA.search(c.source) for c in nb.cells)


def key(nb: NotebookNode, *, cell_timeout: int, total_timeout: int, memory_mb: int, sandboxed: bool,
        hide: tuple = (), env: dict[str, str] | None = None) -> str:
    """The cache key of one run (see the module docstring for what goes in)."""
    cells = [[c.cell_type, c.source, json.dumps(c.get("metadata", {}), sort_keys=True, default=str)]
             if c.cell_type == "code" else [c.cell_type] for c in nb.cells]
    parts = {
        "format": FORMAT,
        "cells": cells,
        "kernel": json.dumps(nb.metadata.get("kernelspec", {}), sort_keys=True),
        "limits": [cell_timeout, total_timeout, memory_mb, bool(sandboxed), sorted(map(str, hide))],
        "runtime": runtime_fingerprint(),
        "env": sorted((env or {}).items()),
        "data": data_fingerprint() if reads_data(nb) else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class RunCache:
    """Run results by key, one JSON file each, under `folder` (default: .course-cache/runs)."""

    def __init__(self, folder: Path | None = None, *, read: bool = True):
        if folder is None:
            folder = os.environ.get("COURSE_RUN_CACHE") or _root() / CACHE_DIR
        self.folder = Path(folder)
        self.read = read  # False (`--fresh`): every run happens again, and its result is stored
        self.hits = 0
        self.misses = 0

    def _path(self, k: str) -> Path:
        return self.folder / k[:2] / f"{k}.json"

    def get(self, k: str):
        """The stored RunResult for key `k`, or None (absent, unreadable or malformed: a miss)."""
        from .sandbox import CellOutcome, RunResult

        path = self._path(k)
        if not self.read:
            self.misses += 1
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("format") != FORMAT or record.get("key") != k:
                raise ValueError("stale or foreign record")
            cells = {int(i): CellOutcome(**o) for i, o in record["cells"].items()}
            result = RunResult(cells=cells, finished=bool(record["finished"]), problem=str(record["problem"]),
                               seconds=float(record["seconds"]), sandboxed=bool(record["sandboxed"]),
                               forged_lines=int(record["forged_lines"]), cached=True)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.misses += 1
            try:
                path.unlink()  # a corrupt entry: drop it so the next run stores a good one
            except OSError:
                pass
            return None
        self.hits += 1
        return result

    @staticmethod
    def storable(result) -> bool:
        """Only clean runs: a timeout or a crash on a busy machine says nothing about the next run."""
        return (result.finished and not result.problem
                and not any(o.status == "dead" or o.ename == "Timeout" for o in result.cells.values()))

    def put(self, k: str, result) -> bool:
        """Store `result` under `k` atomically; False if it is not storable or the disk refused."""
        if not self.storable(result):
            return False
        record = {"format": FORMAT, "key": k, "cells": {str(i): asdict(o) for i, o in result.cells.items()},
                  "finished": result.finished, "problem": result.problem, "seconds": round(result.seconds, 3),
                  "sandboxed": result.sandboxed, "forged_lines": result.forged_lines}
        path = self._path(k)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.replace(tmp, path)
        except OSError:
            return False  # a read-only checkout or a full disk: the run simply is not cached
        return True
