"""Run a notebook in a child process, in a fresh temporary directory, within time limits.

The child (`autograder.runner`) starts the kernel; if the whole run takes longer than
`total_timeout`, the child and every process under it (the kernel and anything the
notebook started) are killed, and the cells that finished before that still count.
The notebook goes to the child on stdin and results come back on its stdout, so nothing the
notebook's code can read or write on disk takes part in grading.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

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
    sandboxed: bool = False  # ran without network and with the grader's folders hidden
    forged_lines: int = 0  # lines on the runner's output that did not come from the runner


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


def _parse(stdout: bytes, nonce: str) -> tuple[dict[int, CellOutcome], dict, int]:
    """Cell outcomes and other records from the runner; lines without our nonce are forgeries."""
    cells, extra, forged = {}, {}, 0
    for line in stdout.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut off when the runner was killed
        if not isinstance(record, dict) or record.pop("nonce", None) != nonce:
            forged += 1
        elif "cell" in record:
            cells[record["cell"]] = CellOutcome(record["status"], record.get("ename", ""), record.get("evalue", ""))
        else:
            extra.update(record)
    return cells, extra, forged


def run(nb: NotebookNode, *, cell_timeout: int = 60, total_timeout: int = 300, memory_mb: int = 6144,
        hide: tuple[Path, ...] = ()) -> RunResult:
    """Execute `nb` and return each code cell's outcome by index.

    The notebook runs in a new empty temporary directory, in a kernel that (where Linux user
    namespaces allow it) has no network and cannot see the folders in `hide` (solutions, other
    submissions); see `autograder.kernel`.
    """
    from .paths import repo_root

    start = time.monotonic()
    nonce = secrets.token_hex(16)
    hidden = [repo_root() / "solutions", *hide]
    with tempfile.TemporaryDirectory(prefix="course-run-") as tmp:
        # One BLAS/torch thread per notebook: several notebooks run at once on few cores.
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        cmd = [sys.executable, "-m", "autograder.runner", "--cell-timeout", str(cell_timeout),
               "--memory-mb", str(memory_mb)]
        cmd += [arg for d in hidden for arg in ("--hide", str(d))]
        request = json.dumps({"nonce": nonce, "notebook": nb}).encode("utf-8")
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        problem = ""
        try:
            stdout, stderr = proc.communicate(request, timeout=total_timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            stdout, stderr = proc.communicate()
            problem = f"stopped after {total_timeout} s (the notebook's time limit)"
        cells, extra, forged = _parse(stdout, nonce)
        if extra.get("kernel_pid"):
            _kill_tree(extra["kernel_pid"])  # anything the notebook left running
        if not problem and extra.get("fatal"):
            problem = f"the notebook could not run: {extra['fatal']}"
        elif not problem and not extra.get("finished"):
            if any(c.status == "dead" for c in cells.values()):
                problem = "the Python kernel crashed or exited (os._exit, a segfault, or out of memory)"
            else:
                tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                problem = "the grader's runner stopped unexpectedly" + (f": {tail[0]}" if tail else "")
        return RunResult(cells=cells, finished=bool(extra.get("finished")), problem=problem,
                         seconds=time.monotonic() - start, sandboxed=bool(extra.get("sandboxed")),
                         forged_lines=forged)
