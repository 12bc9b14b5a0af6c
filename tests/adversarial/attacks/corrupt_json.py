"""A notebook cut off in the middle of a save: one error row with the reason."""
RAW = b'{"cells": [{"cell_type": "code", "source": "def double(x'
EXPECT = {"unreadable": "not valid notebook JSON"}
