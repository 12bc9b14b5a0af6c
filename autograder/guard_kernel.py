"""The integrity guard's code as it runs inside the kernel (the text of the grader's first cell).

`guard.setup_cell()` sends this file's source followed by a call of `_course_guard_factory`; it
runs before any code of the submission. The functions it returns are called by the runner out of
band (ipykernel's `user_expressions`, which no input or AST transformer sees) and each answers
with a MAC under a key that only the runner and this closure know (see `runner.Seal`):

- `_course_guard_init(key, token)`: takes the run's key (once).
- `_course_guard_protect(names, token)`: snapshots what a course cell defined.
- `_course_guard_check(token)`: before every test cell, puts back whatever the submission replaced
  (builtins, the namespace's `__builtins__`, course helpers, module functions, trace hooks, and
  IPython's machinery: input and AST transformers, event callbacks, custom exception handlers,
  the compiler, the methods that run a cell on the shell and the kernel); raises a
  CourseGuardRestored naming them, which the grader reports as a flag.
- `_course_guard_mark(token)` ends every test cell; `_course_guard_proof(token)` then proves it.
- `_course_compare(left, ops, rights)`: every comparison of a test cell, after a check that no
  operand is a universal fake (an object that claims to equal anything).

Nothing in this file may rely on a name the submission can rebind later: builtins and module
functions it uses are bound when the factory runs.
"""

# ruff: noqa: ANN001, ANN202, E731


def _course_guard_factory(trusted_modules, watched_modules, shell_methods, kernel_methods):
    import builtins
    import hashlib
    import operator
    import sys
    import types

    _vars, _getattr, _setattr, _delattr, _isinstance, _type = vars, getattr, setattr, delattr, isinstance, type
    _callable, _list, _dict, _set, _len, _bool, _repr, _any, _zip = (
        callable, list, dict, set, len, bool, repr, any, zip)
    _hasattr, _enumerate, _Exception, _object, _issubclass = hasattr, enumerate, Exception, object, issubclass
    _blake2b, _modules, _get_ipython = hashlib.blake2b, sys.modules, get_ipython  # noqa: F821
    _gettrace, _settrace, _getprofile, _setprofile = sys.gettrace, sys.settrace, sys.getprofile, sys.setprofile
    _contains = operator.contains
    _ops = {"Eq": operator.eq, "NotEq": operator.ne, "Lt": operator.lt, "LtE": operator.le, "Gt": operator.gt,
            "GtE": operator.ge, "In": lambda a, b: _contains(b, a), "NotIn": lambda a, b: not _contains(b, a),
            "Is": operator.is_, "IsNot": operator.is_not}
    _dunder = {"Eq": "__eq__", "NotEq": "__eq__", "In": "__eq__", "NotIn": "__eq__", "Lt": "__lt__",
               "LtE": "__le__", "Gt": "__gt__", "GtE": "__ge__"}
    _plain = (int, float, complex, str, bytes, bool, _type(None))
    _containers = (list, tuple, set, frozenset, dict)
    _missing = _object()

    class CourseGuardRestored(Exception):
        """The grader put back objects that code in the submission had replaced."""

    class UniversalFake(AssertionError):
        """A value claims to compare equal to anything: its __eq__ (or another comparison) is faked."""

    class _Probe:
        __slots__ = ()

    state = {"key": None, "marks": _set()}

    def mac(message):
        return _blake2b(message.encode(), key=state["key"].encode(), digest_size=16).hexdigest()

    def from_notebook(value):
        """Was `value` made by code typed into the notebook (not by a library)?"""
        target = _getattr(value, "__func__", value)
        target = _getattr(target, "func", target)  # functools.partial
        code = _getattr(target, "__code__", None)
        if code is not None:
            name = code.co_filename
            return "ipykernel_" in name or name.startswith("<")
        return _getattr(value, "__module__", None) == "__main__"

    ip = _get_ipython()
    kernel = _getattr(ip, "kernel", None)
    namespace = ip.user_ns
    # IPython adds get_ipython, exit and quit to builtins only while a cell runs: not ours to restore.
    auto = _getattr(_getattr(ip, "builtin_trap", None), "auto_builtins", {}) or {}
    saved_builtins = {k: v for k, v in _vars(builtins).items() if k not in auto}
    saved_ns_builtins = namespace.get("__builtins__", builtins)
    protected, modules = {}, {}

    # IPython's machinery, as it is before any code of the submission runs.
    lists = []

    def snap_list(label, owner, attr):
        value = _getattr(owner, attr, None)
        if _isinstance(value, list):
            lists.append((label, owner, attr, value, _list(value)))

    manager = ip.input_transformer_manager
    snap_list("input_transformers_post", ip, "input_transformers_post")
    snap_list("ast_transformers", ip, "ast_transformers")
    for attr in ("cleanup_transforms", "line_transforms", "token_transformers"):
        snap_list("input_transformers_cleanup" if attr == "cleanup_transforms" else attr, manager, attr)
    events = ip.events
    saved_callbacks = {name: (value, _list(value)) for name, value in events.callbacks.items()}
    saved_custom = (ip.custom_exceptions, ip.CustomTB)
    saved_compile = ip.compile

    def snap_methods(obj, names):
        cls = _type(obj)
        per_class = [(c, {n: c.__dict__.get(n, _missing) for n in names}) for c in cls.__mro__]
        own = {n: _vars(obj).get(n, _missing) for n in names} if _hasattr(obj, "__dict__") else {}
        return obj, cls, per_class, own

    method_snaps = [("IPython shell", snap_methods(ip, shell_methods))]
    if kernel is not None:
        method_snaps.append(("kernel", snap_methods(kernel, kernel_methods)))

    def same_items(a, b):
        return _len(a) == _len(b) and not _any(x is not y for x, y in _zip(a, b))

    def restore_machinery(restored):
        for label, owner, attr, value, contents in lists:
            if _getattr(owner, attr, None) is not value:
                _setattr(owner, attr, value)
                restored.append("IPython " + label)
            if not same_items(value, contents):
                value[:] = contents
                restored.append("IPython " + label)
        if ip.input_transformer_manager is not manager:
            ip.input_transformer_manager = manager
            restored.append("IPython input_transformer_manager")
        if ip.events is not events:
            ip.events = events
            restored.append("IPython events")
        callbacks = events.callbacks
        for name in _list(callbacks):
            if name not in saved_callbacks:
                del callbacks[name]
                restored.append("IPython event " + name)
        for name, (value, contents) in saved_callbacks.items():
            if callbacks.get(name) is not value or not same_items(value, contents):
                value[:] = contents
                callbacks[name] = value
                restored.append("IPython event " + name)
        if ip.custom_exceptions != saved_custom[0] or ip.CustomTB is not saved_custom[1]:
            ip.custom_exceptions, ip.CustomTB = saved_custom
            restored.append("IPython custom exception handler")
        if ip.compile is not saved_compile:
            ip.compile = saved_compile
            restored.append("IPython compiler")
        for label, (obj, cls, per_class, own) in method_snaps:
            if _type(obj) is not cls:
                obj.__class__ = cls
                restored.append(label + " class")
            for c, names in per_class:
                for n, value in names.items():
                    if c.__dict__.get(n, _missing) is not value:
                        if value is _missing:
                            _delattr(c, n)
                        else:
                            _setattr(c, n, value)
                        restored.append(label + "." + n)
            for n, value in own.items():
                if _vars(obj).get(n, _missing) is not value:
                    if value is _missing:
                        _delattr(obj, n)
                    else:
                        _setattr(obj, n, value)
                    restored.append(label + "." + n)

    def is_module(value):  # by type only: isinstance() would wake lazy proxies (openai's) up
        return _issubclass(_type(value), types.ModuleType)

    def snapshot_module(label, module):
        if label not in modules:
            snap = {k: v for k, v in _list(_vars(module).items()) if _callable(v) or is_module(v)}
            modules[label] = (module, snap)

    def init(key, token):
        if state["key"] is not None:
            raise CourseGuardRestored("the guard was set up twice")
        state["key"] = key
        return mac("setup:" + token)

    def protect(names, token):
        for name in names:
            value = namespace.get(name)
            if _callable(value) or is_module(value):
                protected[name] = value
            if is_module(value) and value is not sys:
                snapshot_module(name, value)
        for label in watched_modules:
            if label in _modules:
                snapshot_module(label, _modules[label])
        return mac("protect:" + token)

    def check(token):
        restored = []
        restore_machinery(restored)
        current = _vars(builtins)
        for key, value in saved_builtins.items():
            if current.get(key) is not value and (key not in current or from_notebook(current[key])):
                current[key] = value
                restored.append("builtins." + key)
        if namespace.get("__builtins__") is not saved_ns_builtins:
            namespace["__builtins__"] = saved_ns_builtins
            restored.append("the namespace's __builtins__")
        for name, value in protected.items():
            if namespace.get(name) is not value:
                namespace[name] = value
                restored.append(name)
        for label, (module, snap) in modules.items():
            if label in _modules and _modules[label] is not module and "." not in label:
                _modules[label] = module
                restored.append("sys.modules[" + _repr(label) + "]")
            attrs = _dict(_vars(module))
            for key, value in snap.items():
                # Libraries rebind their own functions lazily (torch wraps manual_seed, say):
                # only a replacement made by the notebook's code counts.
                if attrs.get(key) is not value and (key not in attrs or from_notebook(attrs[key])):
                    _setattr(module, key, value)
                    restored.append(label + "." + key)
        if _gettrace() is not None or _getprofile() is not None:
            _settrace(None)
            _setprofile(None)
            restored.append("sys.settrace/setprofile hook")
        if restored:
            restored = _list(_dict.fromkeys(restored))
            raise CourseGuardRestored(", ".join(restored[:10]) + (" ..." if _len(restored) > 10 else ""))
        return mac("check:" + token)

    def mark(token):
        state["marks"].add(token)

    def proof(token):
        if token not in state["marks"]:
            raise CourseGuardRestored("the test cell did not reach its last line")
        state["marks"].discard(token)
        return mac("test:" + token)

    def trusted(cls, dunder):
        for c in cls.__mro__:
            if dunder in c.__dict__:
                if c is _object:
                    return True
                top = (_getattr(c, "__module__", "") or "").split(".")[0]
                return top in trusted_modules and not from_notebook(c.__dict__[dunder])
        return True

    def faked(x, op, budget):
        """Does `x` claim to compare `op` to a fresh object it has never seen? A real value never does."""
        cls = _type(x)
        if cls in _plain:
            return False
        if _isinstance(x, _containers):
            for item in (x.items() if _isinstance(x, dict) else x):
                budget[0] -= 1
                if budget[0] <= 0:
                    break
                if _any(faked(part, op, budget) for part in (item if _isinstance(x, dict) else (item,))):
                    return True
        elif cls.__module__ == "numpy" and cls.__name__ == "ndarray" and x.dtype == _object:
            for item in x.flat:
                budget[0] -= 1
                if budget[0] <= 0:
                    break
                if faked(item, op, budget):
                    return True
        container = op in ("In", "NotIn") and not trusted(cls, "__contains__")
        if trusted(cls, _dunder[op]) and not container:
            return False
        try:
            answer = _ops["Eq" if _dunder[op] == "__eq__" else op](x, _Probe())
            if container:
                answer = answer or _contains(x, _Probe())
            return _bool(answer) is True
        except _Exception:
            return False

    def compare(left, ops, rights):
        """`left ops[0] rights[0] ops[1] rights[1] ...` as Python evaluates it, after checking that no
        operand is a universal fake. Test cells are rewritten to call this for every comparison."""
        values = [left, *rights]
        result = True
        for i, op in _enumerate(ops):
            a, b = values[i], values[i + 1]
            if op not in ("Is", "IsNot") and (faked(a, op, [10000]) or faked(b, op, [10000])):
                raise UniversalFake("a value compared here claims to equal anything (its __eq__ or another "
                                    "comparison always returns True): return real values")
            result = _ops[op](a, b)
            if i < _len(ops) - 1 and not result:
                return result
        return result

    api = {"_course_guard_init": init, "_course_guard_protect": protect, "_course_guard_check": check,
           "_course_guard_mark": mark, "_course_guard_proof": proof, "_course_compare": compare}
    protected.update(api)
    return api
