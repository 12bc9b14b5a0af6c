"""Asks for 64 GB of memory: the kernel's memory cap turns it into a MemoryError in that cell."""
ANSWERS = {"total_impl": "hog = bytearray(64 * 2**30)\n\n\ndef total(xs):\n    return sum(xs)\n"}
EXPECT = {"scores": {"total_tests": 0}}
