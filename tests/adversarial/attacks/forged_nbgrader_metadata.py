"""Raises every test's points, renames a grade id and adds a test cell of its own worth 50 points."""
import nbformat

ANSWERS = {"double_impl": "def double(x):\n    return x  # wrong\n"}


def edit(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
        if meta.get("grade_id") == "total_impl":
            meta["grade"], meta["points"] = True, 10
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus_tests", "locked": True, "points": 50,
                                  "solution": False, "schema_version": 3}
    nb.cells.append(bonus)
    return nb


EXPECT = {"scores": {"double_tests": 0}}
