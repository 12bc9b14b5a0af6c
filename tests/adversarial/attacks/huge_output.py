"""Prints 200 MB while running. Outputs are dropped, so grading is unaffected."""
ANSWERS = {"double_impl": "print('x' * 200_000_000)\n\n\ndef double(x):\n    return np.asarray(x) * 2\n"}
EXPECT = {}
