"""The same, through the cleanup transformers, hidden behind a magic on the cell's first line."""
ANSWERS = {"words_impl": '''%time 0
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])


def unique_words(text):
    return []  # wrong
'''}
EXPECT = {"scores": {"words_tests": 0}, "flags": ["get_ipython", "IPython input_transformers_cleanup"]}
