"""Kills the kernel with os._exit(0) before the tests of tasks 2 and 3 can run."""
ANSWERS = {"words_impl": "import os\nos._exit(0)\n"}
EXPECT = {"scores": {"words_tests": 0, "total_tests": 0}, "flags": ["os._exit"], "error": "crashed or exited"}
