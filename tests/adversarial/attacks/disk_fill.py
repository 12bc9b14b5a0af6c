"""Writes a 1 GB file: the file-size cap stops it at 512 MB with an error in that cell."""
ANSWERS = {"total_impl": '''with open("big.bin", "wb") as f:
    for _ in range(1024):
        f.write(b"x" * 2**20)


def total(xs):
    return sum(xs)
'''}
EXPECT = {"scores": {"total_tests": 0}}
