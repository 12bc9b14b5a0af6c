"""How fast the course's own machinery is, against the budgets of DEVELOPERS.md.

    .venv/bin/python benchmarks/machinery.py [--skip-full]

Measures, on this machine, with the commands a developer types:

1. `course verify` with nothing changed since the last run (every run comes from the run cache);
2. `course verify --only cs-sql --fresh`: one exercise verified from scratch, as after an edit;
3. `course verify --changed HEAD` with nothing changed: the selection alone;
4. `course grade -j 2` on 20 submissions of cs-concurrency (each a little different, so the run
   cache cannot help) against stock `nbgrader autograde` (serial) on the same 20.

The first measurement needs a warm cache: unless --skip-full is given, a full `course verify` runs
first (as long as CI's), and its time is reported too. Writes the table into DEVELOPERS.md, between
its `machinery-benchmark` markers (not under benchmarks/ or modules/: notebooks may read those, so
a file written there would change the run cache's data fingerprint).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import tempfile
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = Path(sys.executable).parent / "course"
START, END = "<!-- machinery-benchmark -->", "<!-- /machinery-benchmark -->"
BUDGETS = {  # seconds, from issue #14 and DEVELOPERS.md
    "verify, nothing changed (cache warm)": 30,
    "verify --only cs-sql --fresh (one exercise, as after an edit)": 90,
    "verify --changed HEAD, nothing changed": 30,
}


def timed(*args: str) -> tuple[float, int, str]:
    start = time.monotonic()
    done = subprocess.run([str(COURSE), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "120"})
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    return time.monotonic() - start, done.returncode, tail


def grade_throughput(n: int = 20, exercise: str = "cs-concurrency") -> tuple[float, float]:
    """Seconds for `course grade -j 2` and for stock serial `nbgrader autograde` on `n` submissions."""
    sys.path.insert(0, str(ROOT))
    from autograder import nbgrader_export
    from autograder.notebooks import is_solution, read_source, to_bytes
    from autograder.paths import find_exercise

    source = read_source(find_exercise(exercise))
    env = {**os.environ, "PATH": f"{COURSE.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="machinery-") as tmp:
        tmp = Path(tmp)
        subs = tmp / "subs"
        notebooks = []
        for i in range(n):
            nb = copy.deepcopy(source)
            for cell in nb.cells:
                if is_solution(cell):
                    cell.source += f"\n# student {i}\n"  # different bytes: no run-cache hits
            notebooks.append(nb)
            (subs / f"s{i:02d}").mkdir(parents=True)
            (subs / f"s{i:02d}" / f"{exercise}.ipynb").write_bytes(to_bytes(nb))
        start = time.monotonic()
        done = subprocess.run([str(COURSE), "grade", str(subs), "-o", str(tmp / "out"), "-j", "2", "--fresh"],
                              capture_output=True, text=True, env=env)
        ours = time.monotonic() - start
        if done.returncode != 0:
            raise SystemExit(f"course grade failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")

        course = tmp / "nbgrader"
        written = nbgrader_export.export(course, (exercise,))
        module = written[0].parent.name
        subprocess.run([str(COURSE.parent / "nbgrader"), "generate_assignment", module, "--force"], cwd=course,
                       capture_output=True, check=True, env=env)
        for i, nb in enumerate(notebooks):
            target = course / "submitted" / f"s{i:02d}" / module / f"{exercise}.ipynb"
            target.parent.mkdir(parents=True)
            target.write_bytes(to_bytes(nb))
        start = time.monotonic()
        subprocess.run([str(COURSE.parent / "nbgrader"), "autograde", module, "--force"], cwd=course,
                       capture_output=True, check=True, env=env)
        stock = time.monotonic() - start
        shutil.rmtree(course, ignore_errors=True)
    return ours, stock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-full", action="store_true", help="the cache is warm: skip the first full verify")
    args = parser.parse_args()
    rows = []
    if not args.skip_full:
        seconds, rc, tail = timed("verify")
        rows.append(("verify, first run of this checkout (fills the cache)", seconds, None, rc, tail))
    for label, cmd in (("verify, nothing changed (cache warm)", ["verify"]),
                       ("verify --only cs-sql --fresh (one exercise, as after an edit)",
                        ["verify", "--only", "cs-sql", "--fresh"]),
                       ("verify --changed HEAD, nothing changed", ["verify", "--changed", "HEAD"])):
        seconds, rc, tail = timed(*cmd)
        rows.append((label, seconds, BUDGETS[label], rc, tail))

    ours, stock = grade_throughput()
    rows.append(("course grade -j 2, 20 submissions of cs-concurrency", ours, None, 0, ""))
    rows.append(("nbgrader autograde (stock, serial), the same 20", stock, None, 0,
                 f"course grade is {stock / ours:.1f}x faster (budget: 3x)"))

    lines = [f"Measured by `benchmarks/machinery.py` on {os.cpu_count()} CPUs ({platform.machine()}, "
             f"Python {platform.python_version()}).", "",
             "| What | Seconds | Budget | Within | Last line |", "| --- | ---: | ---: | --- | --- |"]
    for label, seconds, budget, rc, tail in rows:
        within = "-" if budget is None else ("yes" if seconds <= budget and rc == 0 else "NO")
        lines.append(f"| {label} | {seconds:.1f} | {'-' if budget is None else budget} | {within} | "
                     f"{tail.replace('|', '/')[:70]} |")
    text = "\n".join(lines) + "\n"
    docs = ROOT / "DEVELOPERS.md"
    body = docs.read_text(encoding="utf-8")
    head, _, rest = body.partition(START)
    _, _, tail = rest.partition(END)
    if not rest:
        raise SystemExit(f"{docs.name} has no {START} marker")
    docs.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")
    print(text)
    fast_enough = stock / ours >= 3
    return 0 if fast_enough and all(b is None or (s <= b and rc == 0) for _, s, b, rc, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
