"""The answer raises KeyboardInterrupt when a test calls it, as if the grader interrupted it."""
ANSWERS = {"total_impl": "def total(xs):\n    raise KeyboardInterrupt\n"}
EXPECT = {"scores": {"total_tests": 0}}
