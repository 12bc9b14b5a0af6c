"""A binary file with the notebook's name."""
RAW = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
EXPECT = {"unreadable": "not a text file"}
