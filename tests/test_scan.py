"""The static scan flags what the run-time guard cannot undo, and nothing an honest answer does."""

from autograder.scan import scan

COURSE = ["def reference_total(xs):\n    return sum(xs)\n\nclass Fake:\n    def __init__(self):\n        self.calls = 0\n"]


def test_redefining_a_course_function_is_flagged():
    assert any("redefines reference_total()" in f for f in scan(["def reference_total(xs):\n    return 0\n"], COURSE))


def test_a_method_named_like_a_course_method_is_not_flagged():
    learner = "class Cache:\n    def __init__(self):\n        self.data = {}\n"
    assert scan([learner], COURSE) == []


def test_an_always_true_eq_is_flagged():
    learner = "class Anything:\n    def __eq__(self, other):\n        return True\n"
    assert any("always returns True" in f for f in scan([learner], COURSE))
