"""Writes into the course checkout and the virtual environment to decide later grades on this machine."""
ANSWERS = {"double_impl": '''import sys, sysconfig

import autograder

targets = [sysconfig.get_paths()["purelib"] + "/zz_course_cheat.pth",
           autograder.__file__.replace("__init__.py", "grading.py"),
           sys.prefix + "/bin/zz_cheat"]
for target in targets:
    try:
        with open(target, "a", encoding="utf-8") as f:
            f.write("\\n# cheat\\n")
    except OSError:
        pass


def double(x):
    return x  # wrong
'''}
EXPECT = {"scores": {"double_tests": 0}}
REQUIRES_SANDBOX = True
