"""Redefines the course's helper `check_close` so that every check passes."""
ANSWERS = {"double_impl": "def double(x):\n    return x  # wrong\n\n\ndef check_close(actual, expected):\n    pass\n"}
EXPECT = {"scores": {"double_tests": 0}, "flags": ["redefines check_close()", "undid changes before a test: check_close"]}
