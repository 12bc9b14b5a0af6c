"""Starts a daemon in a new session (double fork): it must not outlive the run."""
ANSWERS = {"double_impl": '''import subprocess

subprocess.Popen(["sleep", "987655"], start_new_session=True, stdout=subprocess.DEVNULL)


def double(x):
    return np.asarray(x) * 2
'''}
EXPECT = {}
LEFTOVER_MARKER = "987655"
REQUIRES_SANDBOX = True
