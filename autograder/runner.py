"""Run one notebook in a fresh kernel and report each cell's outcome as a JSON line.

This module is the child process that `sandbox.run` starts:

    python -m autograder.runner NOTEBOOK RESULTS --cell-timeout SECONDS

It never raises for anything the notebook does. Each code cell appends one line to RESULTS
the moment it finishes, so when the parent has to kill us (the notebook's own time limit),
every cell that did finish still counts. Outputs are dropped, not kept: the grade depends
only on each cell's status, and a cell printing 200 MB cannot fill this process's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_MESSAGE = 500


def short(text: str) -> str:
    """Strip terminal colours and cap the length of an error message."""
    text = ANSI.sub("", str(text)).strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--cell-timeout", type=int, default=60)
    args = parser.parse_args(argv)

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    class QuietClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
            return None  # outputs are not needed to grade, and may be huge

    nb = nbformat.read(args.notebook, as_version=4)
    replies: dict[int, dict] = {}
    client = QuietClient(
        nb,
        timeout=args.cell_timeout,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "Timeout", "evalue": f"the cell ran longer than {args.cell_timeout} s", "traceback": []},
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(args.notebook.parent)}},
    )
    client.on_cell_executed = lambda cell, cell_index, execute_reply: replies.__setitem__(
        cell_index, execute_reply["content"] if execute_reply else {}
    )

    with args.results.open("a", encoding="utf-8") as out:
        def emit(record: dict) -> None:
            out.write(json.dumps(record) + "\n")
            out.flush()

        try:
            with client.setup_kernel():
                emit({"kernel_pid": getattr(client.km.provisioner, "pid", None)})
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    try:
                        client.execute_cell(cell, index)
                    except DeadKernelError:
                        emit({"cell": index, "status": "dead", "ename": "KernelDied",
                              "evalue": "the Python kernel crashed or exited"})
                        return 0
                    reply = replies.pop(index, {"status": "ok"})
                    record = {"cell": index, "status": reply.get("status", "ok")}
                    if record["status"] != "ok":
                        record["ename"] = short(reply.get("ename", "Error"))
                        record["evalue"] = short(reply.get("evalue", ""))
                    emit(record)
                emit({"finished": True})
                # A graceful kernel shutdown takes seconds; the parent kills the kernel's process
                # tree (it knows the pid) as soon as we are gone, so leave now.
                os._exit(0)
        except Exception as exc:  # the kernel would not start, or died between cells
            emit({"fatal": f"{type(exc).__name__}: {short(exc)}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
