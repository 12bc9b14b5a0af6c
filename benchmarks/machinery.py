"""How fast the course's own machinery is, against the budgets of DEVELOPERS.md.

    .venv/bin/python benchmarks/machinery.py [--skip-full]

Measures, on this machine, with the commands a developer types:

1. `course verify` with nothing changed since the last run (every run comes from the run cache);
2. `course verify --only cs-sql --fresh`: one exercise verified from scratch, as after an edit;
3. `course verify --changed HEAD` with nothing changed: the selection alone.

The first measurement needs a warm cache: unless --skip-full is given, a full `course verify` runs
first (as long as CI's), and its time is reported too. Writes the table into DEVELOPERS.md, between
its `machinery-benchmark` markers (not under benchmarks/ or modules/: notebooks may read those, so
a file written there would change the run cache's data fingerprint).
"""

from __future__ import annotations

import argparse
import os
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
    return 0 if all(budget is None or (s <= budget and rc == 0) for _, s, budget, rc, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
