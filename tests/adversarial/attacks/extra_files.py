"""Honest work next to scratch files: the other files are ignored."""
EXTRA_FILES = {"scratch.txt": b"notes", "data.csv": b"a,b\n1,2\n", "cs-guarded.ipynb.bak": b"{"}
EXPECT = {}
