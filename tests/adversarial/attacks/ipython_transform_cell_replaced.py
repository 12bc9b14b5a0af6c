"""Replaces transform_cell, which every cell's source goes through, by one that returns `pass`."""
ANSWERS = {"words_impl": '''shell = get_ipython()
shell.transform_cell = lambda raw_cell: "pass\\n"


def unique_words(text):
    return []  # wrong
'''}
EXPECT = {"scores": {"words_tests": 0}, "flags": ["get_ipython", "IPython shell.transform_cell"]}
