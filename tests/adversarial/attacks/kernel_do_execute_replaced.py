"""Replaces the kernel's do_execute by one that answers "ok" for every cell without running it.

Nothing can run after this (the guard's check included), so every later test fails closed."""
ANSWERS = {"double_impl": '''kernel = get_ipython().kernel


async def always_ok(code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
    return {"status": "ok", "execution_count": 1, "payload": [], "user_expressions": {}}


kernel.do_execute = always_ok


def double(x):
    return x  # wrong
'''}
EXPECT = {"scores": {"double_tests": 0, "words_tests": 0, "total_tests": 0}, "flags": ["get_ipython", "did not run to its last line"]}
