"""Mutation probes as they run inside the grading kernel (the text of a probe notebook's cell).

`mutants.probe_notebook` runs the exercise's assembled grading notebook up to one answer cell,
then this code, then `_course_mutant_plan` (the cells after the answer up to its tasks' last
test), then `_course_mutant_control(reference_source)` and one `_course_mutant_probe(source)`
per mutant. Each call forks the kernel: the child runs the given answer source and the plan's
cells, as the kernel would (IPython's transformers, the guard's rewritten comparisons), with
its output thrown away, and sends back which tests passed and a record of what the answer's
functions returned. The parent's state never changes, so every mutant starts from the same
point. Each probe ends with an exception `MutantResult` whose message is the JSON result: the
runner passes a cell's exception to the grader, and nothing else of a cell.
"""

# ruff: noqa: ANN001, ANN202


def _course_mutant_factory():
    import asyncio
    import functools
    import hashlib
    import inspect
    import io
    import json
    import os
    import pickle
    import select
    import signal
    import sys
    import threading
    import time
    import types

    shell = get_ipython()  # noqa: F821 - a kernel cell
    state = {"control": None, "record": True}
    max_calls = 3000
    calls = []  # (name, function, pickled arguments) of the tests' calls, for probe_calls
    max_probed_calls, max_probes, probe_seconds = 40, 400, 3.0

    class MutantResult(Exception):
        """A probe's outcome, as JSON."""

    class ControlFailed(Exception):
        """The unchanged answer did not pass its own tests when run this way: no mutant is measured."""

    def canon(value, depth=0):
        """A picklable stand-in for a value pickle refuses: containers by their items, functions by
        name, objects by their attributes; what is left is unique (never equal to anything)."""
        if depth > 6:
            return "?" + os.urandom(6).hex()
        if isinstance(value, (list, tuple)):
            return [type(value).__name__, [canon(v, depth + 1) for v in value]]
        if isinstance(value, dict):
            return ["dict", [[canon(k, depth + 1), canon(v, depth + 1)] for k, v in value.items()]]
        if isinstance(value, (set, frozenset)):
            return ["set", sorted(json.dumps(canon(v, depth + 1)) for v in value)]
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
            return ["fn", getattr(value, "__qualname__", "?")]
        try:
            pickle.dumps(value, protocol=4)
            return value
        except Exception:  # noqa: BLE001
            pass
        if hasattr(value, "__dict__") and not isinstance(value, types.ModuleType):
            return [type(value).__qualname__, canon(vars(value), depth + 1)]
        return "?" + os.urandom(6).hex()

    def signature(value):
        try:
            data = pickle.dumps(value, protocol=4)
        except Exception:  # noqa: BLE001 - a lambda, a lock, a generator inside
            try:
                data = pickle.dumps(canon(value), protocol=4)
            except Exception:  # noqa: BLE001
                return "?" + os.urandom(6).hex()
        return hashlib.blake2b(data, digest_size=10).hexdigest()

    def recorder(log, fn, label):
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def recorded_async(*args, **kwargs):
                try:
                    out = await fn(*args, **kwargs)
                except BaseException as exc:
                    if len(log) < max_calls:
                        log.append([label, "raised " + type(exc).__name__, signature((args, kwargs))])
                    raise
                log.append([label, signature(out), signature((args, kwargs))] if len(log) < max_calls else None)
                return out
            return recorded_async

        @functools.wraps(fn)
        def recorded(*args, **kwargs):
            if len(calls) < max_probed_calls and "." not in label:  # a plain function: probe it later
                try:
                    calls.append((label, fn, pickle.dumps((args, kwargs), protocol=4)))
                except Exception:  # noqa: BLE001 - arguments pickle cannot copy: no probes of this call
                    pass
            try:
                out = fn(*args, **kwargs)
            except BaseException as exc:
                if len(log) < max_calls:
                    log.append([label, "raised " + type(exc).__name__, signature((args, kwargs))])
                raise
            if len(log) < max_calls:
                log.append([label, signature(out), signature((args, kwargs))])
            else:
                log.append(None)  # too many calls to compare: never equivalent
            return out
        return recorded

    def variants(value):
        """Small changes of one argument, where an off-by-one or a boundary hides."""
        if isinstance(value, bool) or value is None:
            return []
        if isinstance(value, int):
            return [value - 1, value + 1, 0]
        if isinstance(value, float):
            return [value - 1.0, value + 1.0, 0.0, value * 1.5]
        if isinstance(value, str):
            return [value + " ", "\t" + value, value.upper(), "", value + "\uc548\ub155"]
        if isinstance(value, (list, tuple)) and value:
            return [value[:0], value[::-1], value + value[:1], value[:-1]]
        return []

    def perturbed(args, kwargs):
        """The call's arguments with one changed, or with one number set equal to another."""
        out = []
        items = list(enumerate(args)) + list(kwargs.items())

        def with_value(where, new):
            a, k = list(args), dict(kwargs)
            if isinstance(where, int):
                a[where] = new
            else:
                k[where] = new
            return tuple(a), k
        for where, value in items:
            out += [with_value(where, new) for new in variants(value)]
        numbers = [(w, v) for w, v in items if isinstance(v, (int, float)) and not isinstance(v, bool)]
        for w1, _ in numbers:
            for w2, v2 in numbers:
                if w1 != w2:
                    out.append(with_value(w1, v2))
        return out

    def probe_calls(log):
        """Call each recorded function again on perturbed copies of the arguments the tests used:
        a mutant is equivalent only if these agree too. Bounded in calls and in time."""
        started, seen, n = time.monotonic(), set(), 0
        for label, fn, data in calls:
            if data in seen:
                continue
            seen.add(data)
            args, kwargs = pickle.loads(data)
            for a, k in perturbed(args, kwargs):
                if n >= max_probes or time.monotonic() - started > probe_seconds:
                    return
                n += 1
                try:
                    out = signature(fn(*pickle.loads(pickle.dumps(a)), **pickle.loads(pickle.dumps(k))))
                except BaseException as exc:  # noqa: BLE001 - an input the function refuses
                    out = "raised " + type(exc).__name__
                log.append(["probe", label, n, out])

    def record(names, log):
        """Wrap what the answer cell defined, so each call's result (and its arguments after it) is logged."""
        ns = shell.user_ns
        for name in names:
            value = ns.get(name)
            if isinstance(value, types.FunctionType):
                ns[name] = recorder(log, value, name)
            elif isinstance(value, type):
                for attr, member in list(vars(value).items()):
                    if isinstance(member, types.FunctionType):
                        setattr(value, attr, recorder(log, member, f"{name}.{attr}"))
            elif not isinstance(value, types.ModuleType):
                log.append([name, signature(value)])

    def run(source):
        """One cell, as the kernel runs it; True if it finished without an error."""
        try:
            transformed = shell.transform_cell(source)
        except Exception:  # noqa: BLE001
            return False
        result = asyncio.run(shell.run_cell_async(source, store_history=False, silent=True,
                                                  transformed_cell=transformed, preprocessing_exc_tuple=None))
        return bool(result.success)

    def trace_lines(covered):
        """Record which lines of the answer cell run (the cell's file name is learnt as it is compiled)."""
        names = set()
        cache = shell.compile.cache

        def caching(*args, **kwargs):
            name = cache(*args, **kwargs)
            if not names:
                names.add(name)
            return name
        shell.compile.cache = caching

        def local(frame, event, arg):
            if event == "line":
                covered.add(frame.f_lineno)
            return local

        def tracer(frame, event, arg):
            return local if frame.f_code.co_filename in names else None
        threading.settrace(tracer)
        sys.settrace(tracer)

    def child(answer, plan, recording, write, covered):
        os.setpgid(0, 0)
        sys.stdout = sys.stderr = io.StringIO()
        shell._showtraceback = lambda *a, **k: None  # no messages to the notebook from a fork
        shell.showtraceback = lambda *a, **k: None
        shell.display_pub.publish = lambda *a, **k: None
        log = []
        tasks = {}
        if covered is not None:
            trace_lines(covered)
        ran = run(answer)
        if ran and recording:
            record(plan["names"], log)
        for task, source in plan["cells"]:
            passed = ran and run(source)
            if task:
                tasks[task] = passed
        sys.settrace(None)
        threading.settrace(None)
        # The verdict first: a probe that hangs (an input the tests never try) cannot change it.
        os.write(write, json.dumps({"tasks": tasks, "lines": sorted(covered or ())}).encode() + b"\n")
        if recording and ran and all(tasks.values()):
            probe_calls(log)
        os.write(write, json.dumps(log).encode() + b"\n")
        os._exit(0)

    def fork(answer, recording, covered=None):
        """(result dict or None, why) for one answer source run in a child of this kernel."""
        plan = shell.user_ns["_course_mutant_plan"]
        read, write = os.pipe()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read)
                child(answer, plan, recording, write, covered)
            finally:
                os._exit(1)
        os.close(write)
        deadline = time.monotonic() + plan["timeout"]
        chunks = []
        why = ""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                why = f"ran longer than {plan['timeout']:g} s"
                break
            ready, _, _ = select.select([read], [], [], left)
            if ready:
                chunk = os.read(read, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        os.close(read)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        lines = b"".join(chunks).split(b"\n")
        try:
            result = json.loads(lines[0])
        except ValueError:
            return None, why or "the kernel crashed or exited"
        try:
            result["log"] = json.loads(lines[1])
        except (ValueError, IndexError):
            result["log"] = [None]  # the probes did not finish: never equivalent
        return result, ""

    def control(source):
        """The unchanged answer, run as the mutants will be: all its tests must pass."""
        started = time.monotonic()
        result, why = fork(source, True, set())
        if result is not None and not all(result["tasks"].values()):
            result, why = fork(source, False, set())  # recording may be what broke it: measure without
            state["record"] = False
        if result is None or not all(result["tasks"].values()):
            failed = [t for t, ok in (result or {}).get("tasks", {}).items() if not ok]
            raise ControlFailed(why or f"the reference fails {', '.join(failed)} in a forked kernel")
        state["control"] = sorted(map(json.dumps, result["log"]))
        state["lines"] = set(result["lines"])
        plan = shell.user_ns["_course_mutant_plan"]
        plan["timeout"] = min(plan["timeout"], max(10.0, 5 * (time.monotonic() - started)))

    def probe(source, first, last):
        """Run one mutant (its changed text is on lines first..last of the cell). It is the same as
        the reference only if the tests ran those lines and every recorded result is unchanged."""
        result, why = fork(source, state["record"])
        if result is None:  # an endless loop or a crash is a failed test for a learner too
            raise MutantResult(json.dumps({"tasks": {}, "why": why}))
        ran = any(line in state["lines"] for line in range(first, last + 1))
        probed = any(entry and entry[0] == "probe" for entry in result["log"])
        same = (ran and probed and state["record"] and None not in result["log"]
                and sorted(map(json.dumps, result["log"])) == state["control"])
        why = "" if ran else "the tests never run this line"
        raise MutantResult(json.dumps({"tasks": result["tasks"], "same": bool(same), "why": why}))

    return control, probe, json


_course_mutant_control, _course_mutant_probe, _json = _course_mutant_factory()
del _course_mutant_factory
