"""Static review of a learner's code for tricks that could fake a grade.

Nothing here changes a score: each finding is a flag the instructor sees next to the grade
(`grades.csv`, feedback page), worded as something to look at, not a verdict. The runtime guard
(`guard.py`) already undoes the simple tricks; these flags cover the ones it cannot undo.
"""

from __future__ import annotations

import ast

SUSPICIOUS_MODULES = {
    "builtins": "imports builtins (can replace len, isinstance, ... for the tests)",
    "gc": "imports gc (can find and change the grader's objects)",
    "ctypes": "imports ctypes (can crash or rewrite the interpreter)",
    "inspect": "imports inspect (can read or change the calling test's frame)",
    "importlib": "imports importlib (can swap modules the tests use)",
    "signal": "imports signal (can interfere with the grader's timeouts)",
}
SUSPICIOUS_CALLS = {
    "exec": "runs dynamically built code (exec)",
    "eval": "runs dynamically built code (eval)",
    "compile": "compiles code at run time",
    "__import__": "imports modules dynamically (__import__)",
    "setattr": None,  # judged by its first argument, below
}
SUSPICIOUS_ATTRS = {
    ("sys", "_getframe"): "reads interpreter frames (sys._getframe)",
    ("sys", "settrace"): "installs a trace function (sys.settrace)",
    ("sys", "setprofile"): "installs a profile function (sys.setprofile)",
    ("sys", "modules"): "touches sys.modules (can swap modules the tests use)",
    ("sys", "addaudithook"): "installs an audit hook",
    ("os", "_exit"): "kills the Python process (os._exit)",
    ("os", "kill"): "sends signals to processes (os.kill)",
    ("os", "getppid"): "looks up the grader's process (os.getppid)",
}
SUSPICIOUS_STRINGS = {
    "/proc/": "reads or writes /proc (other processes)",
    "solutions/": "refers to the course's solutions/ folder",
    "grades.csv": "refers to the grader's grades.csv",
}


def _always_returns(func: ast.FunctionDef, constant: bool) -> bool:
    """def __eq__(self, other): return True (possibly after a docstring)."""
    body = [n for n in func.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(body[0].value, ast.Constant) and body[0].value.value is constant)


def scan(learner_sources: list[str], course_sources: list[str]) -> list[str]:
    """Flags for the learner's code; `course_sources` are the locked/test cells, for context."""
    course_defs, module_names = set(), set()
    for source in course_sources + learner_sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module_names.update((a.asname or a.name).split(".")[0] for a in node.names)
        if source in course_sources:  # top-level names only: a method called __init__ redefines nothing
            course_defs.update(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))

    flags: list[str] = []
    for source in learner_sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                flags += [SUSPICIOUS_MODULES[n.split(".")[0]] for n in names if n.split(".")[0] in SUSPICIOUS_MODULES]
            elif isinstance(node, ast.Name) and (node.id == "__builtins__" or "course_guard" in node.id):
                flags.append(f"uses {node.id} (grader internals)")
            elif isinstance(node, ast.Attribute):
                if isinstance(node.value, ast.Name):
                    reason = SUSPICIOUS_ATTRS.get((node.value.id, node.attr))
                    if reason:
                        flags.append(reason)
                    if isinstance(node.ctx, (ast.Store, ast.Del)) and node.value.id in module_names:
                        flags.append(f"changes {node.value.id}.{node.attr} (monkeypatches a module)")
                if "course_guard" in node.attr:
                    flags.append("uses the grader's guard")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SUSPICIOUS_CALLS:
                if node.func.id != "setattr":
                    flags.append(SUSPICIOUS_CALLS[node.func.id])
                elif node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in module_names:
                    flags.append(f"changes {node.args[0].id} with setattr (monkeypatches a module)")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name in course_defs and node in tree.body:
                    flags.append(f"redefines {node.name}(), which the course's cells define")
                fake = {"__eq__": True, "__ne__": False}.get(node.name)
                if fake is not None and isinstance(node, ast.FunctionDef) and _always_returns(node, fake):
                    flags.append(f"defines {node.name} that always returns {fake} (fakes comparisons)")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                flags += [reason for needle, reason in SUSPICIOUS_STRINGS.items() if needle in node.value]
    return list(dict.fromkeys(flags))
