"""Start an IPython kernel inside the grading sandbox.

The runner launches this module as the kernel, normally through `unshare -rmn` (new user, mount
and network namespaces: no network, and the grader's private folders hidden), so that code in a
submission cannot reach the network, read the solutions, or fill the memory or disk:

    unshare -rmn -- python -m autograder.kernel --hide DIR ... --memory-mb N -f CONNECTION_FILE

Without namespaces (`--no-namespace`) the limits still apply and sockets are refused in Python.
"""

from __future__ import annotations

import argparse
import ctypes
import resource
import sys


def hide(directory: str) -> None:
    """Mount an empty, read-only tmpfs over `directory` (only inside our own mount namespace)."""
    libc = ctypes.CDLL(None, use_errno=True)
    ms_rdonly = 1
    if libc.mount(b"none", directory.encode(), b"tmpfs", ms_rdonly, b"size=4k") != 0:
        raise OSError(ctypes.get_errno(), f"cannot hide {directory}")


def limit(memory_mb: int, file_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def refuse_sockets() -> None:
    """Best effort when there is no network namespace: Python-level IP sockets fail to connect."""
    import socket

    original_connect = socket.socket.connect

    def connect(self, address):  # noqa: ANN001 - socket's own signature
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError("network access is disabled while grading")
        return original_connect(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = lambda self, address: 101  # ENETUNREACH


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.kernel")
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--file-mb", type=int, default=512)
    parser.add_argument("--no-namespace", action="store_true")
    args, kernel_argv = parser.parse_known_args()
    if not args.no_namespace:
        for directory in args.hide:
            hide(directory)
    else:
        refuse_sockets()
    limit(args.memory_mb, args.file_mb)

    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=kernel_argv)


if __name__ == "__main__":
    sys.exit(main())
