"""Crashes the interpreter with a segmentation fault through ctypes."""
ANSWERS = {"words_impl": "import ctypes\nctypes.string_at(0)\n"}
EXPECT = {"scores": {"words_tests": 0, "total_tests": 0}, "flags": ["imports ctypes"], "error": "crashed"}
