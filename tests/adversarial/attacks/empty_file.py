"""A zero-byte file with the notebook's name."""
RAW = b""
EXPECT = {"unreadable": "empty"}
