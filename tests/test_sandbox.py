"""The bubblewrap sandbox, seen from inside a graded notebook, and stopping a class run with Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder import sandbox
from autograder.paths import repo_root

ROOT = repo_root()


def require_bwrap():
    if not sandbox.bwrap_works():
        if os.environ.get("CI"):
            pytest.fail("bubblewrap is not available in CI: .ci/run must install it")
        pytest.skip("bubblewrap is not installed here")


# Each cell asserts one thing about what the notebook can see or do; all of them must pass.
INSIDE = {
    "solutions/ is empty": f"import os\nassert os.listdir({str(ROOT / 'solutions')!r}) == []",
    ".git is not there": f"import os\nassert not os.path.exists({str(ROOT / '.git')!r})",
    "the checkout's other files are not there":
        f"import os\nassert not os.path.exists({str(ROOT / 'pyproject.toml')!r})\n"
        f"assert not os.path.exists({str(ROOT / 'tests')!r})",
    "the grader's code is read-only": (
        "import errno, autograder\ntry:\n    open(autograder.__file__, 'a')\nexcept OSError as e:\n"
        "    assert e.errno == errno.EROFS, e\nelse:\n    raise AssertionError('autograder is writable')"),
    "the venv is read-only": (
        "import errno, sys, sysconfig\n"
        "for target in (sysconfig.get_paths()['purelib'] + '/zz.pth', sys.prefix + '/bin/zz'):\n"
        "    try:\n        open(target, 'w')\n    except OSError as e:\n        assert e.errno == errno.EROFS, e\n"
        "    else:\n        raise AssertionError(target + ' is writable')"),
    "umount is refused": (
        "import subprocess\nr = subprocess.run(['umount', '/tmp'], capture_output=True)\nassert r.returncode != 0"),
    "no capabilities": (
        "caps = [l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1]\n"
        "assert int(caps, 16) == 0, caps"),
    "only the sandbox's processes are visible": (
        "import os\npids = [p for p in os.listdir('/proc') if p.isdigit()]\nassert len(pids) < 15, pids"),
    "no network, but loopback works": (
        "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
        "socket.create_connection(s.getsockname(), timeout=2).close()\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\nexcept OSError:\n    pass\n"
        "else:\n    raise AssertionError('the network is reachable')"),
    "the environment is scrubbed": (
        "import os\nassert 'COURSE_TEST_SECRET' not in os.environ\nassert os.environ['HF_HUB_OFFLINE'] == '1'"),
    "/tmp is private and writable": (
        "import os\nassert os.getcwd() == '/tmp/work'\nopen('scratch.txt', 'w').write('x')\n"
        "assert not [p for p in os.listdir('/tmp') if p.startswith('course-run-')]"),
}


def test_what_a_graded_notebook_can_see_and_do(monkeypatch):
    require_bwrap()
    monkeypatch.setenv("COURSE_TEST_SECRET", "an API key the grader has")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in INSIDE.values()]
    result = sandbox.run(nb, cell_timeout=30, total_timeout=120)
    assert result.sandboxed and result.finished, result.problem
    failed = {name: result.cells[i].message for i, name in enumerate(INSIDE) if result.cells[i].status != "ok"}
    assert not failed


def test_ctrl_c_stops_a_class_run_within_seconds(tmp_path, released_nb):
    """Interrupted mid-run: it exits within seconds, says so without a traceback, and kills the kernels."""
    subs = tmp_path / "subs"
    for student in ("ana", "bo", "cy", "dee"):
        nb = nbformat.from_dict(released_nb)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "import subprocess\nsubprocess.run(['sleep', '987653'])"
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / "cs-data-structures.ipynb")
    assert not _sleepers(), "processes of an earlier run are still there"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "-j", "2", "--unsandboxed"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            # as from a shell: an earlier test's library may have left SIGINT ignored here
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _sleepers():
        time.sleep(0.5)
    assert _sleepers(), "the kernels never started"
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    try:
        out, _ = proc.communicate(timeout=30)
        assert time.monotonic() - start < 15, "Ctrl-C took too long"
        assert proc.returncode == 130 and "interrupted" in out, out
        assert "Traceback" not in out, out
        time.sleep(1)
        assert not _sleepers(), "kernels outlived the interrupted run"
    finally:  # never leave processes behind for the next test
        proc.kill()
        for pid in _sleepers():
            os.kill(pid, signal.SIGKILL)


def _sleepers() -> list[int]:
    return [p.pid for p in psutil.process_iter(["cmdline"]) if "987653" in " ".join(p.info["cmdline"] or [])]


def test_default_jobs_fits_cpus_and_memory():
    assert 1 <= sandbox.default_jobs() <= (os.cpu_count() or 1)
    assert sandbox.default_jobs(memory_mb=10**9) == 1  # a huge per-notebook budget: one at a time


def test_grade_refuses_without_bubblewrap(tmp_path, solved_nb, monkeypatch):
    from rich.console import Console

    from autograder import grade
    from autograder.paths import CourseError

    (tmp_path / "subs" / "ana").mkdir(parents=True)
    nbformat.write(solved_nb, tmp_path / "subs" / "ana" / "cs-data-structures.ipynb")
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    with pytest.raises(CourseError, match="apt-get install bubblewrap"):
        grade.run(tmp_path / "subs", tmp_path / "out", jobs=1, cell_timeout=30, total_timeout=60, memory_mb=6144,
                  fresh=False, console=Console(file=open(os.devnull, "w")))
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_grader_fingerprint_changes_with_limits():
    from autograder.grade import grader_fingerprint

    a = grader_fingerprint({"cell_timeout": 60, "total_timeout": 300})
    assert a == grader_fingerprint({"cell_timeout": 60, "total_timeout": 300})
    assert a != grader_fingerprint({"cell_timeout": 30, "total_timeout": 300})
    assert Path(sandbox.__file__).exists()


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def _runner_processes() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True)
            if "autograder.runner" in " ".join(p.cmdline())]


def _lineage(proc: psutil.Process) -> str:
    """A process and its parents, for a failure message: where a process that outlived its run hangs."""
    chain = []
    with contextlib.suppress(psutil.Error):
        for p in [proc, *proc.parents()]:
            chain.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())[:60]}")
    return " <- ".join(chain)


# Sandboxed, the spares are serving runners; without the sandbox, one-shot runners.
KINDS_OF_SPARE = pytest.mark.parametrize("sandboxed", [None, False], ids=["sandbox-if-any", "no-sandbox"])


@KINDS_OF_SPARE
def test_a_prestarted_runner_runs_one_notebook_in_a_fresh_kernel(sandboxed):
    """Spares only start early: each still runs one notebook in a kernel nothing else has used,
    with the same outcomes and limits as a runner started on demand."""
    # The process the notebook leaves behind carries this test's own mark, so that a `sleep 300`
    # from another checkout's tests running on the same machine is not mistaken for ours.
    mark = f"{secrets.randbelow(10**6) / 10**9:.9f}"  # `sleep 300 0.000xxxxxx` sleeps 300 s
    leak = _notebook("import builtins\nassert not hasattr(builtins, 'course_left_over')\n"
                     "builtins.course_left_over = 1\n"
                     f"import subprocess\nsubprocess.Popen(['sleep', '300', '{mark}'], start_new_session=True)",
                     "1/0", "while True: pass")
    cold = sandbox.run(leak, cell_timeout=2, sandbox=sandboxed)
    with sandbox.prestarted(1):
        warm = [sandbox.run(leak, cell_timeout=2, sandbox=sandboxed) for _ in range(2)]
        runners = len(_runner_processes())
        warm += [sandbox.run(leak, cell_timeout=2, sandbox=sandboxed) for _ in range(2)]
        assert 1 <= len(_runner_processes()) <= runners <= 2, "a spare or two wait; more runs start no more"
        sleeping = [_lineage(p) for p in psutil.process_iter(["cmdline"])
                    if p.info["cmdline"] == ["sleep", "300", mark]]
        assert not sleeping, f"what a notebook started is killed when its run ends: {sleeping}"
        other = sandbox.run(_notebook("1"), cell_timeout=2, memory_mb=2048, sandbox=sandboxed)  # its own runner
    for result in (cold, *warm):
        assert [c.status for c in result.cells.values()] == ["ok", "error", "error"]
        assert result.cells[1].ename == "ZeroDivisionError"
        assert result.cells[2].ename == "Timeout" and "2 s" in result.cells[2].evalue
        assert result.finished and result.sandboxed == (sandbox.bwrap_works() if sandboxed is None else False)
    assert other.cells[0].status == "ok"
    deadline = time.monotonic() + 10
    while _runner_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _runner_processes(), "the spares stop when the block ends"


@KINDS_OF_SPARE
def test_a_spare_that_died_is_replaced(sandboxed):
    with sandbox.prestarted(1):
        assert sandbox.run(_notebook("1"), sandbox=sandboxed).finished
        for proc in _runner_processes():
            proc.kill()
        result = sandbox.run(_notebook("2"), sandbox=sandboxed)
    assert result.finished and not result.problem
    assert not _runner_processes()


def test_an_unused_runner_leaves_when_its_stdin_closes():
    """A spare whose command ends (or crashes) before using it exits by itself, kernel included."""
    env = sandbox.kernel_env()
    runner = sandbox._launch([sys.executable, "-m", "autograder.runner"], env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not psutil.Process(runner.proc.pid).children(recursive=True):
        time.sleep(0.1)
    kernel = psutil.Process(runner.proc.pid).children(recursive=True)
    assert kernel, "the runner starts its kernel before it has a notebook"
    runner.proc.stdin.close()
    assert runner.proc.wait(timeout=30) == 0
    alive = psutil.wait_procs(kernel, timeout=10)[1]
    assert not alive, f"left running: {alive}"
    runner.discard()


def test_a_serving_runner_does_not_grow_with_the_runs_it_serves():
    """Each run's kernel, sockets and threads are gone before the next: a runner that serves 50
    notebooks holds what it held after the first."""
    require_bwrap()
    cmd = sandbox._runner_command(2048, (), True)
    server = sandbox._Server(cmd, sandbox.kernel_env())
    held = []
    try:
        for index in range(4):
            server.send(json.dumps({"nonce": "n", "notebook": _notebook(f"{index}")}).encode() + b"\n")
            records = []
            while not records or not records[-1].get("done"):
                records.append(json.loads(server.lines.get(timeout=60)))
            assert {"finished": True, "nonce": "n"} in records
            process = psutil.Process(server.proc.pid)
            held.append((process.num_threads(), process.num_fds()))
    finally:
        server.discard()
    assert held[-1] == held[0], f"threads and file descriptors after each run: {held}"
