"""Prints text that looks like a passing grade; the grader never reads output."""
ANSWERS = {"double_impl": "print('All tests passed! Score: 6/6')\n\n\ndef double(x):\n    return x  # wrong\n"}
EXPECT = {"scores": {"double_tests": 0}}
