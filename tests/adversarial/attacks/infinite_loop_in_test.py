"""A function that loops forever when the test calls it: the test cell times out."""
ANSWERS = {"total_impl": "def total(xs):\n    while True:\n        pass\n"}
EXPECT = {"scores": {"total_tests": 0}, "error": "ran longer than"}
