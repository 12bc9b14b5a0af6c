"""The `course` command. Every subcommand is a thin wrapper over one module of this package."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from .paths import CourseError



def _add_timeouts(parser: argparse.ArgumentParser, cell: int, total: int) -> None:
    parser.add_argument("--cell-timeout", type=int, default=cell, metavar="S",
                        help=f"seconds one cell may run (default {cell})")
    parser.add_argument("--timeout", type=int, default=total, metavar="S", dest="total_timeout",
                        help=f"seconds a whole notebook may run (default {total})")
    parser.add_argument("--memory-mb", type=int, default=6144, metavar="MB",
                        help="address space one notebook's kernel may use (default 6144)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="AI Backend Engineering course tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="regenerate exercises/ from solutions/ (instructors, authors)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 and list files that differ")

    p = sub.add_parser("check", help="run the visible tests of one exercise notebook (learners)")
    p.add_argument("notebook", type=Path)
    _add_timeouts(p, cell=60, total=180)

    p = sub.add_parser("progress", help="which exercises in your workspace pass (learners)")
    p.add_argument("dir", type=Path, nargs="?", help="your workspace (default: workspace/ in the course)")
    p.add_argument("-j", "--jobs", type=int, help="notebooks run at once (default: CPUs, as memory allows)")
    _add_timeouts(p, cell=60, total=180)

    p = sub.add_parser("workspace", help="copy new exercises into your workspace; never overwrites (learners)")
    p.add_argument("dir", type=Path, nargs="?", help="default: workspace/ in the course")

    p = sub.add_parser("grade", help="grade a class: SUBMISSIONS_DIR/<student>/<exercise>.ipynb or an LMS export "
                                     "(instructors)")
    p.add_argument("submissions", type=Path, metavar="EXPORT",
                   help="a folder or .zip: <student>/ folders, nbgrader's submitted/, Canvas, Moodle or GitHub Classroom")
    p.add_argument("--from", dest="layout", default="auto", choices=("auto", "course", "nbgrader", "canvas", "moodle",
                                                                      "classroom"),
                   help="the export's layout (default: detected from its names)")
    p.add_argument("--gradebook", choices=("canvas", "moodle", "csv"),
                   help="also write the file that LMS imports (canvas-gradebook.csv, moodle-grades-*.csv, gradebook.csv)")
    p.add_argument("--assignment", metavar="COLUMN",
                   help="the Canvas gradebook column, e.g. 'SQL lab (123456)' (default: the exercise name)")
    p.add_argument("-o", "--out", type=Path, help="output directory (default: <EXPORT>-graded)")
    p.add_argument("-j", "--jobs", type=int, help="notebooks graded at once (default: CPUs, as memory allows)")
    p.add_argument("--fresh", action="store_true", help="grade everything again, ignoring the last run")
    p.add_argument("--unsandboxed", action="store_true",
                   help="grade even without bubblewrap (no isolation; every row of grades.csv says so)")
    _add_timeouts(p, cell=60, total=300)

    p = sub.add_parser("nbgrader-export", help="write the course as a stock nbgrader course directory (instructors)")
    p.add_argument("dir", type=Path, help="the nbgrader course directory to write (source/, nbgrader_config.py)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="modules (01-cs-basics) or exercises (cs-sql)")

    p = sub.add_parser("book", help="build the course site into book/_build/html (warnings are errors)")
    p.add_argument("--no-execute", action="store_true", help="don't run lessons (a quick check of structure)")
    p.add_argument("--all", action="store_true", help="rebuild every page, not only changed ones")

    p = sub.add_parser("capstone", help="the capstone RAG API: serve it with the course loaded (learners)")
    capstone = p.add_subparsers(dest="capstone_command", required=True, metavar="SUBCOMMAND")
    p = capstone.add_parser("serve", help="run the app from a capstone notebook (default: the reference), course loaded")
    p.add_argument("notebook", type=Path, nargs="?", help="your capstone notebook (.ipynb); default: the reference app")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    p.add_argument("--data-dir", type=Path, default=Path("capstone-data"),
                   help="the app's files, its data and its key (default ./capstone-data; kept across runs)")
    p.add_argument("--key", help="API key to accept (default: generated once, kept in DATA_DIR/api-key)")
    p.add_argument("--no-course", action="store_true", help="don't load the course's lesson pages")

    p = sub.add_parser("verify", help="prove every exercise honest and every lesson runnable (CI)")
    p.add_argument("--only", metavar="NAME", help="a module (01-cs-basics), an exercise (cs-sql) or a lesson page (sql)")
    p.add_argument("--no-lessons", action="store_true", help="skip executing the lesson pages")
    p.add_argument("--changed", nargs="?", const="HEAD", metavar="REF",
                   help="only what the changes since REF touch (default HEAD: uncommitted work)")
    p.add_argument("--shard", metavar="K/N", help="run shard K of N (a CI matrix), balanced by recorded durations")
    p.add_argument("--fresh", action="store_true", help="run everything again, not reusing the run cache (.course-cache/runs); the new results are stored")
    p.add_argument("--mutants", action="store_true",
                   help="grade mutants of every answer (not the capstone): how strong the tests are (see MUTATION.md)")
    p.add_argument("-j", "--jobs", type=int, help="notebooks run at once (default: CPUs, as memory allows)")
    _add_timeouts(p, cell=60, total=180)
    return parser


def dispatch(args: argparse.Namespace, console: Console) -> int:
    if getattr(args, "jobs", 0) is None:
        from .sandbox import default_jobs

        args.jobs = default_jobs(args.memory_mb)
    if args.command == "release":
        from . import release

        files = release.planned()
        if args.check:
            diffs = release.differences(files)
            for diff in diffs:
                console.print(f"[red]{diff}[/red]", highlight=False)
            if diffs:
                console.print("exercises/ is out of sync with solutions/: run `course release` and commit the result.")
                return 1
            console.print(f"exercises/ matches solutions/ ({len(files)} notebooks).")
            return 0
        changed = release.write(files)
        for path in changed:
            console.print(f"  updated {path}", highlight=False)
        console.print(f"{len(files)} exercise notebooks, {len(changed)} changed.")
        return 0
    if args.command == "check":
        from . import check

        return check.run(args.notebook, cell_timeout=args.cell_timeout, total_timeout=args.total_timeout,
                         memory_mb=args.memory_mb, console=console)
    if args.command in ("progress", "workspace"):
        from . import workspace

        folder = args.dir or workspace.default_dir()
        if args.command == "workspace":
            return workspace.copy_new(folder, console)
        from . import progress

        return progress.run_progress(folder, jobs=args.jobs, cell_timeout=args.cell_timeout,
                                      total_timeout=args.total_timeout, memory_mb=args.memory_mb, console=console)
    if args.command == "grade":
        from . import grade

        src = args.submissions
        stem = src.stem if src.suffix.lower() == ".zip" else src.name
        out = args.out or src.with_name(stem + "-graded")
        return grade.run(src, out, jobs=args.jobs, cell_timeout=args.cell_timeout,
                         total_timeout=args.total_timeout, memory_mb=args.memory_mb, fresh=args.fresh,
                         console=console, unsandboxed=args.unsandboxed, layout=args.layout,
                         gradebook=args.gradebook, assignment=args.assignment)
    if args.command == "book":
        from . import book

        return book.run(execute=not args.no_execute, rebuild_all=args.all)
    if args.command == "capstone":
        from .capstone import serve

        return serve.run(args.notebook, port=args.port, data_dir=args.data_dir, key=args.key,
                         load_course=not args.no_course, console=console)
    if args.command == "nbgrader-export":
        from . import nbgrader_export

        written = nbgrader_export.export(args.dir, tuple(args.only) if args.only else None)
        console.print(f"{len(written)} notebooks in {args.dir / 'source'}; next: cd {args.dir} && "
                      f"nbgrader generate_assignment {written[0].parent.name}  (see {args.dir / 'README.md'})",
                      highlight=False)
        return 0
    if args.command == "verify" and args.mutants:
        from . import mutants

        if args.shard:
            raise CourseError("--mutants takes --only or --changed, not --shard")
        return mutants.run(only=args.only, changed=args.changed, jobs=args.jobs, cell_timeout=args.cell_timeout,
                           memory_mb=args.memory_mb, console=console, fresh=args.fresh)
    if args.command == "verify":
        from . import verify

        return verify.run(only=args.only, jobs=args.jobs, cell_timeout=args.cell_timeout,
                          total_timeout=args.total_timeout, memory_mb=args.memory_mb, lessons=not args.no_lessons,
                          console=console, fresh=args.fresh, changed=args.changed, shard=args.shard)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # In CI logs (not a terminal) rich would assume 80 columns and truncate table cells.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    try:
        code = dispatch(args, console)
    except CourseError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    except KeyboardInterrupt:
        from .sandbox import kill_all

        kill_all()
        console.print("interrupted")
        code = 130
    if code == 130:  # Ctrl-C: leave now, without waiting for worker threads a killed kernel still holds
        sys.stdout.flush()
        os._exit(130)
    return code


if __name__ == "__main__":
    sys.exit(main())
