"""Honest work saved under a Korean file name with spaces: found by the exercise id in its metadata."""
FILENAME = "과제 최종 (수정).ipynb"
EXPECT = {}
