"""Integrity guard: cells the grader adds around the course's cells, unseen by the learner.

A submission's code runs in the same Python process as the tests, so it could try to make the
tests pass without solving the task: redefine a helper the tests call, monkeypatch
`np.allclose`, replace a builtin, install an IPython input transformer that turns every later
cell into `pass`, return an object whose `__eq__` always says yes. The guard (its kernel-side
code is `guard_kernel.py`) snapshots what the course's own cells define, the builtins, the
modules tests use and IPython's own machinery and, right before every test cell, puts back
anything that was changed and reports it, so the test runs against the real thing and the
change is flagged for the instructor. Test cells are rewritten so that every comparison rejects
universal fakes, and each must prove to the runner that it ran to its last line (`runner.Seal`).

This raises the bar; it is not a proof. The trust boundary is the sandbox around the kernel
(`sandbox.bwrap_args`): in-process defences can be raced by code that goes looking for the
guard itself (through `gc`, frames, `ctypes` or IPython's internals), which is why `scan.py`
flags such code statically, and why a proof that is missing counts as a failure.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat import NotebookNode

GUARD_KEY = "course_guard"
RESTORED = "CourseGuardRestored"
FAKE_VALUE = "UniversalFake"

# Modules whose functions tests commonly call; snapshotted whenever they are already imported.
WATCHED_MODULES = ("numpy", "numpy.testing", "pytest", "math", "random", "json", "re", "torch",
                   "torch.testing", "pandas", "pandas.testing", "sqlite3", "asyncio", "operator",
                   "ast", "codeop", "hashlib", "unittest.mock")
# IPython's execution path: a replacement of any of these could change what a cell runs.
SHELL_METHODS = ("run_cell", "run_cell_async", "_run_cell", "run_code", "run_ast_nodes", "transform_cell",
                 "transform_ast", "user_expressions", "should_run_async", "showtraceback", "_showtraceback",
                 "_format_user_obj", "_user_obj_error", "ev", "ex", "set_custom_exc")
KERNEL_METHODS = ("do_execute", "execute_request", "dispatch_shell", "process_one", "send_response")
# Libraries whose comparisons we trust (their types never claim to equal anything).
TRUSTED_MODULES = ("builtins", "numpy", "pandas", "torch", "collections", "decimal", "fractions", "datetime",
                   "pathlib", "uuid", "enum", "re", "sqlite3", "unittest", "pytest", "_pytest", "ipaddress",
                   "array", "types", "functools", "typing", "json", "pydantic", "pydantic_core")

SETUP = (Path(__file__).with_name("guard_kernel.py").read_text(encoding="utf-8")
         + f"\n\nglobals().update(_course_guard_factory({TRUSTED_MODULES!r}, {WATCHED_MODULES!r}, "
           f"{SHELL_METHODS!r}, {KERNEL_METHODS!r}))\ndel _course_guard_factory\n")


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
    """Snapshot what a course cell defined; the runner calls the guard out of band (runner.Seal)."""
    names = bound_names(course_cell_source)
    if not names:
        return None
    cell = _cell("protect", "pass  # the grader's integrity guard: snapshot what the cell above defined")
    cell.metadata["course_protect"] = names
    return cell


def check_cell() -> NotebookNode:
    return _cell("check", "pass  # the grader's integrity guard: put back what the learner's code replaced")


def seal_test(cell: NotebookNode) -> NotebookNode:
    """A test cell scores only with the runner's proof that it ran to its last line, and its
    comparisons go through `_course_compare`, which rejects universal fakes."""
    cell.source = rewrite_comparisons(cell.source)
    cell.metadata[GUARD_KEY] = "test"
    return cell


class _Comparisons(ast.NodeTransformer):
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            return node  # identity cannot be faked
        ops = ast.List([ast.Constant(type(op).__name__) for op in node.ops], ast.Load())
        rights = ast.List(list(node.comparators), ast.Load())
        call = ast.Call(ast.Name("_course_compare", ast.Load()), [node.left, ops, rights], [])
        return ast.copy_location(call, node)


def rewrite_comparisons(source: str) -> str:
    """Every comparison in a test cell's code, as a call of the guard's `_course_compare`. Code that
    does not parse as Python (an IPython magic) is left as it is."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    return ast.unparse(ast.fix_missing_locations(_Comparisons().visit(tree))) + "\n"


def is_guard(cell: NotebookNode) -> bool:
    """A cell the grader added (setup, protect, check); sealed test cells are not guard cells."""
    return cell.get("metadata", {}).get(GUARD_KEY) in ("setup", "protect", "check")
