"""Two copies of an answer cell with the same grade id: the first copy (wrong) is graded."""
import copy

ANSWERS = {"double_impl": "def double(x):\n    return x  # wrong\n"}


def edit(nb):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "double_impl":
            second = copy.deepcopy(cell)
            second.source = "def double(x):\n    return np.asarray(x) * 2\n"
            second.id = "second-copy"
            nb.cells.insert(i + 1, second)
            break
    return nb


EXPECT = {"scores": {"double_tests": 0}}
