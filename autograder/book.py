"""`course book`: build the course site with Jupyter Book 1.x, warnings as errors.

The book's source is the repository root (lessons in modules/, exercises in exercises/); its
configuration and table of contents live in book/. Lessons are executed and cached in
book/_build/.jupyter_cache, so a rebuild only runs the pages that changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from .paths import repo_root


def run(*, execute: bool, rebuild_all: bool) -> int:
    root = repo_root()
    config = root / "book" / "_config.yml"
    output = "book"
    with tempfile.TemporaryDirectory(prefix="course-book-") as tmp:
        if not execute:  # a quick structural check (toc, references, markup) into a throwaway folder
            output = tmp
            settings = yaml.safe_load(config.read_text(encoding="utf-8"))
            settings["execute"]["execute_notebooks"] = "off"
            config = Path(tmp) / "_config.yml"
            config.write_text(yaml.safe_dump(settings), encoding="utf-8")
        cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "--config", str(config),
               "--toc", "book/_toc.yml", "--path-output", output, "-W", "-n", "--keep-going"]
        if rebuild_all:
            cmd.append("--all")
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("MPLBACKEND", None)  # the kernel must use its inline backend, or plots vanish from the site
        return subprocess.call(cmd, cwd=root, env=env)
