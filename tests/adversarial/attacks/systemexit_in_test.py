"""The answer raises SystemExit when a test calls it."""
ANSWERS = {"double_impl": "def double(x):\n    raise SystemExit(0)\n"}
EXPECT = {"scores": {"double_tests": 0}}
