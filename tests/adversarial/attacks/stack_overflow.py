"""Raises the recursion limit and recurses without end: it runs out of time (or memory), never of points."""
ANSWERS = {"words_impl": "import sys\nsys.setrecursionlimit(10**7)\n\n\ndef f(n):\n    return f(n + 1)\n\n\nf(0)\n"}
EXPECT = {"scores": {"words_tests": 0, "total_tests": 0}, "error": "timed out"}
