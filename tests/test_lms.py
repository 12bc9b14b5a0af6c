"""`course grade` on the exports instructors get from an LMS, and the files it writes for the LMS to import.

Every export here is a small fixture written by the test (no real student data), named the way each
system names its downloads: Canvas's flat `<login>_[LATE_]<userid>_<submissionid>_<file>` files, Moodle's
`<Full name>_<id>_assignsubmission_file_/` folders, GitHub Classroom's `<assignment>-<username>/`
repositories, nbgrader's `submitted/<student>/<assignment>/`. The gradebooks are checked against the
columns each LMS documents for its import, written out here rather than taken from autograder.lms.
"""

from __future__ import annotations

import csv
import html
import os
import re
import stat
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import lms
from autograder.paths import CourseError
from helpers import write_nb
from test_cli import course, digest
from test_leaks import secret_lines

EX = "cs-data-structures"  # 4 tasks of 2 points (conftest.EXERCISE)
CANVAS_FIRST = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]  # Canvas gradebook import, then assignments
MOODLE_WORKSHEET = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                    "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def nb_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def tree(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under root (but `skip`), with its digest: what must not change."""
    return {str(p.relative_to(root)): digest(p) if p.is_file() else "dir" for p in sorted(root.rglob("*"))
            if skip is None or (p != skip and skip not in p.parents)}


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


def totals(out: Path) -> dict[str, float]:
    total: dict[str, float] = {}
    for row in rows(out / "grades.csv"):
        total[row["student"]] = total.get(row["student"], 0) + float(row["score"])
    return total


def intake(out: Path) -> dict[str, str]:
    return {row["file"]: row["status"] for row in rows(out / "intake.csv")}


def assert_feedback_is_safe(out: Path, exercise, names: set[str]) -> None:
    """feedback.zip holds exactly `names`, each an HTML page with no test code the learner did not see."""
    secrets = secret_lines(exercise)
    with zipfile.ZipFile(out / "feedback.zip") as zf:
        assert set(zf.namelist()) == names
        for name in zf.namelist():
            page = zf.read(name).decode("utf-8")
            assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:500], name
            text = html.unescape(page)
            assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text, name
            shown = [line for line in secrets if line in text]
            assert not shown, f"{name} shows hidden test or solution code: {shown[:3]}"


def assert_summary(out: Path, graded: int) -> None:
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 1 and f"{graded} submissions graded" in page
    assert "Tasks failed" in page and "Flagged for review" in page


def grade_export(tmp_path: Path, export: Path, *args, out: Path | None = None):
    """`course grade EXPORT ARGS -j 2`, which must succeed and write nothing outside its output folder."""
    flags = ["-o", out] if out else []
    out = out or export.with_name((export.stem if export.suffix == ".zip" else export.name) + "-graded")
    before = tree(tmp_path)
    result = course("grade", export, *args, *flags, "-j", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(tmp_path, skip=out) == before, "nothing outside the output folder changes"
    return result, out


# -- fixtures: one export of each kind ---------------------------------------------------------------------


def canvas_zip(path: Path, solved_nb, released_nb, outside: Path) -> Path:
    """A Canvas "Download Submissions" zip, with what real ones hold and what a hostile one might."""
    stamp_old, stamp_new = (2026, 11, 30, 9, 0, 0), (2026, 12, 1, 18, 30, 0)

    def add(zf, name, data, date=stamp_old, mode=0o100644):
        info = zipfile.ZipInfo(name, date_time=date)
        info.external_attr = mode << 16
        zf.writestr(info, data)

    with zipfile.ZipFile(path, "w") as zf:
        add(zf, f"kimana_12345_900001_{EX}.ipynb", nb_bytes(solved_nb))
        add(zf, f"leeben_LATE_22222_900002_{EX}.ipynb", nb_bytes(released_nb))
        add(zf, f"parkcho_44444_900003_{EX}.ipynb", nb_bytes(released_nb))  # first try ...
        add(zf, f"parkcho_44444_900004_{EX}-1.ipynb", nb_bytes(solved_nb), stamp_new)  # ... and the resubmission
        add(zf, "choidan_66666_900005_notes.txt", b"my answers are in the notebook")
        add(zf, f"kangeve_88888_900006_{EX}.ipynb", b"")  # an empty file
        add(zf, "README.txt", b"exported by Canvas")
        add(zf, f"../../../../{outside.name}", nb_bytes(solved_nb))  # zip-slip
        add(zf, str(outside), nb_bytes(solved_nb))  # an absolute path
        add(zf, f"hanfay_77777_900007_{EX}.ipynb", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)  # a link
    return path


def moodle_folder(root: Path, solved_nb, released_nb) -> Path:
    ana = root / "Ana Kim_101_assignsubmission_file_"
    ben = root / "Ben Lee_102_assignsubmission_file_"
    write_nb(ana / f"{EX}.ipynb", solved_nb)
    write_nb(ben / "old" / f"{EX}.ipynb", solved_nb)  # two files for Ben: the newer is graded
    write_nb(ben / f"{EX}.ipynb", released_nb)
    os.utime(ben / "old" / f"{EX}.ipynb", (1_700_000_000, 1_700_000_000))
    (ben / "report.pdf").write_bytes(b"%PDF-1.4")
    text = root / "Cho Park_103_assignsubmission_onlinetext_"
    text.mkdir()
    (text / "onlinetext.html").write_text("<p>see attached</p>", encoding="utf-8")
    return root


def classroom_folder(root: Path, solved_nb, released_nb) -> Path:
    for user, nb, where in (("anakim", solved_nb, "notebooks"), ("benlee", released_nb, "")):
        repo = root / f"ds-lab-{user}"
        (repo / ".git").mkdir(parents=True)
        (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
        write_nb(repo / where / f"{EX}.ipynb", nb)
    write_nb(root / "ds-lab-benlee" / "scratch.ipynb", released_nb)  # not an exercise: listed, not graded
    return root


def nbgrader_folder(root: Path, solved_nb, released_nb) -> Path:
    for student, nb in (("ana", solved_nb), ("ben", released_nb)):
        folder = root / "submitted" / student / "ps1"
        write_nb(folder / f"{EX}.ipynb", nb)
        (folder / "timestamp.txt").write_text("2026-12-01 09:00:00.000000 UTC", encoding="utf-8")
    return root


# -- reading exports (no grading) ----------------------------------------------------------------------------


def test_each_export_kind_is_detected_from_its_names(tmp_path, solved_nb, released_nb):
    assert lms.detect(moodle_folder(tmp_path / "moodle", solved_nb, released_nb)) == "moodle"
    assert lms.detect(classroom_folder(tmp_path / "classroom", solved_nb, released_nb)) == "classroom"
    assert lms.detect(nbgrader_folder(tmp_path / "course-dir", solved_nb, released_nb)) == "nbgrader"
    assert lms.detect(tmp_path / "course-dir" / "submitted") == "nbgrader"
    write_nb(tmp_path / "flat" / f"kimana_12345_900001_{EX}.ipynb", solved_nb)
    assert lms.detect(tmp_path / "flat") == "canvas"
    write_nb(tmp_path / "plain" / "ana" / f"{EX}.ipynb", solved_nb)
    assert lms.detect(tmp_path / "plain") == "course"
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "ana.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(CourseError, match="--from"):
        lms.detect(tmp_path / "loose")


def test_moodle_downloaded_without_folders_is_read_too(tmp_path, solved_nb, released_nb):
    flat = tmp_path / "flat-moodle"
    write_nb(flat / f"Ana Kim_101_assignsubmission_file_{EX}.ipynb", solved_nb)
    write_nb(flat / f"Ben Lee_102_assignsubmission_file_{EX}-2.ipynb", released_nb)
    (flat / "Cho Park_103_assignsubmission_onlinetext_onlinetext.html").write_text("<p>hi</p>", encoding="utf-8")
    assert lms.detect(flat) == "moodle"
    export = lms.read_export(flat, tmp_path / "out")
    graded = {(e.student, e.exercise, e.ids["participant"]) for e in export.graded}
    assert graded == {("Ana Kim_101", EX, "101"), ("Ben Lee_102", EX, "102")}
    skipped = [e for e in export.entries if e.status]
    assert [(e.student, "not a notebook" in e.status) for e in skipped] == [("Cho Park_103", True)]

    archive = tmp_path / "moodle.zip"  # the same, zipped inside the folder it was saved in
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(flat.iterdir()):
            zf.write(path, f"flat-moodle/{path.name}")
    export = lms.read_export(archive, tmp_path / "out2")
    assert export.kind == "moodle" and {e.student for e in export.graded} == {"Ana Kim_101", "Ben Lee_102"}


def test_exercise_and_resubmission_come_from_the_file_name():
    assert lms.exercise_from(EX) == (EX, 0)
    assert lms.exercise_from(f"{EX}-1") == (EX, 1)
    assert lms.exercise_from(f"{EX}-12") == (EX, 12)
    assert lms.exercise_from("notes") == ("", 0)
    assert lms.exercise_from("my-lab-3") == ("", 0)


def test_a_canvas_zip_is_read_safely(tmp_path, solved_nb, released_nb):
    outside = tmp_path / "planted.ipynb"
    archive = canvas_zip(tmp_path / "submissions.zip", solved_nb, released_nb, outside)
    out = tmp_path / "out"
    out.mkdir()
    before = tree(tmp_path, skip=out)
    export = lms.read_export(archive, out)
    notes = lms.keep_newest(export.entries)
    assert export.kind == "canvas"
    assert tree(tmp_path, skip=out) == before, "reading a zip writes nothing outside the output folder"
    assert not outside.exists() and not list(tmp_path.rglob("planted.ipynb"))
    status = {e.source: e.status for e in export.entries}
    assert status[f"kimana_12345_900001_{EX}.ipynb"] == ""
    assert status[f"parkcho_44444_900004_{EX}-1.ipynb"] == ""
    assert status[f"parkcho_44444_900003_{EX}.ipynb"].startswith("superseded")
    assert "not a notebook" in status["choidan_66666_900005_notes.txt"]
    assert "not named as Canvas names" in status["README.txt"]
    assert "leads outside" in status[f"../../../../{outside.name}"]
    assert "leads outside" in status[str(outside)]
    assert "symbolic link" in status[f"hanfay_77777_900007_{EX}.ipynb"]
    assert status[f"kangeve_88888_900006_{EX}.ipynb"] == ""  # graded: its row says why it scores 0
    assert notes == [f"parkcho_44444 · {EX}: 2 files, graded the newest (parkcho_44444_900004_{EX}-1.ipynb)"]
    late = next(e for e in export.entries if e.student == "leeben_22222")
    assert late.ids["late"] is True and late.ids["user_id"] == "22222" and late.exercise == EX
    assert all(out.resolve() in p.resolve().parents for p in out.rglob("*")), "everything extracted stays in OUT"


def test_a_zip_that_is_not_one_is_a_clear_error(tmp_path):
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"PK\x03\x04 this was cut off")
    result = course("grade", bad)
    assert result.returncode == 2, result.stdout
    assert "not a readable zip file" in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"], "a failed start leaves nothing behind"


def test_a_gradebook_the_export_cannot_feed_stops_before_grading(tmp_path, solved_nb, released_nb):
    moodle = moodle_folder(tmp_path / "moodle", solved_nb, released_nb)
    result = course("grade", moodle, "--gradebook", "canvas")
    assert result.returncode == 2
    assert "needs a Canvas export" in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "moodle-graded" / "grades.csv").exists()


def test_the_output_folder_may_not_be_inside_the_export(tmp_path, solved_nb, released_nb):
    moodle = moodle_folder(tmp_path / "moodle", solved_nb, released_nb)
    result = course("grade", moodle, "-o", moodle / "graded")
    assert result.returncode == 2 and "inside the submissions" in result.stdout
    assert not (moodle / "graded").exists()


# -- grading each kind end to end -----------------------------------------------------------------------


def test_canvas_zip_end_to_end(tmp_path, exercise, solved_nb, released_nb):
    outside = tmp_path / "planted.ipynb"
    archive = canvas_zip(tmp_path / "submissions.zip", solved_nb, released_nb, outside)
    column = "Data structures (4242)"
    result, out = grade_export(tmp_path, archive, "--gradebook", "canvas", "--assignment", column)
    assert not outside.exists()
    assert "Read" in result.stdout and "canvas export" in result.stdout and "skipped" in result.stdout
    assert "leads outside the export" in result.stdout  # every skipped file says why, on screen too

    assert totals(out) == {"kimana_12345": 8, "leeben_22222": 0, "parkcho_44444": 8, "kangeve_88888": 0}
    empty = [r for r in rows(out / "grades.csv") if r["student"] == "kangeve_88888"]
    assert empty[0]["error"], "an empty notebook gets a row that says why"

    with (out / "canvas-gradebook.csv").open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == [*CANVAS_FIRST, column]
    assert table[1][0].strip() == "Points Possible" and table[1][5] == "8"
    students = {row[1]: row for row in table[2:]}
    assert set(students) == {"12345", "22222", "44444", "88888"}  # Canvas matches rows by user ID
    assert all(re.fullmatch(r"\d+", uid) for uid in students)
    assert {uid: float(row[5]) for uid, row in students.items()} == {"12345": 8, "22222": 0, "44444": 8, "88888": 0}
    assert all(len(row) == len(table[0]) for row in table)

    files = intake(out)
    assert files[f"parkcho_44444_900003_{EX}.ipynb"].startswith("superseded")
    assert files["README.txt"].startswith("skipped") and files["choidan_66666_900005_notes.txt"].startswith("skipped")
    assert files[f"hanfay_77777_900007_{EX}.ipynb"].startswith("skipped")

    names = {f"kimana_12345_900001_{EX}-feedback.html", f"leeben_22222_900002_{EX}-feedback.html",
             f"parkcho_44444_900004_{EX}-feedback.html", f"kangeve_88888_900006_{EX}-feedback.html"}
    assert_feedback_is_safe(out, exercise, names)
    assert_summary(out, 4)


def test_moodle_folder_end_to_end(tmp_path, exercise, solved_nb, released_nb):
    moodle = moodle_folder(tmp_path / "moodle", solved_nb, released_nb)
    result, out = grade_export(tmp_path, moodle, "--gradebook", "moodle")
    assert "two or more files" in result.stdout
    assert totals(out) == {"Ana Kim_101": 8, "Ben Lee_102": 0}  # Ben's newer file is the blank one

    sheet = out / f"moodle-grades-{EX}.csv"
    with sheet.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == MOODLE_WORKSHEET
    by_id = {row[0]: dict(zip(MOODLE_WORKSHEET, row)) for row in table[1:]}
    assert set(by_id) == {"Participant 101", "Participant 102"}
    assert by_id["Participant 101"]["Grade"] == "8.00" and by_id["Participant 101"]["Maximum Grade"] == "8.00"
    assert by_id["Participant 102"]["Grade"] == "0.00" and "lru_tests" in by_id["Participant 102"]["Feedback comments"]

    files = intake(out)
    assert files[f"Ben Lee_102_assignsubmission_file_/old/{EX}.ipynb"].startswith("superseded")
    assert "not a notebook" in files["Ben Lee_102_assignsubmission_file_/report.pdf"]
    assert "not a notebook" in files["Cho Park_103_assignsubmission_onlinetext_/onlinetext.html"]
    names = {f"Ana Kim_101_assignsubmission_file_/{EX}-feedback.html",
             f"Ben Lee_102_assignsubmission_file_/{EX}-feedback.html"}
    assert_feedback_is_safe(out, exercise, names)
    assert_summary(out, 2)


def test_classroom_repositories_end_to_end(tmp_path, exercise, solved_nb, released_nb):
    repos = classroom_folder(tmp_path / "ds-lab-submissions", solved_nb, released_nb)
    result, out = grade_export(tmp_path, repos, "--gradebook", "csv")
    assert totals(out) == {"anakim": 8, "benlee": 0}  # the username after the assignment's prefix
    assert "not named for a course exercise" in intake(out)["ds-lab-benlee/scratch.ipynb"]
    assert not any(".git" in name for name in intake(out))
    book = rows(out / "gradebook.csv")
    assert [(r["student"], r["exercise"], r["score"], r["max"], r["percent"]) for r in book] == [
        ("anakim", EX, "8", "8", "100.0"), ("benlee", EX, "0", "8", "0.0")]
    assert_feedback_is_safe(out, exercise, {f"anakim/{EX}.html", f"benlee/{EX}.html"})
    assert_summary(out, 2)


def test_nbgrader_submitted_end_to_end(tmp_path, exercise, solved_nb, released_nb):
    course_dir = nbgrader_folder(tmp_path / "course-dir", solved_nb, released_nb)
    result, out = grade_export(tmp_path, course_dir, out=tmp_path / "graded")
    assert totals(out) == {"ana": 8, "ben": 0}
    assert "0 file(s) skipped" in result.stdout  # nbgrader's own timestamp.txt is not a submission
    assert_feedback_is_safe(out, exercise, {f"ana/{EX}.html", f"ben/{EX}.html"})
    assert_summary(out, 2)
