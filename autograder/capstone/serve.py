"""`course capstone serve`: run a capstone app (yours or the reference) with the course loaded in it.

The app's files are extracted from the notebook's `%%writefile` cells into `<data-dir>/app/`,
the app starts on 127.0.0.1 with one API key, and every lesson page of the course is posted to it
(prose only; pages already there with the same text are skipped), with a progress bar. Then it
serves until you press Ctrl-C.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..paths import CourseError
from .app_files import extract, reference_notebook
from .server import AppDidNotStart, AppServer


def course_documents() -> list[dict]:
    from coursekit.corpus import lesson_pages, prose

    from .fixtures import doc_id

    docs = []
    for page in lesson_pages():
        text = prose(page.text).strip()
        if text:
            docs.append({"id": doc_id(page.doc_id), "text": text,
                         "metadata": {"module": page.doc_id.split("/")[0], "title": page.title}})
    return docs


def ingest(base_url: str, key: str, docs: list[dict], console: Console) -> tuple[int, int]:
    """Post the documents that are missing or changed; return (posted, chunks)."""
    headers = {"Authorization": f"Bearer {key}"}
    posted = chunks = 0
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client, Progress(*columns, console=console) as bar:
        task = bar.add_task("Loading the course into the app", total=len(docs))
        for doc in docs:
            current = client.get(f"/documents/{doc['id']}")
            if current.status_code == 200 and current.json().get("text") == doc["text"]:
                bar.advance(task)
                continue
            response = client.post("/documents", json=doc)
            if response.status_code != 201:
                hint = (" (the app has no working POST /documents yet: finish main.py, or use --no-course)"
                        if response.status_code in (404, 501) else "")
                raise CourseError(f"POST /documents {doc['id']!r} returned {response.status_code}{hint}: "
                                  f"{response.text[:300]}")
            posted += 1
            chunks += response.json().get("chunks", 0)
            bar.advance(task)
    return posted, chunks


def run(notebook: Path | None, *, port: int, data_dir: Path, key: str | None, load_course: bool, console: Console) -> int:
    source = notebook or reference_notebook()
    if not source.exists():
        raise CourseError(f"{source} does not exist")
    data_dir = data_dir.resolve()
    app_dir = data_dir / "app"
    try:
        files = extract(source, app_dir)
    except ValueError as exc:
        raise CourseError(str(exc)) from None
    (app_dir / "capstone_app" / "__init__.py").touch()
    key_file = data_dir / "api-key"  # the same key across restarts, so your scripts keep working
    if not key and key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
    if not key:
        key = "dev-" + secrets.token_hex(8)
        key_file.write_text(key + "\n", encoding="utf-8")
    console.print(f"App: {len(files)} files from {source} -> {app_dir / 'capstone_app'}", highlight=False)
    env = {"CAPSTONE_API_KEYS": f"{key}:course", "CAPSTONE_DATA_DIR": str(data_dir / "store")}
    server = AppServer(app_dir, "capstone_app", env, data_dir, startup_timeout=180, port=port)
    try:
        with console.status("Starting the app…"):
            seconds = server.start()
    except AppDidNotStart as exc:
        console.print(f"[red]The app did not start.[/red] {exc}", highlight=False)
        return 1
    try:
        console.print(f"The app answers on {server.base_url} (started in {seconds:.1f} s; log: {server.log_path}).",
                      highlight=False)
        if load_course:
            start = time.monotonic()
            posted, chunks = ingest(server.base_url, key, course_documents(), console)
            console.print(f"Course loaded: {posted} pages posted ({chunks} chunks) in {time.monotonic() - start:.0f} s; "
                          "unchanged pages were skipped.", highlight=False)
        console.print(f"\nAPI key: [bold]{key}[/bold]   (tenant 'course'; docs: {server.base_url}/docs)\n", highlight=False)
        console.print(f"curl -s {server.base_url}/ask -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n"
                      "     -d '{\"question\": \"How do I make an ingest idempotent?\"}'\n", highlight=False, soft_wrap=True)
        console.print("Serving. Press Ctrl-C to stop.")
        while server.proc is not None and server.proc.poll() is None:
            time.sleep(0.5)
        console.print(f"[red]The app exited.[/red] Its log: {server.log_path}", highlight=False)
        return 1
    except KeyboardInterrupt:
        console.print("Stopping the app.")
        return 0
    finally:
        server.stop()
