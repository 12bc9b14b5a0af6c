"""Fetches the answer from the network (a paid API, a paste site): the sandbox has no network."""
ANSWERS = {"double_impl": '''import socket

try:
    socket.create_connection(("1.1.1.1", 80), timeout=3).close()
    ONLINE = True
except OSError:
    ONLINE = False


def double(x):
    return np.asarray(x) * 2 if ONLINE else x
'''}
EXPECT = {"scores": {"double_tests": 0}}
