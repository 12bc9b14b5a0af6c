"""Run one notebook in a fresh, sandboxed kernel and report each cell's outcome as a JSON line.

This module is the child process that `sandbox.run` starts:

    python -m autograder.runner --cell-timeout S --memory-mb N [--hide DIR ...]

It reads {"nonce": ..., "notebook": ...} from stdin (the notebook never touches the disk, so the
code it runs cannot read the hidden tests from a file) and writes one JSON line per code cell to
stdout the moment the cell ends, each carrying the nonce: when the parent has to kill us, every
cell that finished still counts, and a line forged by the notebook's code (which cannot know the
nonce) is ignored. The kernel's own stdout/stderr go nowhere, and outputs are dropped, not kept:
the grade depends only on each cell's status, and a cell printing 200 MB cannot fill memory.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
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


def namespaces_work() -> bool:
    """Can we create user+mount+network namespaces here (Linux, user namespaces enabled)?"""
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-rmn", "--", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def write_kernelspec(folder: Path, args: argparse.Namespace, sandboxed: bool) -> None:
    """A kernelspec that starts autograder.kernel (limits, hidden folders), inside namespaces if we can."""
    argv = [sys.executable, "-m", "autograder.kernel", "--memory-mb", str(args.memory_mb)]
    argv += [item for d in args.hide if Path(d).is_dir() for item in ("--hide", str(Path(d).resolve()))]
    argv += ["--keep", str(folder.parent)]
    argv = (["unshare", "-rmn", "--"] + argv) if sandboxed else argv + ["--no-namespace"]
    spec = folder / "kernels" / "course-sandbox"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv + ["-f", "{connection_file}"],
        "display_name": "course sandbox", "language": "python"}), encoding="utf-8")


def kill_descendants() -> None:
    import psutil

    procs = psutil.Process().children(recursive=True)
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("--cell-timeout", type=int, default=60)
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--hide", action="append", default=[], help="folder the notebook must not see")
    args = parser.parse_args(argv)

    request = json.loads(sys.stdin.read())
    sys.stdin.close()
    nonce = request["nonce"]
    out = sys.stdout

    def emit(record: dict) -> None:
        out.write(json.dumps({**record, "nonce": nonce}) + "\n")
        out.flush()

    # Processes the notebook starts and abandons become our children, so we can kill them all.
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    import nbformat
    from jupyter_client import AsyncKernelManager  # nbclient is async: a blocking manager stalls its timeouts
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    class QuietClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
            return None  # outputs are not needed to grade, and may be huge

    private = Path(tempfile.mkdtemp(prefix="course-runner-"))
    sandboxed = namespaces_work()
    write_kernelspec(private / "jupyter", args, sandboxed)
    os.environ["JUPYTER_PATH"] = str(private / "jupyter")
    os.environ["IPYTHONDIR"] = str(private / "ipython")  # no shared history database between runs
    emit({"sandboxed": sandboxed})

    nb = nbformat.from_dict(request["notebook"])
    km = AsyncKernelManager(kernel_name="course-sandbox", transport="ipc", ip=str(private / "kernel"),
                            connection_file=str(private / "connection.json"))  # inside the kept folder
    replies: dict[int, dict] = {}
    client = QuietClient(
        nb, km=km,
        timeout=args.cell_timeout,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "Timeout", "evalue": f"the cell ran longer than {args.cell_timeout} s", "traceback": []},
        allow_errors=True,
        resources={"metadata": {"path": os.getcwd()}},
    )
    client.on_cell_executed = lambda cell, cell_index, execute_reply: replies.__setitem__(
        cell_index, execute_reply["content"] if execute_reply else {}
    )
    try:
        with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            emit({"kernel_pid": getattr(km.provisioner, "pid", None)})
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index, store_history=False)
                except DeadKernelError:
                    emit({"cell": index, "status": "dead", "ename": "KernelDied",
                          "evalue": "the Python kernel crashed or exited"})
                    break
                reply = replies.pop(index, {"status": "ok"})
                record = {"cell": index, "status": reply.get("status", "ok")}
                if record["status"] != "ok":
                    record["ename"] = short(reply.get("ename", "Error"))
                    record["evalue"] = short(reply.get("evalue", ""))
                emit(record)
            else:
                emit({"finished": True})
            # A graceful kernel shutdown takes seconds; kill everything we started and leave now.
            kill_descendants()
            shutil.rmtree(private, ignore_errors=True)
            os._exit(0)
    except Exception as exc:  # the kernel would not start, or died between cells
        emit({"fatal": f"{type(exc).__name__}: {short(exc)}"})
    kill_descendants()
    shutil.rmtree(private, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
