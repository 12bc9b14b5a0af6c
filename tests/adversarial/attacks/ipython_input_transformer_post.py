"""One line turns every later cell, the guard's and the hidden tests included, into `pass`."""
ANSWERS = {"double_impl": '''get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])


def double(x):
    return x  # wrong
'''}
EXPECT = {"scores": {"double_tests": 0}, "flags": ["get_ipython", "IPython input_transformers_post"]}
