"""Start an IPython kernel inside the grading sandbox.

The runner launches this module as the kernel, normally through `unshare -rmn` (new user, mount
and network namespaces: no network, the grader's folders hidden, an empty /tmp of its own), so
that code in a submission cannot reach the network, read the solutions or other people's files
in /tmp, or fill the memory or disk:

    unshare -rmn -- python -m autograder.kernel --hide DIR ... --keep DIR --memory-mb N -f CONNECTION_FILE

Inside the network namespace only the loopback interface exists; it is brought up so a notebook
can serve an app on 127.0.0.1 and call it (the capstone does). Without namespaces
(`--no-namespace`) the limits still apply and Python sockets may connect to loopback only.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import sys


MS_RDONLY, MS_BIND = 1, 4096
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _mount(source: str, target: str, fstype: str | None, flags: int, options: str = "") -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fs = fstype.encode() if fstype else None
    if libc.mount(source.encode(), target.encode(), fs, flags, options.encode()) != 0:
        raise OSError(ctypes.get_errno(), f"cannot mount over {target}")


def hide(directory: str) -> None:
    """Mount an empty, read-only tmpfs over `directory` (only inside our own mount namespace)."""
    _mount("none", directory, "tmpfs", MS_RDONLY, "size=4k")


def fresh_scratch(keep: list[str]) -> None:
    """Give the kernel its own empty /tmp (and /var/tmp, /dev/shm): leftovers of other runs and
    other classes stay invisible. Folders in `keep` (the runner's folder with the kernel's
    sockets; the course checkout and the Python environment, when they live under /tmp, as in a
    CI clone) are bound back in at their old paths, then the notebook runs in a new empty /tmp/work.
    Call it before hide(): a bind does not carry the mounts below it."""
    kept = [(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY))
            for path in sorted(set(keep), key=len) if os.path.isdir(path)]  # parents before children
    for scratch in SCRATCH_DIRS:
        if os.path.isdir(scratch):
            _mount("none", scratch, "tmpfs", 0, "size=1g,mode=1777")
    for path, fd in kept:
        if not os.path.isdir(path):  # it was under a scratch folder: bring it back
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND)
        os.close(fd)
    os.makedirs("/tmp/work", exist_ok=True)
    os.chdir("/tmp/work")


def limit(memory_mb: int, file_mb: int, extra_processes: int = 256) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A fork bomb stops at a few hundred processes. The limit counts all of this user's processes,
    # so it is relative to how many run now. (Linux does not apply it to root: there the grader's
    # timeouts and process-tree kill are what stop one.)
    import psutil

    uid = os.getuid()
    mine = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (mine + extra_processes,) * 2)


def loopback_up() -> None:
    """Bring up `lo` in the new network namespace (it starts down): 127.0.0.1 works, nothing else."""
    import fcntl
    import socket
    import struct

    siocgifflags, siocsifflags, iff_up, ifreq = 0x8913, 0x8914, 0x1, "16sh22x"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack(ifreq, fcntl.ioctl(s, siocgifflags, struct.pack(ifreq, b"lo", 0)))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack(ifreq, b"lo", flags | iff_up))


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def refuse_sockets() -> None:
    """Best effort when there is no network namespace: Python-level IP sockets connect to loopback only."""
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
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--file-mb", type=int, default=512)
    parser.add_argument("--keep", help="the runner's private folder, kept visible in the fresh /tmp")
    parser.add_argument("--no-namespace", action="store_true")
    args, kernel_argv = parser.parse_known_args()
    if not args.no_namespace:
        if args.keep:
            from .paths import repo_root  # the checkout whose solutions/ the runner hides

            fresh_scratch([args.keep, str(repo_root()), sys.prefix])
        for directory in args.hide:
            if os.path.isdir(directory):  # a folder under /tmp outside the checkout is already gone
                hide(directory)
        loopback_up()
    else:
        refuse_sockets()
    limit(args.memory_mb, args.file_mb)

    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=kernel_argv)


if __name__ == "__main__":
    sys.exit(main())
