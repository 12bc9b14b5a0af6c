"""Honest work saved as an nbformat 3 notebook (an old Jupyter): graded normally."""
import json

import nbformat


def raw(nb):
    return json.dumps(nbformat.convert(nb, 3)).encode()


EXPECT = {}
