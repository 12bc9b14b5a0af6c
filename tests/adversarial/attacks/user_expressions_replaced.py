"""Replaces the shell's user_expressions, through which the grader asks for proofs, by a forger."""
ANSWERS = {"total_impl": '''shell = get_ipython()
shell.user_expressions = lambda expressions: {k: {"status": "ok", "data": {"text/plain": "'0'"}, "metadata": {}}
                                              for k in expressions}


def total(xs):
    return 0  # wrong
'''}
EXPECT = {"scores": {"total_tests": 0}, "flags": ["get_ipython"]}
