"""Deletes every test cell and submits a wrong answer: the tests are restored from the course."""
ANSWERS = {"words_impl": "def unique_words(text):\n    return text.split()  # wrong: duplicates, unsorted\n"}


def edit(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    return nb


EXPECT = {"scores": {"words_tests": 0}}
