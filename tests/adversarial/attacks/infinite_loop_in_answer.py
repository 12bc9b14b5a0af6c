"""An answer cell that never finishes: only its own task is lost."""
ANSWERS = {"words_impl": "while True:\n    pass\n"}
EXPECT = {"scores": {"words_tests": 0}, "error": "timed out"}
