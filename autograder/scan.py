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
    "IPython": "imports IPython (can change how the kernel runs cells)",
    "ipykernel": "imports ipykernel (can change how the kernel runs cells)",
    "jupyter_client": "imports jupyter_client (can talk to the grader's kernel)",
    "zmq": "imports zmq (can talk to the grader's kernel)",
    "linecache": "imports linecache (can read the source of the grader's cells)",
}
# get_ipython() calls that IPython itself writes for a magic (%timeit, !ls, %%writefile): not a trick.
MAGIC_CALLS = {"run_line_magic", "run_cell_magic", "system", "getoutput"}
INTROSPECTION = {
    "__closure__": "reads a function's closure (__closure__)", "cell_contents": "reads closure cells",
    "__globals__": "reads a function's globals (__globals__)", "__code__": "reads or replaces code objects",
    "co_consts": "reads code objects' constants", "__subclasses__": "walks the class hierarchy (__subclasses__)",
    "f_back": "walks interpreter frames", "f_globals": "reads interpreter frames", "f_locals": "reads interpreter frames",
    "gi_frame": "reads interpreter frames", "tb_frame": "reads interpreter frames",
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
    "course_guard": "refers to the grader's guard",
    "_course_compare": "refers to the grader's guard",
    "solutions/": "refers to the course's solutions/ folder",
    "grades.csv": "refers to the grader's grades.csv",
}


def _always_returns(func: ast.AST, constant: bool) -> bool:
    """def __eq__(self, other): return True (possibly after a docstring), or lambda self, other: True."""
    if isinstance(func, ast.Lambda):
        return isinstance(func.body, ast.Constant) and func.body.value is constant
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [n for n in func.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(body[0].value, ast.Constant) and body[0].value.value is constant)


def python_of(source: str) -> list[str]:
    """The Python a cell really runs: IPython's own transformer turns magics (`%time x`, `!ls`) into
    calls, and a `%%writefile NAME.py` cell is the Python it writes."""
    if source.lstrip().startswith("%%writefile"):
        head, _, body = source.lstrip().partition("\n")
        return [body] if head.split()[-1].endswith(".py") else []
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return [TransformerManager().transform_cell(source)]
    except Exception:  # noqa: BLE001 - IPython could not transform it: scan what we have
        return [source]


def _parse(source: str) -> list[ast.Module]:
    trees = []
    for code in python_of(source):
        try:
            trees.append(ast.parse(code))
        except SyntaxError:
            pass
    return trees


def _get_ipython_use(node: ast.AST) -> str | None:
    """`get_ipython().X`: a flag unless X is a call IPython writes for a magic."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) \
            and isinstance(node.value.func, ast.Name) and node.value.func.id == "get_ipython":
        return None if node.attr in MAGIC_CALLS else f"uses IPython's shell (get_ipython().{node.attr})"
    return None


def scan(learner_sources: list[str], course_sources: list[str]) -> list[str]:
    """Flags for the learner's code; `course_sources` are the locked/test cells, for context."""
    course_defs, module_names = set(), set()
    for source in course_sources + learner_sources:
        for tree in _parse(source):
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    module_names.update((a.asname or a.name).split(".")[0] for a in node.names)
            if source in course_sources:  # top-level names only: a method called __init__ redefines nothing
                course_defs.update(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))

    flags: list[str] = []
    trees = [tree for source in learner_sources for tree in _parse(source)]
    for tree in trees:
        magic_calls = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                       and n.attr in MAGIC_CALLS and _get_ipython_use(n) is None}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_ipython" \
                    and id(node) not in magic_calls:
                flags.append("uses IPython's shell (get_ipython())")
            if isinstance(node, ast.Attribute) and node.attr in INTROSPECTION:
                flags.append(INTROSPECTION[node.attr])
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("__eq__", "__ne__")
                                                    for t in node.targets):
                name = next(t.id for t in node.targets if isinstance(t, ast.Name) and t.id in ("__eq__", "__ne__"))
                fake = name == "__eq__"
                if _always_returns(node.value, fake):
                    flags.append(f"defines {name} that always returns {fake} (fakes comparisons)")
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
