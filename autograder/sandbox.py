"""Run a notebook in a child process, in a fresh temporary directory, within time limits.

The child (`autograder.runner`) starts the kernel; if the whole run takes longer than
`total_timeout`, the child and every process under it (the kernel and anything the
notebook started) are killed, and the cells that finished before that still count.
The notebook goes to the child on stdin and results come back on its stdout, so nothing the
notebook's code can read or write on disk takes part in grading.

Where bubblewrap (`bwrap`) works, the kernel runs in an allow-list sandbox (`bwrap_args`): the
Python environment, the course's packages and the data files lessons read, read-only; a private
/tmp; a /proc of its own PID namespace; loopback only; no capabilities; and nothing else of the
machine: not `solutions/`, not `.git`, not the class's submissions, not the grader's output.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from nbformat import NotebookNode

from .runner import MAX_RUNS  # runner.py imports nothing of ours at import time

# What a kernel may see of the grader's environment: the rest (API keys, tokens, DATABASE_URL,
# the instructor's COURSE_LLM_* settings) never reaches a notebook.
ENV_ALLOWED = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
               "COURSE_ROOT")
ENV_FIXED = {
    "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
    # One BLAS/torch thread per notebook: several notebooks run at once on few cores.
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # Offline, and no telemetry from the libraries the lessons use.
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "RAY_USAGE_STATS_ENABLED": "0",
    "MLFLOW_DISABLE_TELEMETRY": "true",
}
# Files and folders of the host's /etc that programs need (users, name lookup of localhost, time
# zone, TLS roots, the dynamic linker, fonts); nothing else of /etc is visible.
ETC_ALLOWED = ("passwd", "group", "nsswitch.conf", "hosts", "host.conf", "gai.conf", "localtime",
               "timezone", "ssl", "ca-certificates", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
               "alternatives", "fonts", "mime.types", "protocols", "services", "os-release")
TMP_SIZE = 1 << 30  # the private /tmp (and /dev/shm) is memory: 1 GiB each at most


_LIVE: set[subprocess.Popen] = set()  # runner processes in flight, for kill_all()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()  # set by kill_all(): a run that lost its runner is not retried


def kill_all() -> None:
    """Kill every notebook run in flight, with its kernel and all it started (Ctrl-C, a cancelled run),
    and every spare runner."""
    _STOPPING.set()  # nothing is retried from now on
    close_spares()
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_tree(proc.pid)


def default_jobs(memory_mb: int = 6144) -> int:
    """Notebooks to run at once: the CPUs this process may use (affinity and a cgroup CPU quota),
    and no more than the machine's memory holds at `memory_mb` each (rounded up; at least 1)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    memory = max(1, -(-psutil.virtual_memory().total // (max(1, memory_mb) * 2**20)))
    return max(1, min(cpus, memory))


def kernel_env() -> dict[str, str]:
    """The environment the runner and the kernel get: an allow-list, plus fixed settings."""
    env = {k: v for k, v in os.environ.items() if k in ENV_ALLOWED}
    # The venv's programs (jupyter, hadolint, ...) first, whether or not the caller's PATH has them
    # (`make` prepends the venv; a direct `.venv/bin/course` does not): the same PATH either way,
    # so the run cache's key is the same too.
    venv_bin = str(Path(sys.executable).parent)
    rest = [p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p and p != venv_bin]
    env["PATH"] = os.pathsep.join([venv_bin, *dict.fromkeys(rest)])
    env.setdefault("LANG", "C.UTF-8")
    env.update(ENV_FIXED)
    from coursekit.llm import cache_dir  # the plain copy of the local chat model (read-only inside)

    env["COURSE_CACHE_DIR"] = str(cache_dir())
    return env


@functools.cache
def bwrap_works() -> bool:
    """Can this machine run the bubblewrap sandbox (bwrap installed, namespaces allowed)?"""
    if sys.platform != "linux" or not shutil.which("bwrap"):
        return False
    probe = ["bwrap", "--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _ro_bind(path: Path | str) -> list[str]:
    """Bind a host path read-only at the same place; a symlink (/bin -> usr/bin) stays a symlink."""
    path = str(path)
    if os.path.islink(path):
        return ["--symlink", os.readlink(path), path]
    return ["--ro-bind", path, path] if os.path.exists(path) else []


def readable_paths() -> list[Path]:
    """What a graded notebook may read: the Python installation and environment, the course's
    packages and the data they read (lesson pages, benchmark questions), the local model copy."""
    import autograder
    import coursekit

    from .paths import repo_root

    root = repo_root()
    from coursekit.llm import cache_dir

    paths = {Path(sys.base_prefix), Path(sys.prefix), cache_dir(),
             Path(autograder.__file__).parent, Path(coursekit.__file__).parent,
             root / "modules", root / "benchmarks"}
    return sorted(p.resolve() for p in paths if p.exists())


def bwrap_args(private: Path, hide: tuple[Path, ...] = ()) -> list[str]:
    """The bubblewrap command line (up to and including `--`) for one kernel.

    `private` is the runner's folder (the kernel's sockets, connection file and home): the only
    host folder the kernel can write, deleted when the run ends.
    """
    from .paths import repo_root

    args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
            "--cap-drop", "ALL", "--hostname", "sandbox"]
    for top in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"):
        args += _ro_bind(top)
    for name in ETC_ALLOWED:
        args += _ro_bind(f"/etc/{name}")
    if os.path.isdir("/sys/devices/system/cpu"):  # CPU topology, read by torch and BLAS
        args += _ro_bind("/sys/devices/system/cpu")
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(TMP_SIZE), "--tmpfs", "/tmp", "--size", str(TMP_SIZE), "--tmpfs", "/dev/shm",
             "--tmpfs", "/var/tmp", "--dir", "/tmp/work"]
    readable = readable_paths()
    for path in readable:  # after /tmp: a checkout or venv under /tmp (a CI clone) is bound back
        args += ["--ro-bind", str(path), str(path)]
    root = repo_root().resolve()
    # repo_root() inside the kernel needs these two folders to exist: they are empty there.
    args += ["--dir", str(root / "solutions"), "--dir", str(root / "exercises")]
    args += ["--bind", str(private), str(private)]
    for folder in hide:  # folders the class's files live in, should any be below a readable path
        folder = Path(folder).resolve()
        if any(folder == p or p in folder.parents for p in readable):
            args += ["--tmpfs", str(folder), "--remount-ro", str(folder)]
    args += ["--chdir", "/tmp/work", "--setenv", "HOME", str(private / "home"), "--"]
    return args


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
    cached: bool = False  # taken from the run cache (runcache.py), not run now


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
        hide: tuple[Path, ...] = (), sandbox: bool | None = None, cache=None) -> RunResult:  # noqa: ANN001
    """Execute `nb` and return each code cell's outcome by index.

    The notebook runs in a new empty temporary directory, in a kernel that (where bubblewrap
    works, or when `sandbox` is True) has no network and sees only what `bwrap_args` allows; with
    `sandbox=False` it runs with the limits only. `hide` names more folders it must never see.
    With `cache` (a runcache.RunCache), an identical earlier run is reused and a clean new run
    is stored.
    """
    sandboxed = bwrap_works() if sandbox is None else sandbox
    env = kernel_env()
    if cache is None:
        return _run(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env)
    from . import runcache

    k = runcache.key(nb, cell_timeout=cell_timeout, total_timeout=total_timeout, memory_mb=memory_mb,
                     sandboxed=sandboxed, hide=hide, env=env)
    hit = cache.get(k)
    if hit is not None:
        return hit
    result = _run(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env)
    cache.put(k, result)
    return result


@dataclass
class _Runner:
    """A started `autograder.runner` process and the empty folder it runs in."""
    proc: subprocess.Popen
    folder: str

    def discard(self, graceful: bool = False) -> None:
        _stop(self.proc, graceful)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe:
                pipe.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _stop(proc: subprocess.Popen, graceful: bool) -> None:
    """Stop a runner: gracefully, by closing its stdin (an idle runner then kills its kernel and
    exits, in well under a second), else or after 5 s by killing its process tree."""
    if graceful:
        with contextlib.suppress(OSError, ValueError):
            proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    if proc.poll() is None:
        _kill_tree(proc.pid)
    with contextlib.suppress(OSError, ValueError):
        proc.stdin.close()
    proc.wait()


_SPARES: dict[tuple, list[_Runner]] = {}  # runners started ahead of need, by command and environment
_SPARE_COUNT = 0  # how many to keep ready per command: set by prestarted()
_SPARE_LOCK = threading.Lock()
_RUNS_LEFT: list[int | None] = [None]  # runs not yet started, when the caller said (prestarted(runs=))


def _count_a_run() -> None:
    """One of the announced runs starts now. (Caller holds _SPARE_LOCK.)"""
    if _RUNS_LEFT[0] is not None:
        _RUNS_LEFT[0] = max(0, _RUNS_LEFT[0] - 1)


def _spares_wanted() -> int:
    """How many idle runners to keep: one per job, no more than the runs still to come."""
    left = _RUNS_LEFT[0]
    return _SPARE_COUNT if left is None else min(_SPARE_COUNT, left)


def _launch(cmd: list[str], env: dict[str, str]) -> _Runner:
    folder = tempfile.mkdtemp(prefix="course-run-")
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    with _LIVE_LOCK:
        _LIVE.add(proc)
    return _Runner(proc, folder)


def _pool_key(cmd: list[str], env: dict[str, str]) -> tuple:
    """Runners started with the same command line and environment can serve each other's runs."""
    return tuple(cmd), tuple(sorted(env.items()))


def _take_waiting(waiting: list):  # noqa: ANN202 - a _Runner or a _Server
    """The runner that has waited longest and is still alive (dead ones are discarded), or None.
    The caller holds _SPARE_LOCK."""
    while waiting:
        candidate = waiting.pop(0)
        if candidate.proc.poll() is None:
            return candidate
        candidate.discard()
    return None


def _runner_for(cmd: list[str], env: dict[str, str]) -> tuple[_Runner, bool]:
    """A runner for this command: a spare whose kernel is already up if there is one (then another
    spare starts in its place), else a new one; and whether it is a spare."""
    with _SPARE_LOCK:
        if not _SPARE_COUNT:
            return _launch(cmd, env), False
        spares = _SPARES.setdefault(_pool_key(cmd, env), [])
        runner = _take_waiting(spares)
        _count_a_run()
        while len(spares) < _spares_wanted():
            spares.append(_launch(cmd, env))
    return (runner, True) if runner else (_launch(cmd, env), False)


def close_spares() -> None:
    """Stop every spare runner (each exits when its stdin closes; the kill makes sure)."""
    with _SPARE_LOCK:
        idle = [r for spares in _SPARES.values() for r in spares] + [r for s in _SERVERS.values() for r in s]
        busy = list(_BUSY)
        _SPARES.clear()
        _SERVERS.clear()
        _BUSY.clear()
    for runner in idle:  # all at once: each stops its kernel and exits when its stdin closes
        with contextlib.suppress(OSError, ValueError):
            runner.proc.stdin.close()
    for runner in idle + busy:
        with _LIVE_LOCK:
            _LIVE.discard(runner.proc)
        runner.discard(graceful=runner in idle)


@contextlib.contextmanager
def prestarted(count: int, *, memory_mb: int | None = None, hide: tuple[Path, ...] = (),  # noqa: ANN201
               runs: int | None = None):
    """Within this block, keep `count` runners per kind of run started ahead of need.

    Starting a runner and its sandboxed kernel costs most of a second (about 0.55 s of CPU and
    some waiting); a spare does that while other notebooks run, so the next run starts at its
    first cell. Where the sandbox works, the spares are serving runners (runner.serve): one
    process runs notebook after notebook, each in a new kernel and sandbox that it starts before
    the notebook comes, so the runner's own start-up is paid once, not per notebook. Each kernel
    still runs exactly one notebook: only its start moves earlier. With `memory_mb` (the limits
    the runs will use), the spares start at once, while the caller reads its inputs; with `runs`
    (how many notebooks will run), no more kernels start ahead than there are runs. `course
    verify`, `course grade` and `course progress` keep one spare per parallel job; the spares
    left at the end are stopped.
    """
    global _SPARE_COUNT
    _STOPPING.clear()
    with _SPARE_LOCK:
        _SPARE_COUNT = max(0, count)
        _RUNS_LEFT[0] = runs
        if count and memory_mb is not None and bwrap_works():
            cmd, env = _runner_command(memory_mb, hide, True), kernel_env()
            idle = _SERVERS.setdefault(_pool_key(cmd, env), [])
            while len(idle) < _spares_wanted():
                idle.append(_Server(cmd, env))
    try:
        yield
    finally:
        with _SPARE_LOCK:
            _SPARE_COUNT = 0
            _RUNS_LEFT[0] = None
        close_spares()


@contextlib.contextmanager
def job_pool(jobs: int, **prestart):  # noqa: ANN003, ANN201 - prestarted()'s keywords
    """A pool of `jobs` threads that run notebooks, inside prestarted(jobs, **prestart). On Ctrl-C
    nothing queued starts and the kernels running now are killed; the pool never waits for them."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        with prestarted(jobs, **prestart):
            yield pool
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_all()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class _Server:
    """A runner in --serve mode: one notebook per request line, each in a new kernel and sandbox
    that it starts before the request comes (runner.serve). Used within prestarted() when the
    sandbox works: a run then costs no runner start-up at all, and its kernel is already up."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.folder = tempfile.mkdtemp(prefix="course-run-")
        self.err = Path(self.folder) / "runner.err"
        with self.err.open("wb") as err:
            self.proc = subprocess.Popen([*cmd, "--serve"], cwd=self.folder, env=env, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        with _LIVE_LOCK:
            _LIVE.add(self.proc)
        self.runs = 0
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)  # end of output: the runner exited or was killed

    def send(self, line: bytes) -> None:
        def write() -> None:
            try:
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass  # the runner is gone: the reader sees the end of its output
        threading.Thread(target=write, daemon=True).start()

    def stderr_tail(self) -> str:
        try:
            lines = self.err.read_bytes()[-4000:].decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def discard(self, graceful: bool = False) -> None:
        with _LIVE_LOCK:
            _LIVE.discard(self.proc)
        _stop(self.proc, graceful)
        with contextlib.suppress(OSError):
            self.proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_SERVERS: dict[tuple, list[_Server]] = {}  # idle serving runners, longest idle first
_BUSY: set[_Server] = set()
def _server_for(cmd: list[str], env: dict[str, str]) -> tuple[_Server, bool]:
    """The serving runner that has waited longest (its kernel is surely up), and another started
    to wait in its place; and whether it was waiting (False: started now)."""
    with _SPARE_LOCK:
        idle = _SERVERS.setdefault(_pool_key(cmd, env), [])
        server = _take_waiting(idle)
        waited = server is not None
        if server is None:
            server = _Server(cmd, env)
        _count_a_run()
        while len(idle) < _spares_wanted():
            idle.append(_Server(cmd, env))
        _BUSY.add(server)
    return server, waited


def _release(server: _Server, cmd: list[str], env: dict[str, str], healthy: bool) -> None:
    with _SPARE_LOCK:
        _BUSY.discard(server)
        idle = _SERVERS.setdefault(_pool_key(cmd, env), [])
        wanted = healthy and server.runs < MAX_RUNS and server.proc.poll() is None
        keep = wanted and (_RUNS_LEFT[0] is None or len(idle) < _RUNS_LEFT[0])
        if keep:
            idle.append(server)
    if not keep:
        # A healthy runner that no run needs exits when its stdin closes, before it starts a
        # kernel (runner.serve); any other is killed.
        server.discard(graceful=wanted)


def _run_served(nb: NotebookNode, cell_timeout: int, total_timeout: int, memory_mb: int, hide: tuple[Path, ...],
                sandboxed: bool, env: dict[str, str], cmd: list[str]) -> RunResult:
    start = time.monotonic()
    nonce = secrets.token_hex(16)
    server, waited = _server_for(cmd, env)
    server.runs += 1
    server.send(json.dumps({"nonce": nonce, "notebook": nb, "cell_timeout": cell_timeout}).encode("utf-8") + b"\n")
    deadline = start + total_timeout
    lines, done, ended, problem = [], False, False, ""
    try:
        while not done:
            try:
                line = server.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                problem = f"stopped after {total_timeout} s (the notebook's time limit)"
                break
            if line is None:
                ended = True
                break
            lines.append(line)
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                done = isinstance(record, dict) and record.get("nonce") == nonce and record.get("done") is True
    except BaseException:  # Ctrl-C or a cancelled job: leave nothing running
        _release(server, cmd, env, healthy=False)
        raise
    tail = server.stderr_tail() if not done else ""
    _release(server, cmd, env, healthy=done)
    cells, extra, forged = _parse(b"".join(lines), nonce)
    if waited and ended and not lines and not _STOPPING.is_set():  # it died before reading this request
        return _run_fresh(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env)
    return _result(cells, extra, forged, problem, tail, start)


def _run_fresh(nb: NotebookNode, cell_timeout: int, total_timeout: int, memory_mb: int, hide: tuple[Path, ...],
               sandboxed: bool, env: dict[str, str]) -> RunResult:
    """`_run` in a runner started for this notebook, never a spare."""
    return _run(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env, spares=False)


def _runner_command(memory_mb: int, hide: tuple[Path, ...], sandboxed: bool) -> list[str]:
    cmd = [sys.executable, "-m", "autograder.runner", "--memory-mb", str(memory_mb),
           "--nproc", str(_nproc_limit())]
    cmd += ["--sandbox"] if sandboxed else []
    return cmd + [arg for d in hide for arg in ("--hide", str(d))]


def _run(nb: NotebookNode, cell_timeout: int, total_timeout: int, memory_mb: int, hide: tuple[Path, ...],
         sandboxed: bool, env: dict[str, str], spares: bool = True) -> RunResult:
    cmd = _runner_command(memory_mb, hide, sandboxed)
    if spares and sandboxed and _SPARE_COUNT:
        return _run_served(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env, cmd)
    start = time.monotonic()
    nonce = secrets.token_hex(16)
    request = json.dumps({"nonce": nonce, "notebook": nb, "cell_timeout": cell_timeout}).encode("utf-8")
    runner, spare = _runner_for(cmd, env) if spares else (_launch(cmd, env), False)
    if spare and runner.proc.poll() is not None:  # the spare died since it was checked
        runner.discard()
        runner, spare = _launch(cmd, env), False
    proc = runner.proc
    problem = ""
    try:
        try:
            stdout, stderr = proc.communicate(request, timeout=total_timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            stdout, stderr = proc.communicate()
            problem = f"stopped after {total_timeout} s (the notebook's time limit)"
        except BaseException:  # Ctrl-C or a cancelled job: leave nothing running
            _kill_tree(proc.pid)
            raise
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(proc)
        cells, extra, forged = _parse(stdout, nonce)
        if spare and not problem and not cells and not extra and not _STOPPING.is_set():
            # A spare that died before it read the request (killed, out of memory) ran nothing of
            # this notebook: run it again in a runner started now.
            shutil.rmtree(runner.folder, ignore_errors=True)
            return _run_fresh(nb, cell_timeout, total_timeout, memory_mb, hide, sandboxed, env)
        if extra.get("kernel_pid"):
            _kill_tree(extra["kernel_pid"])  # anything the notebook left running
    finally:
        shutil.rmtree(runner.folder, ignore_errors=True)
    tail = (stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    return _result(cells, extra, forged, problem, tail, start)


def _result(cells: dict[int, CellOutcome], extra: dict, forged: int, problem: str, stderr_tail: str,
            start: float) -> RunResult:
    """The run's result from the runner's records: `problem` (a timeout) or why it ended early."""
    if not problem and extra.get("fatal"):
        problem = f"the notebook could not run: {extra['fatal']}"
    elif not problem and not extra.get("finished"):
        if any(c.status == "dead" for c in cells.values()):
            problem = "the Python kernel crashed or exited (os._exit, a segfault, or out of memory)"
        else:
            problem = "the grader's runner stopped unexpectedly" + (f": {stderr_tail}" if stderr_tail else "")
    return RunResult(cells=cells, finished=bool(extra.get("finished")), problem=problem,
                     seconds=time.monotonic() - start, sandboxed=bool(extra.get("sandboxed")),
                     forged_lines=forged)


@functools.cache
def _nproc_limit(extra_processes: int = 512) -> int:
    """RLIMIT_NPROC for a kernel: this user's processes when the first notebook of this command
    ran, plus a margin for the notebooks that run at once (0: no limit, for root). Computed once,
    so every run of a command has the same runner command line (and a spare runner fits any)."""
    uid = os.getuid()
    if uid == 0:
        return 0
    mine = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid)
    return mine + extra_processes
