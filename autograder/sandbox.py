"""Run a notebook in a child process, in a fresh temporary directory, within time limits.

The child (`autograder.runner`) starts the kernel; if the whole run takes longer than
`total_timeout`, the child and every process under it (the kernel and anything the
notebook started) are killed, and the cells that finished before that still count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbformat import NotebookNode


@dataclass
class CellOutcome:
    status: str  # "ok", "error", "dead"
    ename: str = ""
    evalue: str = ""

    @property
    def message(self) -> str:
        return f"{self.ename}: {self.evalue}" if self.evalue else self.ename


@dataclass
class RunResult:
    cells: dict[int, CellOutcome] = field(default_factory=dict)
    finished: bool = False
    problem: str = ""  # why the run stopped early, in words for a person
    seconds: float = 0.0


def _kill_tree(pid: int) -> None:
    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def _read_results(path: Path) -> tuple[dict[int, CellOutcome], dict]:
    cells, extra = {}, {}
    if not path.exists():
        return cells, extra
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut off when the runner was killed
        if "cell" in record:
            cells[record["cell"]] = CellOutcome(record["status"], record.get("ename", ""), record.get("evalue", ""))
        else:
            extra.update(record)
    return cells, extra


def run(nb: NotebookNode, *, cell_timeout: int = 60, total_timeout: int = 300) -> RunResult:
    """Execute `nb` and return each code cell's outcome by index.

    The notebook runs in a new empty temporary directory, so it sees no solutions, no other
    submissions and no grader files.
    """
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-run-") as tmp:
        run_dir = Path(tmp) / "work"
        run_dir.mkdir()
        notebook_path = run_dir / "notebook.ipynb"
        results_path = Path(tmp) / "results.jsonl"
        nbformat.write(nb, notebook_path)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
        cmd = [sys.executable, "-m", "autograder.runner", str(notebook_path), str(results_path),
               "--cell-timeout", str(cell_timeout)]
        proc = subprocess.Popen(cmd, cwd=run_dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        problem = ""
        try:
            _, stderr = proc.communicate(timeout=total_timeout)
        except subprocess.TimeoutExpired:
            _, extra = _read_results(results_path)
            _kill_tree(proc.pid)
            if extra.get("kernel_pid"):
                _kill_tree(extra["kernel_pid"])
            proc.communicate()
            stderr = b""
            problem = f"stopped after {total_timeout} s (the notebook's time limit)"
        cells, extra = _read_results(results_path)
        if extra.get("kernel_pid"):
            _kill_tree(extra["kernel_pid"])  # anything the notebook left running
        if not problem and extra.get("fatal"):
            problem = f"the notebook could not run: {extra['fatal']}"
        elif not problem and not extra.get("finished"):
            dead = [c for c in cells.values() if c.status == "dead"]
            if dead:
                problem = "the Python kernel crashed or exited (os._exit, a segfault, or out of memory)"
            else:
                tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
                problem = "the grader's runner stopped unexpectedly" + (f": {tail[0]}" if tail else "")
        return RunResult(cells=cells, finished=bool(extra.get("finished")), problem=problem,
                         seconds=time.monotonic() - start)
