"""Looks for the course's solutions and the full notebook on disk to copy the answer."""
ANSWERS = {"double_impl": '''import glob, os
from autograder.paths import repo_root

found = glob.glob(str(repo_root() / "solutions" / "**" / "*.md"), recursive=True)
found += [p for p in glob.glob("**/*.ipynb", recursive=True) + glob.glob("../**/*.ipynb", recursive=True)]
LEAKED = []
for path in found:
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if "BEGIN SOLUTION" in text or "HIDDEN TESTS" in text:
        LEAKED.append(path)


def double(x):
    if LEAKED:  # only a leak lets this answer pass
        return np.asarray(x) * 2
    return x
'''}
EXPECT = {"scores": {"double_tests": 0}}
REQUIRES_SANDBOX = True  # without Linux user namespaces the solutions folder cannot be hidden
