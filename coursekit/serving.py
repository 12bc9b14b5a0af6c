"""Run an ASGI app (FastAPI) for a lesson or an exercise: on 127.0.0.1, a free port, stopped by itself.

    from coursekit.serving import running_server

    with running_server(app) as base_url:          # "http://127.0.0.1:54321"
        httpx.get(base_url + "/health")

The server runs uvicorn in a background thread of the same process, so the notebook's objects
(a model already loaded, a fake clock, counters a test reads) are shared with the app. It binds
only to 127.0.0.1, on a port the operating system picks, and stops when the `with` block ends, or
after `max_seconds` at the latest (a forgotten server never outlives its lesson).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread must not take over Ctrl-C
        pass


@contextlib.contextmanager
def running_server(app, *, port: int = 0, max_seconds: float = 300.0, log_level: str = "warning",
                   startup_timeout: float = 30.0, **uvicorn_options) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 in a background thread; yield its base URL; stop it afterwards.

    `uvicorn_options` go to `uvicorn.Config` (for example `limit_concurrency=8` or
    `timeout_graceful_shutdown=1`). The lifespan runs: startup before the `with` body, shutdown
    after it.
    """
    config = uvicorn.Config(app, host=HOST, port=port or free_port(), log_level=log_level,
                            lifespan="on", **uvicorn_options)
    server = _Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn:{config.port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the server on port {config.port} stopped during startup (see its log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server on port {config.port} did not start within {startup_timeout:g} s")
        time.sleep(0.01)
    watchdog = threading.Timer(max_seconds, lambda: setattr(server, "should_exit", True))
    watchdog.daemon = True
    watchdog.start()
    try:
        yield f"http://{HOST}:{config.port}"
    finally:
        watchdog.cancel()
        server.should_exit = True
        thread.join(timeout=10)
