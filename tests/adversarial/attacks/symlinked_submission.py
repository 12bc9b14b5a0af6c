"""The submitted file is a symbolic link to another student's notebook (or to any file on the machine)."""
SYMLINK_TO = "../honest_solution/cs-guarded.ipynb"
EXPECT = {"unreadable": "symbolic link"}
