"""Replaces run_cell and run_cell_async on the shell's class by versions that run `pass` instead."""
ANSWERS = {"double_impl": '''shell = get_ipython()
cls = type(shell)
original_async, original_sync = cls.run_cell_async, cls.run_cell


async def run_nothing(self, raw_cell, *args, **kwargs):
    return await original_async(self, "pass", *args, **kwargs)


cls.run_cell_async = run_nothing
cls.run_cell = lambda self, raw_cell, *args, **kwargs: original_sync(self, "pass", *args, **kwargs)


def double(x):
    return x  # wrong
'''}
EXPECT = {"scores": {"double_tests": 0}, "flags": ["get_ipython", "IPython shell.run_cell"]}
