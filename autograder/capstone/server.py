"""Start and stop the learner's app: `uvicorn capstone_app.main:app` on 127.0.0.1, a free port.

The app runs as a subprocess in its own process group, with its working directory at the folder
that holds the package, a data directory of the grader's choosing and the test tenants' keys in
its environment. Stopping it signals that process group only (never anything by name).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


class AppDidNotStart(RuntimeError):
    """The app exited, or did not answer GET /health in time; the message has its last log lines."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


class AppServer:
    def __init__(self, folder: Path, package: str, env: dict[str, str], log_dir: Path, startup_timeout: float = 120.0,
                 port: int = 0):
        self.folder, self.package, self.env, self.fixed_port = Path(folder).resolve(), package, env, port
        self.log_dir, self.startup_timeout = Path(log_dir), startup_timeout
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0
        self.log_path = self.log_dir / "app-0.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start the app and wait for /health; return the seconds it took. Raises AppDidNotStart."""
        if not (self.folder / self.package / "main.py").exists():
            raise AppDidNotStart(f"{self.folder / self.package / 'main.py'} does not exist: "
                                 "run the %%writefile cells above first")
        self.starts += 1
        self.port = self.fixed_port or free_port()
        self.log_path = self.log_dir / f"app-{self.starts}.log"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1",
                   TOKENIZERS_PARALLELISM="false", PYTHONDONTWRITEBYTECODE="1")
        env.update(self.env)
        cmd = [sys.executable, "-m", "uvicorn", f"{self.package}.main:app", "--host", "127.0.0.1",
               "--port", str(self.port), "--no-access-log", "--log-level", "warning"]
        start = time.monotonic()
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.folder, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = start + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AppDidNotStart(f"the app exited with code {self.proc.returncode} before answering "
                                     f"GET /health. Its last lines:\n{tail(self.log_path)}")
            try:
                if httpx.get(self.base_url + "/health", timeout=2.0).status_code == 200:
                    return time.monotonic() - start
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise AppDidNotStart(f"GET /health did not answer 200 within {self.startup_timeout:.0f} s. "
                             f"The app's last lines:\n{tail(self.log_path)}")

    def stop(self) -> None:
        """Stop the app's process group: SIGTERM, then SIGKILL after 10 s."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)  # the group we created with start_new_session: only the app
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def restart(self) -> float:
        self.stop()
        return self.start()
