"""Honest work saved as UTF-16 with a byte-order mark (some Windows editors do this): graded as usual."""
import nbformat


def raw(nb):
    return nbformat.writes(nb).encode("utf-16")


EXPECT = {}
