"""Honest work saved with the answer cells moved to the end: still full marks, no flags."""


def edit(nb):
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    nb.cells = [c for c in nb.cells if c not in answers] + answers
    return nb


EXPECT = {}
