"""Honest work saved under another file name: found by the exercise id in its metadata."""
FILENAME = "my homework (final) v2.ipynb"
EXPECT = {}
