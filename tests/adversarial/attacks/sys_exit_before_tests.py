"""Calls sys.exit(0) in an answer cell, hoping the run ends 'successfully' before the tests."""
ANSWERS = {"double_impl": "import sys\nsys.exit(0)\n"}
EXPECT = {"scores": {"double_tests": 0}}
