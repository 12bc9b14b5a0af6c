"""Replaces a test cell's code with `pass` and submits a wrong answer: the test is restored."""
ANSWERS = {"double_impl": "def double(x):\n    return x  # wrong\n"}


def edit(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "double_tests":
            cell.source = "pass"
    return nb


EXPECT = {"scores": {"double_tests": 0}}
