"""Submissions as instructors get them, and files their learning-management system imports.

`course grade EXPORT` reads, detected from the files or named with `--from`:

  course     EXPORT/<student>/<exercise>.ipynb (any depth below the student's folder)
  nbgrader   EXPORT/submitted/<student>/<assignment>/<exercise>.ipynb (or EXPORT is `submitted/`)
  canvas     flat files `<login>_[LATE_]<userid>_<submissionid>_<exercise>[-N].ipynb`, a folder or a zip
  moodle     "Download all submissions": a folder per participant, `<Full name>_<id>_assignsubmission_file_`
             (or, downloaded without folders, files with that prefix), a folder or a zip
  classroom  GitHub Classroom: a folder of cloned repositories `<assignment>-<username>/`, notebooks found
             by exercise name anywhere in each repository

Each student's identity comes from the export (folder or file name), never from notebook content.
Two files for the same student and exercise are both listed in OUT/intake.csv, and only the newest is
graded (Canvas: the higher resubmission number, then the later file; elsewhere the later file).
A zip is extracted inside the output folder (OUT/.export), member by member: a path that would land
outside it, a link, or a file over the size limit is skipped with its reason; nothing else is written.

After grading, `--gradebook canvas|moodle|csv` writes what the LMS imports, OUT/summary.html shows each
exercise's score distribution, its most-failed tasks and its flagged submissions, and OUT/feedback.zip
holds the feedback pages named so the LMS returns each one to its student (never any test code).
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import shutil
import stat
import statistics
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .notebooks import MAX_SUBMISSION_BYTES
from .paths import CourseError, find_exercise

LAYOUTS = ("course", "nbgrader", "canvas", "moodle", "classroom")
GRADEBOOKS = ("canvas", "moodle", "csv")
EXPORT_DIR = ".export"  # inside OUT: where a zip export is extracted
MAX_EXPORT_BYTES = 4 * 2**30  # a zip whose notebooks add up to more is refused (a zip bomb)

CANVAS_NAME = re.compile(r"^(?P<login>[^_]+)_(?P<late>LATE_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
# "Download submissions in folders" off: flat files, the same prefix then the file's own name
MOODLE_FILE = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")  # then one column per assignment
MOODLE_COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                  "Last modified (submission)", "Last modified (grade)", "Feedback comments")
RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")


@dataclass
class Entry:
    """One file of the export: graded, or skipped with the reason (`status`)."""

    source: str  # its name in the export, as the instructor sees it
    path: Path | None  # where it is on disk (None: it was never extracted)
    student: str = ""
    exercise: str = ""  # the exercise its name gives ("" if none)
    ids: dict = field(default_factory=dict)  # the LMS's identity: canvas login/user_id/submission_id, moodle participant
    order: tuple = ()  # of two entries for one student and exercise, the larger is newer
    status: str = ""  # "" = graded; otherwise why not

    @property
    def name(self) -> str:
        return self.exercise or (self.path.stem if self.path else PurePosixPath(self.source).stem)


@dataclass
class Export:
    kind: str
    root: Path  # the folder read (the extracted copy of a zip)
    entries: list[Entry]

    @property
    def graded(self) -> list[Entry]:
        return [e for e in self.entries if not e.status]


def exercise_from(file_stem: str) -> tuple[str, int]:
    """The exercise a submitted file's name gives, and its resubmission number (`cs-sql-2` -> cs-sql, 2)."""
    if find_exercise(file_stem) is not None:
        return find_exercise(file_stem).name, 0
    match = RESUBMISSION.match(file_stem)
    if match and find_exercise(match["stem"]) is not None:
        return find_exercise(match["stem"]).name, int(match["n"])
    return "", 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and ".git" not in p.parts)


def _others(folder: Path) -> list[Path]:
    """Files that are not notebooks (a PDF, a stray script): listed as skipped."""
    return sorted(p for p in folder.rglob("*") if (p.is_file() or p.is_symlink()) and p.suffix != ".ipynb"
                  and ".git" not in p.parts and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))


def _not_a_notebook(root: Path, path: Path, student: str = "") -> Entry:
    return Entry(str(path.relative_to(root)), path, student=student,
                 status=f"skipped: not a notebook ({path.suffix or 'no extension'}); submit the .ipynb file")


# -- reading each kind ------------------------------------------------------------------------


def read_course(root: Path) -> list[Entry]:
    entries = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in _notebooks(folder):
            entries.append(Entry(str(path.relative_to(root)), path, student=folder.name,
                                 exercise=exercise_from(path.stem)[0], order=(_mtime(path),)))
        entries += [_not_a_notebook(root, p, folder.name) for p in _others(folder)]
    return entries


def read_nbgrader(root: Path) -> list[Entry]:
    base = root / "submitted" if (root / "submitted").is_dir() else root
    entries = [e for e in read_course(base) if e.source.rsplit("/", 1)[-1] != "timestamp.txt"]  # nbgrader's own
    for entry in entries:
        entry.source = str(Path(entry.source)) if base == root else f"submitted/{entry.source}"
    return entries


def read_canvas(root: Path) -> list[Entry]:
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = str(path.relative_to(root))
        if path.name.startswith("."):
            continue
        match = CANVAS_NAME.match(path.name)
        if not match:
            entries.append(Entry(rel, path, status="skipped: not named as Canvas names submissions "
                                                    "(<login>_<userid>_<submissionid>_<file>)"))
            continue
        if path.suffix != ".ipynb":
            entries.append(_not_a_notebook(root, path, f"{match['login']}_{match['uid']}"))
            continue
        exercise, resubmission = exercise_from(Path(match["file"]).stem)
        ids = dict(login=match["login"], user_id=match["uid"], submission_id=match["sid"],
                   late=bool(match["late"]), file=match["file"])
        entries.append(Entry(rel, path, student=f"{match['login']}_{match['uid']}", exercise=exercise, ids=ids,
                             order=(resubmission, _mtime(path), int(match["sid"]))))
    return entries


def read_moodle(root: Path) -> list[Entry]:
    entries = []
    for folder in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        match = MOODLE_FOLDER.match(folder.name) if folder.is_dir() else None
        flat = MOODLE_FILE.match(folder.name) if not folder.is_dir() else None
        if flat:
            student = f"{flat['name']}_{flat['pid']}"
            ids = dict(full_name=flat["name"], participant=flat["pid"])
            if folder.suffix != ".ipynb":
                entries.append(_not_a_notebook(root, folder, student))
            else:
                entries.append(Entry(folder.name, folder, student=student, ids=ids, order=(_mtime(folder),),
                                     exercise=exercise_from(Path(flat["file"]).stem)[0]))
            continue
        if not match:
            entries.append(Entry(folder.name, folder, status="skipped: not a Moodle participant folder "
                                                              "(<Full name>_<id>_assignsubmission_file_)"))
            continue
        student = f"{match['name']}_{match['pid']}"
        ids = dict(full_name=match["name"], participant=match["pid"])
        for path in _notebooks(folder):
            entries.append(Entry(str(path.relative_to(root)), path, student=student, ids=ids,
                                 exercise=exercise_from(path.stem)[0], order=(_mtime(path),)))
        entries += [_not_a_notebook(root, p, student) for p in _others(folder)]
    return entries


def read_classroom(root: Path) -> list[Entry]:
    repos = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    prefix = os.path.commonprefix([r.name for r in repos]) if len(repos) > 1 else ""
    prefix = prefix[: prefix.rfind("-") + 1]  # `week1-ana`, `week1-ben` -> `week1-`
    entries = []
    for repo in repos:
        student = repo.name[len(prefix):] or repo.name
        for path in _notebooks(repo):
            exercise = exercise_from(path.stem)[0]
            rel = str(path.relative_to(root))
            if not exercise:  # a scratch notebook: listed, not graded
                entries.append(Entry(rel, path, student=student, status="skipped: not named for a course exercise"))
                continue
            entries.append(Entry(rel, path, student=student, exercise=exercise, ids=dict(github=student),
                                 order=(_mtime(path),)))
    return entries


READERS = dict(course=read_course, nbgrader=read_nbgrader, canvas=read_canvas, moodle=read_moodle,
               classroom=read_classroom)


def detect(root: Path) -> str:
    """The kind of export a folder holds, from its names alone."""
    if (root / "submitted").is_dir() or root.name == "submitted":
        return "nbgrader"
    top = [p for p in root.iterdir() if not p.name.startswith(".")]
    files, folders = [p for p in top if p.is_file()], [p for p in top if p.is_dir()]
    if any(MOODLE_FILE.match(p.name) for p in files):
        return "moodle"
    if any(CANVAS_NAME.match(p.name) for p in files):
        return "canvas"
    if folders and sum(bool(MOODLE_FOLDER.match(p.name)) for p in folders) * 2 > len(folders):
        return "moodle"
    if any((p / ".git").exists() for p in folders):
        return "classroom"
    if folders:
        return "course"
    raise CourseError(f"{root} holds no student folders and no files named as Canvas names them: "
                      f"name the layout with --from ({', '.join(LAYOUTS)})")


def keep_newest(entries: list[Entry]) -> list[str]:
    """Of two or more entries for one student and exercise, grade the newest; say so for each other one."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        if not entry.status and entry.exercise:
            groups.setdefault((entry.student, entry.exercise), []).append(entry)
    notes = []
    for (student, exercise), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        newest = max(group, key=lambda e: (e.order, e.source))
        for entry in group:
            if entry is not newest:
                entry.status = f"superseded: {newest.source} is newer (same student and exercise)"
        notes.append(f"{student} · {exercise}: {len(group)} files, graded the newest ({newest.source})")
    return notes


# -- zip exports -------------------------------------------------------------------------------


def _safe_member(name: str) -> PurePosixPath | None:
    """The member's path inside the export, or None if it would land outside it."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name) or any(part == ".." for part in path.parts):
        return None
    return PurePosixPath(*[p for p in path.parts if p not in ("", ".")])


def extract(archive: Path, dest: Path) -> list[Entry]:
    """Extract the notebooks of a zip export into `dest` (inside OUT); what is not extracted is listed."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CourseError(f"{archive} is not a readable zip file ({exc}): download the export again") from None
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    skipped, total = [], 0
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            rel = _safe_member(info.filename)
            if rel is None or not rel.parts:
                skipped.append(Entry(info.filename, None, status="skipped: its path leads outside the export "
                                                                   "(not extracted)"))
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                skipped.append(Entry(info.filename, None, status="skipped: a symbolic link, not a file"))
                continue
            if rel.name.startswith(".") or rel.parts[0] == "__MACOSX":
                continue
            if rel.suffix != ".ipynb":  # listed by the reader as not a notebook, without its bytes
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
                continue
            if info.file_size > MAX_SUBMISSION_BYTES or total + info.file_size > MAX_EXPORT_BYTES:
                skipped.append(Entry(info.filename, None, status=f"skipped: {info.file_size / 2**20:.0f} MB, over "
                                     f"the {MAX_SUBMISSION_BYTES / 2**20:.0f} MB limit (not extracted)"))
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "xb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            except FileExistsError:
                skipped.append(Entry(info.filename, None, status="skipped: the zip holds this name twice"))
                continue
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                target.unlink(missing_ok=True)
                skipped.append(Entry(info.filename, None, status=f"skipped: damaged in the zip ({exc})"))
                continue
            total += info.file_size
            stamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(target, (stamp, stamp))  # newest-wins compares the dates the LMS gave
    return skipped


def read_export(source: Path, out_dir: Path, kind: str = "auto") -> Export:
    """Every file of an export (folder or zip), each with its student and exercise or a reason it is skipped."""
    if not source.exists():
        raise CourseError(f"{source} does not exist")
    skipped: list[Entry] = []
    root = source
    if source.is_file():
        if source.suffix.lower() != ".zip":
            raise CourseError(f"{source} is a file: give the export's folder or its .zip")
        root = out_dir / EXPORT_DIR / source.stem
        skipped = extract(source, root)
        inner = [p for p in root.iterdir() if not p.name.startswith(".")]
        named = (CANVAS_NAME, MOODLE_FILE)
        if len(inner) == 1 and inner[0].is_dir() and not MOODLE_FOLDER.match(inner[0].name) and any(
                p.is_dir() or any(r.match(p.name) for r in named) for p in inner[0].iterdir()):
            root = inner[0]  # a zip of the export's folder, not of one student's
    if kind == "auto":
        kind = detect(root)
    if kind not in READERS:
        raise CourseError(f"--from {kind!r}: choose one of {', '.join(LAYOUTS)}")
    entries = READERS[kind](root)  # a symbolic link in a folder is graded: its row says it is refused
    return Export(kind, root, skipped + entries)


def intake_csv(export: Export) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "student", "exercise", "status"])
    for entry in sorted(export.entries, key=lambda e: e.source):
        writer.writerow([entry.source, entry.student, entry.exercise, entry.status or "graded"])
    return buf.getvalue()


# -- gradebooks --------------------------------------------------------------------------------


def check_gradebook(kind: str | None, export: Export) -> None:
    """Fail before grading if the gradebook asked for cannot be written from this export."""
    if kind in (None, "csv"):
        return
    if kind not in GRADEBOOKS:
        raise CourseError(f"--gradebook {kind!r}: choose one of {', '.join(GRADEBOOKS)}")
    if kind != export.kind:
        raise CourseError(f"--gradebook {kind} needs a {kind.capitalize()} export: the student ids it imports by "
                          f"come from the export's names, and this is a {export.kind} export "
                          "(--gradebook csv works for any)")


@dataclass
class Result:
    """One graded entry: what the gradebooks and the summary are made of."""

    entry: Entry
    exercise: str  # the exercise's name as graded
    score: float
    max_score: float
    error: str
    flags: list[str]
    failed: list[str]  # tasks that did not pass


def _feedback_comment(result: Result) -> str:
    text = f"{result.score:g}/{result.max_score:g}"
    if result.failed:
        text += "; not passing yet: " + ", ".join(result.failed)
    if result.error:
        text += f"; {result.error}"
    return text


def gradebook(kind: str, results: list[Result], assignment: str | None = None) -> dict[str, str]:
    """File name -> CSV text of what the LMS imports."""
    exercises = sorted({r.exercise for r in results})
    if assignment and len(exercises) > 1:
        raise CourseError(f"--assignment names one gradebook column, but this export holds {len(exercises)} "
                          f"exercises ({', '.join(exercises)})")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if kind == "csv":
        writer.writerow(["student", "exercise", "score", "max", "percent", "late", "flagged", "error"])
        for r in sorted(results, key=lambda r: (r.entry.student, r.exercise)):
            percent = 100 * r.score / r.max_score if r.max_score else 0
            writer.writerow([r.entry.student, r.exercise, f"{r.score:g}", f"{r.max_score:g}", f"{percent:.1f}",
                             "yes" if r.entry.ids.get("late") else "", "; ".join(r.flags), r.error])
        return {"gradebook.csv": buf.getvalue()}
    if kind == "canvas":
        # Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
        # assignment, "Name (assignment id)" to match an existing one; the Points Possible row is as Canvas exports it.
        columns = [assignment] if assignment else exercises
        writer.writerow([*CANVAS_COLUMNS, *columns])
        maxima = {r.exercise: r.max_score for r in results}
        writer.writerow(["    Points Possible", "", "", "", "", *(f"{maxima[e]:g}" for e in exercises)])
        students: dict[str, dict] = {}
        for r in results:
            row = students.setdefault(r.entry.ids["user_id"], dict(login=r.entry.ids["login"], scores={}))
            row["scores"][r.exercise] = f"{r.score:g}"
        for uid, row in sorted(students.items(), key=lambda kv: kv[1]["login"]):
            writer.writerow([row["login"], uid, "", "", "", *(row["scores"].get(e, "") for e in exercises)])
        return {"canvas-gradebook.csv": buf.getvalue()}
    if kind == "moodle":
        # Moodle's assignment "offline grading worksheet": one file per assignment, matched by Identifier.
        files = {}
        for exercise in exercises:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            # The worksheet's columns as Moodle writes them; its upload matches rows by Identifier ("Participant
            # <id>", the id in the participant's folder name) and reads Grade and Feedback comments.
            writer.writerow(MOODLE_COLUMNS)
            for r in sorted((r for r in results if r.exercise == exercise), key=lambda r: r.entry.ids["full_name"]):
                writer.writerow([f"Participant {r.entry.ids['participant']}", r.entry.ids["full_name"], "",
                                 "Submitted for grading", f"{r.score:.2f}", f"{r.max_score:.2f}", "Yes", "", "",
                                 _feedback_comment(r)])
            files[f"moodle-grades-{exercise}.csv"] = buf.getvalue()
        return files
    raise CourseError(f"--gradebook {kind!r}: choose one of {', '.join(GRADEBOOKS)}")


def feedback_name(kind: str, result: Result) -> str:
    """The feedback page's name in feedback.zip, as the LMS matches it back to the student."""
    ids = result.entry.ids
    if kind == "canvas":  # Canvas's bulk upload of comments reads <login>_<userid>_<submissionid>_ from the name
        return f"{ids['login']}_{ids['user_id']}_{ids['submission_id']}_{result.exercise}-feedback.html"
    if kind == "moodle":  # Moodle's "upload multiple feedback files in a zip" reads the participant folder
        return f"{ids['full_name']}_{ids['participant']}_assignsubmission_file_/{result.exercise}-feedback.html"
    return f"{result.entry.student}/{result.entry.name}.html"


def feedback_zip(kind: str, results: list[Result], feedback_dir: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for r in sorted(results, key=lambda r: feedback_name(kind, r)):
            page = feedback_dir / r.entry.student / f"{r.entry.name}.html"
            if page.exists():
                zf.writestr(feedback_name(kind, r), page.read_bytes())
    return buf.getvalue()


# -- the summary -------------------------------------------------------------------------------


def _svg(fig) -> str:  # noqa: ANN001 - a matplotlib Figure
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()[buf.getvalue().find("<svg"):]


def _plots(results: list[Result]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    percents = [100 * r.score / r.max_score if r.max_score else 0 for r in results]
    failed: dict[str, int] = {}
    for r in results:
        for task in r.failed:
            failed[task] = failed.get(task, 0) + 1
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.8), layout="constrained")
    axes[0].hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01], color="#4c72b0", edgecolor="white")
    axes[0].set(title="Scores", xlabel="% of the points", ylabel="submissions", xlim=(0, 100))
    axes[0].yaxis.get_major_locator().set_params(integer=True)
    worst = sorted(failed.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    if worst:
        axes[1].barh([t for t, _ in worst][::-1], [100 * n / len(results) for _, n in worst][::-1], color="#dd8452")
        axes[1].set(title="Tasks most often failed", xlabel="% of submissions failing", xlim=(0, 100))
    else:
        axes[1].axis("off")
        axes[1].text(0.5, 0.5, "every task passed in every submission", ha="center", va="center")
    svg = _svg(fig)
    plt.close(fig)
    return svg


def summary_html(kind: str, results: list[Result], notes: list[str]) -> str:
    """One section per exercise: the distribution, the tasks most often failed, what was flagged."""
    esc = html.escape
    sections = []
    for exercise in sorted({r.exercise for r in results}):
        rs = [r for r in results if r.exercise == exercise]
        percents = [100 * r.score / r.max_score if r.max_score else 0 for r in rs]
        failed: dict[str, int] = {}
        for r in rs:
            for task in r.failed:
                failed[task] = failed.get(task, 0) + 1
        rows = "".join(f"<tr><td>{esc(t)}</td><td>{n} of {len(rs)}</td></tr>"
                       for t, n in sorted(failed.items(), key=lambda kv: (-kv[1], kv[0])))
        flagged = "".join(f"<li>{esc(r.entry.student)}: {esc('; '.join(r.flags))}</li>" for r in rs if r.flags)
        errors = "".join(f"<li>{esc(r.entry.student)}: {esc(r.error)}</li>" for r in rs if r.error)
        sections.append(
            f"<section><h2>{esc(exercise)}</h2><p>{len(rs)} submissions · median {statistics.median(percents):.0f}% "
            f"· mean {statistics.fmean(percents):.0f}% · full marks {sum(p >= 100 for p in percents)}</p>"
            f"<div class='plots'>{_plots(rs)}</div>"
            f"<h3>Tasks failed</h3><table><tr><th>Task</th><th>Submissions failing</th></tr>"
            f"{rows or '<tr><td colspan=2>none</td></tr>'}</table>"
            f"<h3>Flagged for review</h3>{f'<ul>{flagged}</ul>' if flagged else '<p>none</p>'}"
            f"{f'<h3>Could not be graded</h3><ul>{errors}</ul>' if errors else ''}</section>")
    intake = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grading summary</title>
<style>body{{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}
.plots svg{{max-width:100%;height:auto}}</style></head>
<body><h1>Grading summary</h1><p>{len(results)} submissions graded from a {esc(kind)} export.</p>
{f"<h2>Intake</h2><ul>{intake}</ul>" if intake else ""}
{"".join(sections)}
</body></html>
"""
