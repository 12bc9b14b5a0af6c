"""Turns a test cell into a Markdown cell so it never runs: it is restored as code."""
import nbformat

ANSWERS = {"total_impl": "def total(xs):\n    return 0  # wrong\n"}


def edit(nb):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "total_tests":
            md = nbformat.v4.new_markdown_cell(cell.source)
            md.metadata = cell.metadata
            nb.cells[i] = md
    return nb


EXPECT = {"scores": {"total_tests": 0}}
