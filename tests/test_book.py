"""The book's table of contents covers every lesson and exercise, and nothing leaks into it."""

from __future__ import annotations

import re

import yaml

from autograder.paths import MODULES, all_exercises, lesson_pages, repo_root


def toc_files() -> list[str]:
    toc = yaml.safe_load((repo_root() / "book" / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc["parts"])
    return files


def test_every_lesson_and_exercise_is_in_the_toc():
    listed = set(toc_files())
    root = repo_root()
    for page in lesson_pages():
        assert str(page.relative_to(root).with_suffix("")) in listed, f"{page} is not in book/_toc.yml"
    for ex in all_exercises():
        assert str(ex.released.relative_to(root).with_suffix("")) in listed, f"{ex.key} is not in book/_toc.yml"


def test_every_toc_entry_exists():
    root = repo_root()
    for entry in toc_files():
        matches = [p for p in (root / f"{entry}.md", root / f"{entry}.ipynb") if p.exists()]
        assert matches, f"book/_toc.yml lists {entry}, which does not exist"


def test_every_module_has_an_index_page():
    for module in MODULES:
        assert (repo_root() / "modules" / module / "index.md").exists()


def test_glossary_terms_have_korean():
    text = (repo_root() / "book" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    definitions = re.findall(r"^\S.*\n((?:  .*\n?)+)", body, flags=re.M)
    assert definitions
    for definition in definitions:
        assert re.search(r"[\uac00-\ud7a3]", definition), f"no Korean term in glossary entry: {definition!r}"
