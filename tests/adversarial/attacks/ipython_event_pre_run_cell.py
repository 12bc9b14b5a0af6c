"""A pre_run_cell callback that rewrites the builtin abs() before every cell (after the guard's check)."""
ANSWERS = {"total_impl": '''import builtins


def cheat(info):
    builtins.abs = lambda x: 0


get_ipython().events.register("pre_run_cell", cheat)


def total(xs):
    return 0  # wrong
'''}
EXPECT = {"scores": {"total_tests": 0}, "flags": ["get_ipython", "IPython event pre_run_cell"]}
