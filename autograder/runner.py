"""Run one notebook in a fresh, sandboxed kernel and report each cell's outcome as a JSON line.

This module is the child process that `sandbox.run` starts:

    python -m autograder.runner --cell-timeout S --memory-mb N [--sandbox] [--hide DIR ...]

It starts its kernel first, then reads {"nonce": ..., "notebook": ..., "cell_timeout": ...} from
stdin (the notebook never touches the disk, so the code it runs cannot read the hidden tests from
a file; a runner started ahead of need waits there, its kernel ready, and no notebook code runs
before the whole request is read) and writes one JSON line per code cell to stdout the moment the
cell ends, each carrying the nonce: when the parent has to kill us, every
cell that finished still counts, and a line forged by the notebook's code (which cannot know the
nonce) is ignored. The kernel's own stdout/stderr go nowhere, and outputs are dropped, not kept:
the grade depends only on each cell's status, and a cell printing 200 MB cannot fill memory.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import json
import os
import re
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_MESSAGE = 500
PR_SET_CHILD_SUBREAPER = 36


def short(text: str) -> str:
    """Strip terminal colours and cap the length of an error message."""
    text = ANSI.sub("", str(text)).strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def write_kernelspec(folder: Path, args: argparse.Namespace) -> None:
    """A kernelspec that starts autograder.kernel (limits) inside the bubblewrap sandbox, if we have it."""
    argv = [sys.executable, "-m", "autograder.kernel", "--memory-mb", str(args.memory_mb), "--nproc", str(args.nproc)]
    if args.sandbox:
        from .sandbox import bwrap_args

        argv = bwrap_args(folder.parent, tuple(Path(d) for d in args.hide)) + argv
    else:
        argv.append("--no-sandbox")
    spec = folder / "kernels" / "course-sandbox"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv + ["-f", "{connection_file}"],
        "display_name": "course sandbox", "language": "python",
        # bwrap would die of a SIGINT sent to its process group; the kernel interrupts itself instead.
        "interrupt_mode": "message" if args.sandbox else "signal"}), encoding="utf-8")


def make_home(home: Path) -> None:
    """The kernel's own empty home, with a copy of matplotlib's font cache (rebuilding it costs seconds)."""
    cache = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib")
    (home / ".cache" / "matplotlib").mkdir(parents=True)
    for font_list in cache.glob("fontlist-*.json") if cache.is_dir() else []:
        shutil.copy(font_list, home / ".cache" / "matplotlib" / font_list.name)


class Seal:
    """Out-of-band proofs that the integrity guard and each test cell really ran (see guard.py).

    Cells the grader added or marked carry `course_guard` metadata. For those, the request also
    asks the kernel to evaluate a `user_expressions` entry: it is evaluated by ipykernel after the
    cell, directly (input and AST transformers never see it), and only if the cell succeeded. Its
    answer must be a MAC, under a key only this run knows, of a token used once: the guard's
    functions compute it only when they did their work (a check restored everything, a test cell
    reached its last line). A missing or wrong proof turns the cell into an error, never a pass.
    """

    def __init__(self) -> None:
        self.key = secrets.token_hex(16)
        self.expressions: dict[str, str] = {}
        self.expected = ""
        self.kind = ""

    def mac(self, message: str) -> str:
        return hashlib.blake2b(message.encode(), key=self.key.encode(), digest_size=16).hexdigest()

    def prepare(self, cell) -> None:  # noqa: ANN001 - an nbformat cell, changed in place
        self.kind = cell.get("metadata", {}).get("course_guard", "")
        token = secrets.token_hex(8)
        call = {"setup": f"_course_guard_init({self.key!r}, {token!r})",
                "protect": f"_course_guard_protect({cell.metadata.get('course_protect', [])!r}, {token!r})",
                "check": f"_course_guard_check({token!r})",
                "test": f"_course_guard_proof({token!r})"}.get(self.kind)
        if call is None:
            self.expressions, self.expected = {}, ""
            return
        if self.kind == "test":  # the cell's last line marks the token; the proof asks for the mark
            cell.source = cell.source.rstrip() + f"\n_course_guard_mark({token!r})\n"
        self.expressions = {"course": call}
        self.expected = repr(self.mac(f"{self.kind}:{token}"))

    def verify(self, reply: dict) -> dict:
        if not self.expected:
            return {}
        answer = (reply.get("user_expressions") or {}).get("course") or {}
        if answer.get("status") == "error":  # the guard refused or restored something: its own words
            return {"status": "error", "ename": answer.get("ename", "Error"), "evalue": answer.get("evalue", "")}
        if answer.get("status") == "ok" and answer.get("data", {}).get("text/plain") == self.expected:
            return {}
        what = ("the test cell did not run to its last line" if self.kind == "test"
                else "the grader's integrity check could not run")
        return {"status": "error", "ename": "NoProof",
                "evalue": f"{what}: the submission changed how the kernel runs cells"}


def kill_descendants() -> None:
    import psutil

    procs = psutil.Process().children(recursive=True)
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def read_request() -> dict | None:
    """The run's request from stdin, or None when the parent closed it without one (a spare runner
    that was never used: see sandbox.prestarted)."""
    text = sys.stdin.read()
    sys.stdin.close()
    if not text.strip():
        return None
    return json.loads(text)


class Session:
    """One kernel, started before its notebook is known, used for one notebook only."""

    def __init__(self, args: argparse.Namespace) -> None:
        import nbformat
        from jupyter_client import AsyncKernelManager  # nbclient is async: a blocking manager stalls its timeouts
        from nbclient import NotebookClient

        class QuietClient(NotebookClient):
            def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
                return None  # outputs are not needed to grade, and may be huge

        self.args = args
        self.private = Path(tempfile.mkdtemp(prefix="course-runner-"))
        write_kernelspec(self.private / "jupyter", args)
        make_home(self.private / "home")
        os.environ["JUPYTER_PATH"] = str(self.private / "jupyter")
        os.environ["IPYTHONDIR"] = str(self.private / "ipython")  # no shared history database between runs
        os.environ["HOME"] = str(self.private / "home")
        self.km = AsyncKernelManager(kernel_name="course-sandbox", transport="ipc", ip=str(self.private / "kernel"),
                                     connection_file=str(self.private / "connection.json"))
        self.replies: dict[int, dict] = {}
        self.client = QuietClient(nbformat.v4.new_notebook(), km=self.km, timeout=args.cell_timeout,
                                  interrupt_on_timeout=True, allow_errors=True,
                                  resources={"metadata": {"path": os.getcwd()}})
        self.client.on_cell_executed = lambda cell, cell_index, execute_reply: self.replies.__setitem__(
            cell_index, execute_reply["content"] if execute_reply else {})
        self.startup_error: Exception | None = None
        self._stack = contextlib.ExitStack()
        try:
            self._stack.enter_context(self.client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except Exception as exc:  # the kernel would not start
            self.startup_error = exc

    def execute(self, request: dict, emit) -> None:  # noqa: ANN001 - emit(record)
        """Run the request's notebook, emitting one record per code cell, then `finished` or `fatal`."""
        import nbformat
        from nbclient.exceptions import DeadKernelError

        emit({"sandboxed": self.args.sandbox})
        client = self.client
        cell_timeout = int(request.get("cell_timeout") or self.args.cell_timeout)
        client.timeout = cell_timeout
        client.error_on_timeout = {"ename": "Timeout", "evalue": f"the cell ran longer than {cell_timeout} s",
                                   "traceback": []}
        nb = nbformat.from_dict(request["notebook"])
        client.nb = nb
        seal = Seal()
        try:
            if self.startup_error is not None:
                raise self.startup_error
            emit({"kernel_pid": getattr(self.km.provisioner, "pid", None)})
            original_execute = client.kc.execute
            client.kc.execute = lambda code, **kw: original_execute(code, user_expressions=seal.expressions, **kw)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                seal.prepare(cell)
                try:
                    client.execute_cell(cell, index, store_history=False)
                except DeadKernelError:
                    emit({"cell": index, "status": "dead", "ename": "KernelDied",
                          "evalue": "the Python kernel crashed or exited"})
                    return
                reply = self.replies.pop(index, None)
                if reply is None:  # no reply is no proof of anything: fail closed
                    reply = {"status": "error", "ename": "NoReply", "evalue": "the kernel sent no reply for this cell"}
                record = {"cell": index, "status": reply.get("status") or "error"}
                if record["status"] == "ok":
                    record.update(seal.verify(reply))
                if record["status"] != "ok":
                    record["status"] = "dead" if record["status"] == "dead" else "error"
                    record["ename"] = short(record.get("ename") or reply.get("ename") or "Error")
                    record["evalue"] = short(record.get("evalue") or reply.get("evalue", ""))
                emit(record)
            emit({"finished": True})
        except Exception as exc:  # the kernel would not start, or died between cells
            emit({"fatal": f"{type(exc).__name__}: {short(exc)}"})

    def close(self) -> None:
        """Kill the kernel and everything the notebook started (a graceful shutdown takes seconds)."""
        kill_descendants()
        with contextlib.suppress(Exception):
            if self.client.kc is not None:
                self.client.kc.stop_channels()
        with contextlib.suppress(Exception):  # its sockets and I/O thread: a serving runner makes many
            self.km.context.destroy(linger=0)
        shutil.rmtree(self.private, ignore_errors=True)


def emitter(nonce: str):  # noqa: ANN201
    out = sys.stdout

    def emit(record: dict) -> None:
        out.write(json.dumps({**record, "nonce": nonce}) + "\n")
        out.flush()
    return emit


MAX_RUNS = 50  # a serving runner retires after this many notebooks (the parent starts another)


def serve(args: argparse.Namespace) -> int:
    """Run notebooks one after another, one request per stdin line, each in a new kernel started
    before its request arrives; after each, `{"done": true}`. The kernel, the sandbox and everything
    the notebook started are killed before the next kernel starts, so runs share nothing but this
    process (which no notebook can reach: it is outside the sandbox's PID namespace)."""
    pending = None
    for _ in range(MAX_RUNS):
        # The parent closes our stdin when no run needs us: look for that (or an early request)
        # for a moment before starting a kernel that would go unused.
        if select.select([sys.stdin], [], [], 0.05)[0]:
            pending = sys.stdin.readline()
            if not pending.strip():
                return 0
        session = Session(args)
        line = pending if pending is not None else sys.stdin.readline()
        pending = None
        if not line.strip():
            session.close()
            return 0
        request = json.loads(line)
        emit = emitter(request["nonce"])
        session.execute(request, emit)
        session.close()
        emit({"done": True})
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("--cell-timeout", type=int, default=60, help="unless the request sets cell_timeout")
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--nproc", type=int, default=0)
    parser.add_argument("--sandbox", action="store_true", help="run the kernel under bubblewrap")
    parser.add_argument("--hide", action="append", default=[], help="folder the notebook must not see")
    parser.add_argument("--serve", action="store_true", help="run notebooks one per stdin line, until EOF")
    args = parser.parse_args(argv)

    # Processes the notebook starts and abandons become our children, so we can kill them all.
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if args.serve:
        code = serve(args)
        os._exit(code)
    # The kernel starts before the notebook arrives: a runner started ahead of need (a spare,
    # see sandbox.prestarted) is ready to run its first cell the moment its request comes. No
    # notebook code runs before then, and the kernel is used for this one notebook only.
    session = Session(args)
    try:
        request = read_request()
    except (ValueError, OSError):
        request = None
    if request is None:  # an unused spare, or a parent that went away: leave quietly
        session.close()
        os._exit(0)
    session.execute(request, emitter(request["nonce"]))
    session.close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
