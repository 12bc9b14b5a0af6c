"""Changes an answer cell's type to raw (and a markdown cell to code): the cell types come from the course."""


def edit(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "total_impl":
            cell.cell_type = "raw"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


EXPECT = {"scores": {"total_tests": 0}}
