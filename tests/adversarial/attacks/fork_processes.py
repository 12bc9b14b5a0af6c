"""Starts 20 background processes that would live forever; the grader must kill them all.

The processes run `sleep 987654`, so the test can look for leftovers by that argument."""
ANSWERS = {"double_impl": '''import os

for _ in range(20):
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "987654"])


def double(x):
    return np.asarray(x) * 2
'''}
EXPECT = {}
LEFTOVER_MARKER = "987654"
