"""The run cache: a hit only when everything a run depends on is the same; a corrupt entry is a miss."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder import runcache, sandbox, verify
from autograder.paths import Exercise, repo_root

LIMITS = dict(cell_timeout=30, total_timeout=120, memory_mb=4096, sandboxed=False)


def notebook(*sources: str, markdown: str = "# a page") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def key(nb, **changes):
    return runcache.key(nb, **{**LIMITS, **changes}, env={"LANG": "C.UTF-8"})


def test_a_run_is_stored_then_reused_and_counted(tmp_path):
    cache = runcache.RunCache(tmp_path)
    nb = notebook("x = 1 + 1", "assert x == 2")
    first = sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=cache)
    assert not first.cached and first.finished and [o.status for o in first.cells.values()] == ["ok", "ok"]
    second = sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=cache)
    assert second.cached and second.cells == first.cells and second.seconds == pytest.approx(first.seconds, abs=1e-3)
    assert (cache.hits, cache.misses) == (1, 1)


def test_fresh_runs_again_and_stores_what_it_ran(tmp_path):
    nb = notebook("x = 1 + 1")
    sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=runcache.RunCache(tmp_path))
    fresh = runcache.RunCache(tmp_path, read=False)
    again = sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=fresh)
    assert not again.cached and (fresh.hits, fresh.misses) == (0, 1), "--fresh reuses nothing"
    warm = runcache.RunCache(tmp_path)
    assert sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=warm).cached
    assert warm.hits == 1, "... and the next plain run reuses what --fresh stored"


def test_each_kind_of_change_is_a_miss(monkeypatch):
    nb = notebook("x = 1")
    base = key(nb)
    assert key(notebook("x = 1")) == base, "the same notebook, the same key"
    assert key(notebook("x = 2")) != base, "a code cell's source"
    tagged = notebook("x = 1")
    tagged.cells[1].metadata["tags"] = ["raises-exception"]
    assert key(tagged) != base, "a code cell's metadata"
    assert key(notebook("x = 1", markdown="# another title")) == base, "markdown text never runs"
    moved = notebook("x = 1")
    moved.cells.insert(0, nbformat.v4.new_markdown_cell("intro"))
    assert key(moved) != base, "outcomes are stored by cell index"
    for change in ({"cell_timeout": 31}, {"total_timeout": 121}, {"memory_mb": 1}, {"sandboxed": True},
                   {"hide": ("/srv",)}):
        assert key(nb, **change) != base, change
    assert runcache.key(nb, **LIMITS, env={"LANG": "ko_KR.UTF-8"}) != base, "the kernel's environment"
    monkeypatch.setattr(runcache, "runtime_fingerprint", lambda: "a changed grader or helper")
    assert key(nb) != base, "the grader, the helpers, the packages"


def test_data_changes_only_reach_notebooks_that_read_the_course(monkeypatch):
    plain, reader = notebook("x = 1"), notebook("from coursekit.rag import course_chunks")
    before = key(plain), key(reader)
    monkeypatch.setattr(runcache, "data_fingerprint", lambda: "a lesson page was edited")
    assert key(plain) == before[0]
    assert key(reader) != before[1]


def test_fingerprints_follow_the_files(tmp_path, monkeypatch):
    (tmp_path / "modules" / "01-x").mkdir(parents=True)
    page = tmp_path / "modules" / "01-x" / "page.md"
    page.write_text("one", encoding="utf-8")
    monkeypatch.setattr(runcache, "_root", lambda: tmp_path)
    runcache.data_fingerprint.cache_clear()
    try:
        first = runcache.data_fingerprint()
        page.write_text("two", encoding="utf-8")
        runcache.data_fingerprint.cache_clear()
        assert runcache.data_fingerprint() != first
    finally:
        runcache.data_fingerprint.cache_clear()


@pytest.mark.parametrize("damage", ["", "{not json", '{"format": 1}', "[1, 2]", "\x00\x01"])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(tmp_path, damage):
    cache = runcache.RunCache(tmp_path)
    nb = notebook("y = 3")
    k = runcache.key(nb, cell_timeout=30, total_timeout=120, memory_mb=6144, sandboxed=False,
                     env=sandbox.kernel_env())
    sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=cache)
    path = cache._path(k)
    assert path.exists()
    path.write_text(damage, encoding="utf-8")
    again = sandbox.run(nb, cell_timeout=30, total_timeout=120, sandbox=False, cache=cache)
    assert not again.cached and again.finished
    assert json.loads(path.read_text(encoding="utf-8"))["key"] == k, "a good entry took its place"
    assert not list(tmp_path.rglob(".tmp-*")), "no temporary files are left behind"


def test_only_clean_runs_are_stored(tmp_path):
    cache = runcache.RunCache(tmp_path)
    slow = notebook("import time\ntime.sleep(30)")
    result = sandbox.run(slow, cell_timeout=1, total_timeout=60, sandbox=False, cache=cache)
    assert result.cells[1].ename == "Timeout"
    assert not list(tmp_path.rglob("*.json")), "a timeout is not cached"
    failing = sandbox.run(notebook("raise ValueError('a real answer')"), cell_timeout=30, total_timeout=60,
                          sandbox=False, cache=cache)
    assert failing.cells[1].status == "error" and len(list(tmp_path.rglob("*.json"))) == 1, \
        "a cell that raises is a result like any other"


def test_changed_selection_maps_files_to_what_they_touch():
    exercises = [Exercise("01-cs-basics", "cs-sql"), Exercise("04-rag", "rag-hybrid")]
    pages = [repo_root() / "modules" / "01-cs-basics" / "sql.md", repo_root() / "modules" / "04-rag" / "chunking.md"]

    def pick(*files):
        ex, pg, _ = verify.changed_selection("HEAD", exercises, pages, files=list(files))
        return [e.name for e in ex], [p.stem for p in pg]

    assert pick("solutions/01-cs-basics/cs-sql.wrong.py") == (["cs-sql"], [])
    assert pick("exercises/01-cs-basics/cs-sql.ipynb") == (["cs-sql"], [])
    assert pick("README.md", "tests/test_cli.py") == ([], [])
    # a lesson page: that page, and what reads the corpus (rag-hybrid and the chunking page do)
    assert pick("modules/01-cs-basics/sql.md") == (["rag-hybrid"], ["sql", "chunking"])
    for machinery in ("autograder/grading.py", "coursekit/rag.py", "pyproject.toml"):
        assert pick(machinery) == (["cs-sql", "rag-hybrid"], ["sql", "chunking"])


def test_shards_cover_everything_once_and_balance_by_duration():
    exercises = [Exercise("m", f"e{i}") for i in range(6)]
    durations = {"m/e0:solution": 100.0, "m/e1:solution": 60.0, "m/e2:solution": 40.0,
                 "m/e3:solution": 30.0, "m/e4:solution": 20.0, "m/e5:solution": 10.0}
    shards = [verify.shard_selection(exercises, [], k, 2, durations)[0] for k in (1, 2)]
    assert sorted(e.name for s in shards for e in s) == [e.name for e in exercises]
    loads = [sum(durations[f"{e.key}:solution"] for e in s) for s in shards]
    assert abs(loads[0] - loads[1]) <= 20, loads
    assert shards == [verify.shard_selection(exercises, [], k, 2, durations)[0] for k in (1, 2)], "stable"
    for bad in ("0/2", "3/2", "1-2", "a/b"):
        with pytest.raises(verify.CourseError):
            verify.parse_shard(bad)


def test_a_wrong_run_stops_after_the_last_test_of_the_tasks_it_targets():
    from autograder.notebooks import grade_id, is_test
    from autograder.paths import find_exercise
    from autograder.notebooks import read_source

    source = read_source(find_exercise("cs-sql"))
    answers = [grade_id(c) for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [grade_id(c) for c in source.cells if is_test(c)]
    cut = verify.up_to_targets(source, {answers[1]: "pass\n"})
    assert grade_id(cut.cells[-1]) == tests[1], "ends with the targeted task's test cell"
    assert [grade_id(c) for c in cut.cells if is_test(c)] == tests[:2]
    whole = verify.up_to_targets(source, {answers[-1]: "pass\n"})
    assert len(whole.cells) <= len(source.cells) and [grade_id(c) for c in whole.cells if is_test(c)] == tests


def test_the_key_does_not_depend_on_how_the_course_command_was_started(monkeypatch):
    """`make test` puts the venv first on PATH, `.venv/bin/course verify` does not: same key."""
    import os
    import sys
    from pathlib import Path

    venv_bin = str(Path(sys.executable).parent)
    rest = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    nb = notebook("x = 1")
    keys = []
    for path in (rest, f"{venv_bin}{os.pathsep}{rest}"):
        monkeypatch.setenv("PATH", path)
        env = sandbox.kernel_env()
        assert env["PATH"].split(os.pathsep)[0] == venv_bin, "the venv's programs come first"
        keys.append(runcache.key(nb, **LIMITS, env=env))
    assert keys[0] == keys[1]
