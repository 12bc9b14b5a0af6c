"""Start an IPython kernel with the grading limits; inside the bubblewrap sandbox when there is one.

The runner (`autograder.runner`) writes a kernelspec whose command is

    bwrap <allow-list of read-only folders, a private /tmp, no network> -- \\
        python -m autograder.kernel --memory-mb N --nproc N -f CONNECTION_FILE

(see `autograder.sandbox.bwrap_args` for what the sandbox lets the notebook see). This module
then only sets the resource limits, which every process the notebook starts inherits, and
starts ipykernel. Without bubblewrap (`--no-sandbox`) the limits still apply and Python sockets
may connect to loopback only; nothing hides the grader's folders then.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys


def limit(memory_mb: int, file_mb: int, nproc: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A fork bomb stops at a few hundred processes. The limit counts all of this user's processes,
    # so the runner passes how many run now plus a margin. (Linux does not apply it to root: there
    # the sandbox's PID namespace, the timeouts and the process-tree kill are what stop one.)
    if nproc > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc,) * 2)


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def refuse_sockets() -> None:
    """Best effort when there is no sandbox: Python-level IP sockets connect to loopback only."""
    import socket

    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):  # noqa: ANN001 - socket's own signature
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise OSError("network access is disabled while grading")
        return original_connect(self, address)

    def connect_ex(self, address):  # noqa: ANN001
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            return 101  # ENETUNREACH
        return original_connect_ex(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.kernel")
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--file-mb", type=int, default=512)
    parser.add_argument("--nproc", type=int, default=0)
    parser.add_argument("--no-sandbox", action="store_true")
    args, kernel_argv = parser.parse_known_args()
    if args.no_sandbox:
        refuse_sockets()
    else:
        # In the sandbox's PID namespace our parent is its init (PID 1), which ipykernel's parent
        # poller takes for "the parent died". bwrap --die-with-parent does that job instead.
        os.environ.pop("JPY_PARENT_PID", None)
        # Lead a process group of our own: an interrupt (sent as a message, see the kernelspec)
        # then reaches the kernel and what it started, never bwrap.
        os.setpgid(0, 0)
    limit(args.memory_mb, args.file_mb, args.nproc)

    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=kernel_argv)


if __name__ == "__main__":
    sys.exit(main())
