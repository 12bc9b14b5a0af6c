"""A notebook carrying 200 MB of saved output: refused before parsing, with what to do about it."""
import json


def raw(nb):
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [{"output_type": "stream", "name": "stdout", "text": "x" * 200_000_000}]
    return json.dumps(nb).encode()


EXPECT = {"unreadable": "clear the outputs"}
