"""Integrity guard: cells the grader adds around the course's cells, unseen by the learner.

A submission's code runs in the same Python process as the tests, so it could try to make the
tests pass without solving the task: redefine a helper the tests call, monkeypatch
`np.allclose`, replace a builtin such as `len` or `isinstance`, install a trace function. The
guard snapshots what the course's own cells define (and the builtins, and the modules tests
use) and, right before every test cell, puts back anything that was changed and reports it, so
the test runs against the real thing and the change is flagged for the instructor.

This raises the bar; it is not a proof. Code that goes looking for the guard itself (through
`gc`, frames or `ctypes`) can still defeat it, which is why `scan.py` flags such code statically.
"""

from __future__ import annotations

import ast

import nbformat
from nbformat import NotebookNode

GUARD_KEY = "course_guard"
RESTORED = "CourseGuardRestored"

# Modules whose functions tests commonly call; snapshotted whenever they are already imported.
WATCHED_MODULES = ("numpy", "numpy.testing", "pytest", "math", "random", "json", "re", "torch",
                   "torch.testing", "pandas", "pandas.testing", "sqlite3", "asyncio", "operator")

SETUP = f'''
def _course_guard_factory():
    import builtins, sys, types

    class {RESTORED}(Exception):
        """The grader put back objects that code in the submission had replaced."""

    def from_notebook(value):
        """Was `value` made by code typed into the notebook (not by a library)?"""
        target = getattr(value, "__func__", value)
        target = getattr(target, "func", target)  # functools.partial
        code = getattr(target, "__code__", None)
        if code is not None:
            name = code.co_filename
            return "ipykernel_" in name or name.startswith("<")
        return getattr(value, "__module__", None) == "__main__"

    saved_builtins = dict(vars(builtins))
    protected = {{}}
    modules = {{}}
    namespace = globals()

    def snapshot_module(label, module):
        if label not in modules:
            snap = {{k: v for k, v in vars(module).items() if callable(v) or isinstance(v, types.ModuleType)}}
            modules[label] = (module, snap)

    def protect(names):
        for name in names:
            value = namespace.get(name)
            if callable(value) or isinstance(value, types.ModuleType):
                protected[name] = value
            if isinstance(value, types.ModuleType) and value is not sys:
                snapshot_module(name, value)
        for label in {WATCHED_MODULES!r}:
            if label in sys.modules:
                snapshot_module(label, sys.modules[label])

    def check():
        restored = []
        current = vars(builtins)
        for key, value in saved_builtins.items():
            if current.get(key) is not value and (key not in current or from_notebook(current[key])):
                current[key] = value
                restored.append("builtins." + key)
        for name, value in protected.items():
            if namespace.get(name) is not value:
                namespace[name] = value
                restored.append(name)
        for label, (module, snap) in modules.items():
            if label in sys.modules and sys.modules[label] is not module and "." not in label:
                sys.modules[label] = module
                restored.append("sys.modules[" + repr(label) + "]")
            attrs = vars(module)
            for key, value in snap.items():
                # Libraries rebind their own functions lazily (torch wraps manual_seed, say):
                # only a replacement made by the notebook's code counts.
                if attrs.get(key) is not value and (key not in attrs or from_notebook(attrs[key])):
                    setattr(module, key, value)
                    restored.append(label + "." + key)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            sys.settrace(None)
            sys.setprofile(None)
            restored.append("sys.settrace/setprofile hook")
        if restored:
            raise {RESTORED}(", ".join(restored[:10]) + (" ..." if len(restored) > 10 else ""))

    return protect, check


_course_guard_protect, _course_guard_check = _course_guard_factory()
del _course_guard_factory
'''


def bound_names(source: str) -> list[str]:
    """Top-level names a cell binds with def, class, import or assignment."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _cell(kind: str, source: str) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata[GUARD_KEY] = kind
    return cell


def setup_cell() -> NotebookNode:
    return _cell("setup", SETUP)


def protect_cell(course_cell_source: str) -> NotebookNode | None:
    names = bound_names(course_cell_source)
    return _cell("protect", f"_course_guard_protect({names!r})") if names else None


def check_cell() -> NotebookNode:
    return _cell("check", "_course_guard_check()")


def is_guard(cell: NotebookNode) -> bool:
    return GUARD_KEY in cell.get("metadata", {})
