"""Mutants of reference answers: how strong an exercise's tests are, not only how honest.

`course verify` proves each exercise against the wrong answers its author thought of. This
module makes the other ones: small, mechanical changes to the reference solution of one answer
cell (a flipped comparison, an off-by-one constant, `and` for `or`, `min` for `max`, a dropped
normalization, a removed branch, a reversed sort, a handler that swallows the error), each graded
by the exercise's hidden tests. A mutant the tests pass is a *survivor*: a mistake a learner could
make and still get full marks.

Why our own operators, on the standard library's `ast`, rather than mutmut's or cosmic-ray's:
both mutate files on disk and run a test command per mutant (mutmut 3 through pytest and its
trampolines, cosmic-ray through a session database and workers); our unit is one notebook cell
graded by test cells in a sandboxed kernel, and neither exposes its operators as a library API.
The operator set below is theirs (mutmut's comparison, number, boolean, keyword and `break`
mutations, cosmic-ray's `ReplaceComparisonOperator`, `NumberReplacer`, `ReplaceBinaryOperator`,
`ExceptionReplacer`, `RemoveDecorator`-style statement removals), plus the mistakes review found
learners make (a sort reversed, a normalization dropped, `min` for `max`).

How mutants run (`mutant_kernel.py`): one sandboxed notebook per answer cell runs the reference
up to that cell, then, for each mutant, forks the kernel: the child runs the mutant in place of
the answer and the cells after it up to the last test of the cell's tasks, and reports which
tests failed. So a mutant costs its own cells, not the whole notebook, and every mutant starts
from the same state. A first fork runs the unchanged answer (the control): where it does not
pass, that cell's mutants are not measured and the report says so.

A mutant is *equivalent* (not counted) only when all three hold: the tests ran the line it
changes (the control traces the answer cell's lines); every function the answer cell defines
returned the same values, and left its arguments the same, on every call the tests made; and the
same on perturbed copies of those calls (each argument nudged: numbers by one, strings with
whitespace, a tab, upper case, Korean text, sequences emptied, reversed or with a duplicate; or
one number set equal to another, where boundaries hide). Without the probes, a boundary the
tests never reach would pass for an equivalence. Everything else that passes is a survivor.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import grading, guard
from .notebooks import grade_id, is_solution, is_test
from .paths import Exercise, repo_root

MAX_PER_CELL = 30  # mutants per answer cell: spread over the operators, the same ones every time
FLOOR = 0.8  # each task kills at least this share of its non-equivalent mutants
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION", re.M | re.S)
KERNEL_CODE = Path(__file__).with_name("mutant_kernel.py").read_text(encoding="utf-8")
SWAP_CALLS = {"min": "max", "max": "min", "any": "all", "all": "any", "floor": "ceil", "ceil": "floor",
              "argmin": "argmax", "argmax": "argmin", "nsmallest": "nlargest", "nlargest": "nsmallest",
              # NaN-aware reductions -> the plain ones, which a NaN turns into NaN
              "nanmean": "mean", "nansum": "sum", "nanmax": "max", "nanmin": "min", "nanmedian": "median",
              "nanpercentile": "percentile", "nanquantile": "quantile", "nanstd": "std"}
DROPPABLE_METHODS = {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "contiguous", "copy", "clone",
                     "detach", "dropna", "drop_duplicates", "reset_index"}
COMPARE_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                 ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}


@dataclass
class Mutant:
    answer: str  # grade_id of the answer cell
    operator: str  # what was changed, e.g. "< -> <="
    line: int  # in the answer cell's source
    source: str  # the whole answer cell, mutated
    original: str  # the whole answer cell as the course wrote it
    last_line: int = 0  # the mutated text ends on this line

    @property
    def id(self) -> str:
        """Stable across runs and unrelated edits: the cell and what the mutant's code is."""
        return f"{self.answer}:{hashlib.sha256(self.source.encode()).hexdigest()[:8]}"

    def diff(self) -> str:
        lines = difflib.unified_diff(self.original.splitlines(), self.source.splitlines(), lineterm="", n=1)
        return "\n".join(list(lines)[2:])


def solution_lines(source: str) -> set[int]:
    """1-based line numbers between `### BEGIN SOLUTION` and `### END SOLUTION` (the learner's part)."""
    lines: set[int] = set()
    for match in SOLUTION.finditer(source):
        first = source.count("\n", 0, match.start(1)) + 1
        lines.update(range(first, first + match.group(1).count("\n")))
    return lines


class _Sites(ast.NodeVisitor):
    """Every place an operator applies, as (node path, operator name, how to change a copy)."""

    def __init__(self, lines: set[int]) -> None:
        self.lines = lines
        self.sites: list[tuple[ast.AST, str, object]] = []  # (node, label, change)
        self.node: ast.AST | None = None

    def inside(self, node: ast.AST) -> bool:
        return getattr(node, "lineno", None) in self.lines

    def add(self, label: str, change) -> None:  # noqa: ANN001 - change(node) mutates a copy in place
        self.sites.append((self.node, label, change))

    def generic_visit(self, node: ast.AST) -> None:
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns"):  # type hints are not behaviour
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, ast.AST):
                    self.visit(item)

    def visit(self, node: ast.AST) -> None:
        if self.inside(node):
            self.node = node
            self.sites_for(node)
        super().visit(node)

    def sites_for(self, node: ast.AST) -> None:  # noqa: C901 - one branch per operator
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = COMPARE_SWAPS.get(type(op))
                if swap:
                    self.add(f"{_op_text(op)} -> {_op_text(swap())}",
                             lambda n, i=i, swap=swap: n.ops.__setitem__(i, swap()))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            self.add(f"{'and' if other is ast.Or else 'or'} -> {'or' if other is ast.Or else 'and'}",
                     lambda n, other=other: setattr(n, "op", other()))
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
            swap = BINOP_SWAPS[type(node.op)]
            self.add(f"{_op_text(node.op)} -> {_op_text(swap())}", lambda n, swap=swap: setattr(n, "op", swap()))
        elif isinstance(node, ast.AugAssign) and type(node.op) in (ast.Add, ast.Sub):
            swap = BINOP_SWAPS[type(node.op)]
            self.add(f"{_op_text(node.op)}= -> {_op_text(swap())}=", lambda n, swap=swap: setattr(n, "op", swap()))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            self.add(f"{node.value} -> {not node.value}", lambda n: setattr(n, "value", not n.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for label, text in string_mutants(node.value):
                self.add(label, lambda n, text=text: setattr(n, "value", text))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            self.add(f"{node.value!r} -> {node.value + 1!r}", lambda n: setattr(n, "value", n.value + 1))
            if node.value not in (0, 1):
                self.add(f"{node.value!r} -> {node.value - 1!r}", lambda n: setattr(n, "value", n.value - 1))
        elif isinstance(node, ast.Lambda) and isinstance(node.body, ast.Tuple) and len(node.body.elts) >= 2:
            self.add("tie-breaker dropped", lambda n: setattr(n, "body", n.body.elts[0]))  # key=lambda p: (s, -i)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.add("not x -> x", "unwrap-not")
        elif isinstance(node, ast.Slice):
            for part in ("lower", "upper"):
                bound = getattr(node, part)
                if bound is not None and not isinstance(bound, ast.Constant):
                    self.add(f"slice {part} + 1", lambda n, part=part: setattr(
                        n, part, ast.BinOp(getattr(n, part), ast.Add(), ast.Constant(1))))
        elif isinstance(node, ast.Call):
            self.call_sites(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)):
            self.add("call removed", lambda n: setattr(n, "value", ast.Constant(None)))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.add("with block unwrapped", "unwrap-with")
        elif isinstance(node, ast.ExceptHandler) and node.type is not None \
                and not any(isinstance(s, ast.Raise) for s in ast.walk(node)):
            self.add("handler catches another error", lambda n: setattr(n, "type", ast.Name("LookupError", ast.Load())))
        elif isinstance(node, ast.If):
            self.add("if branch removed", lambda n: setattr(n, "test", ast.Constant(False)))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and len(node.value.args) == 1 \
                and not node.value.keywords and not isinstance(node.value.args[0], ast.Starred):
            self.add(f"return {_name(node.value.func)}(x) -> return x",
                     lambda n: setattr(n, "value", n.value.args[0]))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.op, (ast.Div, ast.Mult, ast.FloorDiv)):
            self.add("return a / b -> return a", lambda n: setattr(n, "value", n.value.left))
        elif isinstance(node, ast.ExceptHandler) and any(isinstance(s, ast.Raise) for s in ast.walk(node)):
            self.add("handler swallows the error", lambda n: setattr(n, "body", [ast.Pass()]))
        elif isinstance(node, ast.Try) and node.finalbody:
            self.add("finally block removed", lambda n: setattr(n, "finalbody", []))
        elif isinstance(node, ast.Break):
            self.add("break -> continue", "continue")
        elif isinstance(node, ast.Continue):
            self.add("continue -> break", "break")

    def call_sites(self, node: ast.Call) -> None:
        name = _name(node.func)
        short = name.rsplit(".", 1)[-1]
        if short in SWAP_CALLS:
            self.add(f"{short} -> {SWAP_CALLS[short]}", lambda n, short=short: _rename_call(n, SWAP_CALLS[short]))
        if len(node.args) == 1 and not isinstance(node.args[0], (ast.Starred, ast.Constant)) \
                and short not in KEEP_CALLS and not short.startswith("_"):
            self.add(f"{short}(x) -> x", "unwrap-call")
        if short in ("sorted", "sort", "sort_values", "topk"):
            keyword = "largest" if short == "topk" else "ascending" if short == "sort_values" else "reverse"
            self.add(f"{short}(): order reversed", lambda n, keyword=keyword: _flip_keyword(n, keyword))
        for i, kw in enumerate(node.keywords):  # a forgotten argument: temperature, dtype, kind="stable"
            if kw.arg is not None:
                self.add(f"{kw.arg}= dropped", lambda n, i=i: n.keywords.pop(i))
        if isinstance(node.func, ast.Attribute) and not node.args and not node.keywords:
            if node.func.attr in DROPPABLE_METHODS:  # x.strip() -> x: whitespace, case, a copy, contiguity
                self.add(f".{node.func.attr}() dropped", lambda n: setattr(n, "func", ast.Attribute(
                    n.func.value, "__self_mutant__", ast.Load())))
            if node.func.attr == "split":
                self.add("split() -> split(' ')", lambda n: n.args.append(ast.Constant(" ")))
        if short == "normalize" and len(node.args) == 2:  # unicodedata.normalize("NFC", x) -> x
            self.add("normalize(form, x) -> x", "unwrap-call-last")


KEEP_CALLS = {"len", "range", "print", "str", "int", "float", "bool", "repr", "type", "isinstance", "enumerate",
              "zip", "iter", "next", "open", "append", "add", "get", "pop", "join", "split", "format", "encode",
              "decode", "items", "keys", "values", "update", "extend", "remove", "discard", "setdefault",
              "Path", "dict", "tuple", "set", "frozenset", "super", "getattr", "hasattr", "id", "hash",
              "ValueError", "TypeError", "KeyError", "RuntimeError", "Exception", "HTTPException"}
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)\b", re.I)
SQL_SWAPS = [(r"\bASC\b", "DESC"), (r"\bDESC\b", "ASC"), (r"\bAND\b", "OR"), (r"\bOR\b(?! (REPLACE|IGNORE))", "AND"),
             (r">=", ">"), (r"<=", "<"), (r"(?<![<>!=])>(?!=)", ">="), (r"(?<![<>!=])<(?![=>])", "<="),
             (r" NOT NULL\b", ""), (r" UNIQUE\b", ""), (r"\bDISTINCT ", ""), (r"\bLEFT JOIN\b", "JOIN"),
             (r"\bON\b$", "OFF"), (r"(ORDER BY [\w.]+)(?![\w.]| (ASC|DESC))", r"\1 DESC"), (r"\bDO UPDATE SET\b.*", "DO NOTHING")]
REGEX_HINT = re.compile(r"\\[bdswBDSW]|\(\?|\[[^\]]+\]|\{\d")


def string_mutants(text: str) -> list[tuple[str, str]]:
    """Mutants of a string constant that is code in another language: SQL (a clause's sense flipped,
    a constraint dropped) or a regular expression (a boundary dropped, a repeat count off by one)."""
    out = []
    if SQL.search(text):
        for pattern, repl in SQL_SWAPS:
            for m in re.finditer(pattern, text, re.M):
                new = text[:m.start()] + m.expand(repl) + text[m.end():]
                out.append((f"SQL {m.group(0).strip()!r} -> {m.expand(repl).strip()!r}", new))
        return out
    if not REGEX_HINT.search(text):
        return out
    try:
        re.compile(text)
    except re.error:
        return out
    for m in re.finditer(r"\\b", text):
        out.append(("regex \\b dropped", text[:m.start()] + text[m.end():]))
    for m in re.finditer(r"\{(\d+)(,?)(\d*)\}", text):
        low, comma, high = int(m[1]), m[2], m[3]
        options = [f"{{{low + 1}{comma}{high}}}"]
        if low > 0:
            options.append(f"{{{low - 1}{comma}{high}}}")
        if high and int(high) > low + 1:
            options.append(f"{{{low}{comma}{int(high) - 1}}}")
        for option in options:
            out.append((f"regex {m[0]} -> {option}", text[:m.start()] + option + text[m.end():]))
    for m in re.finditer(r"(?<!\\)\+", text):
        out.append(("regex + -> *", text[:m.start()] + "*" + text[m.end():]))
    for m in re.finditer(r"\(\?<?[!=][^()]*\)", text):  # a lookaround dropped
        out.append((f"regex {m[0]} dropped", text[:m.start()] + text[m.end():]))
    return out


def _op_text(op: ast.AST) -> str:
    return {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
            ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-",
            ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}[type(op)]


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    return "f"


def _rename_call(node: ast.Call, new: str) -> None:
    if isinstance(node.func, ast.Name):
        node.func.id = new
    elif isinstance(node.func, ast.Attribute):
        node.func.attr = new


def _flip_keyword(node: ast.Call, keyword: str) -> None:
    """reverse=X -> reverse=not X; no keyword -> the opposite of its default."""
    default = {"reverse": False, "ascending": True, "largest": True}[keyword]
    for kw in node.keywords:
        if kw.arg == keyword:
            kw.value = ast.UnaryOp(ast.Not(), kw.value)
            return
    node.keywords.append(ast.keyword(keyword, ast.Constant(not default)))


def _replacement(node: ast.AST, change) -> str:  # noqa: ANN001
    """The source text that takes the place of `node` once `change` is applied to a copy of it."""
    new = copy.deepcopy(node)
    if change == "unwrap-not":
        new = new.operand
    elif change == "unwrap-call":
        new = new.args[0]
    elif change == "unwrap-call-last":
        new = new.args[-1]
    elif change == "unwrap-with":
        new = new.body
    elif change in ("continue", "break"):
        new = ast.Continue() if change == "continue" else ast.Break()
    else:
        change(new)
    if isinstance(new, ast.Call) and isinstance(new.func, ast.Attribute) and new.func.attr == "__self_mutant__":
        new = new.func.value  # a dropped method call: only its receiver is left
    if isinstance(new, list):
        text = "\n".join(ast.unparse(ast.fix_missing_locations(n)) for n in new)
    else:
        text = ast.unparse(ast.fix_missing_locations(new))
        if isinstance(node, ast.expr) and not isinstance(node, ast.Slice) and _precedence(new) < _precedence(node):
            text = f"({text})"  # what surrounds it still groups the same way
    return text.replace("\n", "\n" + " " * node.col_offset)


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.BoolOp):
        return 1 if isinstance(node.op, ast.Or) else 2
    if isinstance(node, ast.BinOp):
        return 10 if isinstance(node.op, (ast.Add, ast.Sub)) else 11
    return {ast.IfExp: 0, ast.Lambda: 0, ast.NamedExpr: 0, ast.UnaryOp: 3, ast.Compare: 4,
            ast.Await: 12}.get(type(node), 100)


def _splice(source: str, node: ast.AST, text: str) -> str:
    """`source` with `node`'s text replaced (ast's columns count UTF-8 bytes); the rest, comments
    and solution markers included, stays as it was, and so do the line numbers before it."""
    data = source.encode("utf-8")
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    begin = starts[node.lineno - 1] + node.col_offset
    end = starts[node.end_lineno - 1] + node.end_col_offset
    return (data[:begin] + text.encode("utf-8") + data[end:]).decode("utf-8")


def mutate(answer: str, source: str) -> list[Mutant]:
    """The mutants of one answer cell's reference source, at most MAX_PER_CELL, the same every time.
    Only code between the solution markers is changed (what the learner writes); each mutant is
    the cell's own text with one piece replaced, so its lines are where the reference has them."""
    lines = solution_lines(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:  # an IPython magic (%%writefile ...): not mutated
        return []
    finder = _Sites(lines)
    finder.visit(tree)
    mutants, seen = [], {ast.dump(tree)}
    for node, label, change in finder.sites:
        try:
            text = _replacement(node, change)
            mutated = _splice(source, node, text)
            same_as = ast.dump(ast.parse(mutated))  # two operators can make the same program
            compile(mutated, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError, AttributeError, IndexError):
            continue
        if same_as in seen:
            continue
        seen.add(same_as)
        last = node.lineno + text.count("\n")
        mutants.append(Mutant(answer, label, node.lineno, mutated, source, last))
    return _spread(mutants, MAX_PER_CELL)


def _spread(mutants: list[Mutant], cap: int) -> list[Mutant]:
    """At most `cap`, taken round-robin over operators so that every kind of mistake is tried."""
    if len(mutants) <= cap:
        return mutants
    by_kind: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_kind.setdefault(m.operator.split(" ")[0], []).append(m)
    picked: list[Mutant] = []
    while len(picked) < cap:
        for group in by_kind.values():
            if group and len(picked) < cap:
                picked.append(group.pop(0))
    return sorted(picked, key=mutants.index)


def task_groups(reference: NotebookNode) -> dict[str, list[str]]:
    """Answer cell -> the tasks that judge it: the test cells after it, up to the next answer cell
    that follows a test (several answer cells before one test are all judged by it)."""
    groups: dict[str, list[str]] = {}
    pending: list[str] = []
    after_test = False
    for cell in reference.cells:
        if is_solution(cell) and cell.cell_type == "code":
            if after_test:
                pending, after_test = [], False
            pending.append(grade_id(cell))
            groups.setdefault(grade_id(cell), [])
        elif is_test(cell):
            named = cell.metadata.get("course", {}).get("checks")
            for answer in [named] if named else pending:
                groups.setdefault(answer, []).append(grade_id(cell))
            after_test = True
    return groups


@dataclass
class CellPlan:
    """One answer cell's mutants and the notebook that grades them."""
    exercise: Exercise
    answer: str
    tasks: list[str]
    mutants: list[Mutant]
    notebook: NotebookNode | None = None
    skipped: str = ""  # why this cell has no mutants run


def probe_notebook(reference: NotebookNode, answer: str, tasks: list[str], mutants: list[Mutant],
                   child_timeout: float) -> NotebookNode:
    """The assembled grading notebook (guard included) up to the answer cell, then the probes:
    the mutation helpers, this cell's plan, the control, one cell per mutant."""
    nb, _, _ = grading.assemble(reference, reference)
    at = next(i for i, c in enumerate(nb.cells) if is_solution(c) and grade_id(c) == answer)
    last = max(i for i, c in enumerate(nb.cells) if is_test(c) and grade_id(c) in tasks)
    follow = []
    for cell in nb.cells[at + 1:last + 1]:
        if cell.cell_type != "code" or guard.is_guard(cell):
            continue
        follow.append([grade_id(cell) if is_test(cell) and grade_id(cell) in tasks else "", cell.source])
    plan = {"answer": answer, "names": guard.bound_names(nb.cells[at].source), "cells": follow,
            "timeout": child_timeout}
    probes = [nbformat.v4.new_code_cell(KERNEL_CODE),
              nbformat.v4.new_code_cell(f"_course_mutant_plan = _json.loads({json.dumps(plan)!r})"),
              nbformat.v4.new_code_cell(f"_course_mutant_control({nb.cells[at].source!r})")]
    probes += [nbformat.v4.new_code_cell(f"_course_mutant_probe({m.source!r}, {m.line}, {m.last_line or m.line})")
               for m in mutants]
    for cell in probes:
        cell.metadata["course_mutant"] = True
    out = copy.deepcopy(nb)
    out.cells = nb.cells[:at] + probes
    return grading.as_notebook(reference, out.cells)


def plan_exercise(exercise: Exercise, reference: NotebookNode, child_timeout: float) -> list[CellPlan]:
    groups = task_groups(reference)
    plans = []
    for cell in reference.cells:
        if not (is_solution(cell) and cell.cell_type == "code"):
            continue
        answer = grade_id(cell)
        plan = CellPlan(exercise, answer, groups.get(answer, []), mutate(answer, cell.source))
        if not plan.tasks:
            plan.skipped = "no test cell judges it"
        elif not plan.mutants:
            plan.skipped = "not Python (a magic)" if cell.source.lstrip().startswith("%") else "nothing to mutate"
        else:
            plan.notebook = probe_notebook(reference, answer, plan.tasks, plan.mutants, child_timeout)
        plans.append(plan)
    return plans


@dataclass
class Outcome:
    """What happened to one mutant."""
    mutant: Mutant
    verdict: str  # "killed", "survived", "equivalent", "unmeasured"
    tasks: dict[str, bool] = field(default_factory=dict)  # task -> its tests passed
    detail: str = ""


def read_outcomes(plan: CellPlan, cells: dict[int, object], problem: str) -> list[Outcome]:  # noqa: ANN001
    """The probe cells' outcomes (sandbox.CellOutcome by cell index) as one Outcome per mutant."""
    nb = plan.notebook
    first = next(i for i, c in enumerate(nb.cells) if c.metadata.get("course_mutant"))
    control = cells.get(first + 2)
    if control is None or control.status != "ok":
        why = control.evalue if control is not None else (problem or "the probe did not run")
        return [Outcome(m, "unmeasured", detail=f"control: {why}") for m in plan.mutants]
    outcomes = []
    for offset, mutant in enumerate(plan.mutants):
        cell = cells.get(first + 3 + offset)
        if cell is None or cell.ename != "MutantResult":
            detail = cell.message if cell is not None else (problem or "not run")
            outcomes.append(Outcome(mutant, "unmeasured", detail=detail))
            continue
        try:
            result = json.loads(cell.evalue)
        except ValueError:
            outcomes.append(Outcome(mutant, "unmeasured", detail=cell.evalue))
            continue
        if not result.get("tasks"):  # no verdict from the tests: it timed out or crashed the kernel
            outcomes.append(Outcome(mutant, "killed", {}, result.get("why", "")))
            continue
        passed = {task: bool(result["tasks"].get(task)) for task in plan.tasks}
        if not all(passed.values()):
            verdict = "killed"
        elif result.get("same"):
            verdict = "equivalent"
        else:
            verdict = "survived"
        outcomes.append(Outcome(mutant, verdict, passed, result.get("why", "")))
    return outcomes


def fingerprint(exercise: Exercise) -> str:
    """What a mutation result depends on: the exercise's source, its accepted survivors and the
    mutation machinery itself (not the rest of the grader: see DEVELOPERS.md)."""
    h = hashlib.sha256()
    for path in (exercise.source, survivors_path(exercise), Path(__file__), Path(__file__).with_name("mutant_kernel.py")):
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:16]


def survivors_path(exercise: Exercise) -> Path:
    return exercise.source.with_name(f"{exercise.name}.survivors.txt")


def read_accepted(exercise: Exercise) -> dict[str, str]:
    """`<mutant id>  <why it is equivalent or harmless>` lines; `#` starts a comment."""
    path = survivors_path(exercise)
    if not path.exists():
        return {}
    accepted = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            ident, _, why = line.partition(" ")
            accepted[ident] = why.strip()
    return accepted


RESULTS = ".ci/mutants.json"  # the last full result per exercise (tracked; the docs table is made from it)
REPORT = "MUTATION.md"


def task_rows(plans: list[CellPlan], outcomes: dict[str, list[Outcome]], accepted: dict[str, str]) -> list[dict]:
    """Per task: mutants made, equivalent, killed, survived (accepted or not), and whether the floor holds."""
    rows: dict[str, dict] = {}
    for plan in plans:
        for task in plan.tasks:
            row = rows.setdefault(task, {"task": task, "made": 0, "equivalent": 0, "killed": 0, "survived": [],
                                         "accepted": [], "unmeasured": 0, "answers": []})
            row["answers"].append(plan.answer)
            for o in outcomes.get(plan.answer, []):
                row["made"] += 1
                if o.verdict == "unmeasured":
                    row["unmeasured"] += 1
                elif o.verdict == "equivalent":
                    row["equivalent"] += 1
                elif o.verdict == "killed":  # by any of the cell's tasks: the grade is not full
                    row["killed"] += 1
                elif o.mutant.id in accepted:
                    row["accepted"].append(o.mutant.id)
                else:
                    row["survived"].append(o.mutant.id)
    for row in rows.values():
        counted = row["killed"] + len(row["survived"]) + len(row["accepted"])
        row["score"] = round(row["killed"] / counted, 3) if counted else None
        row["ok"] = row["unmeasured"] == 0 and (not row["survived"] or (row["score"] or 0) >= FLOOR)
    return list(rows.values())


def load_results() -> dict:
    try:
        data = json.loads((repo_root() / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run(*, only: str | None, changed: str | None, jobs: int, cell_timeout: int, memory_mb: int,
        console, fresh: bool = False) -> int:  # noqa: ANN001 - a rich Console
    """`course verify --mutants`: make, grade and judge the mutants; update the results and docs."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import runcache, sandbox, verify
    from .notebooks import read_source
    from .paths import CourseError, all_exercises

    exercises = [e for e in all_exercises() if not e.name.startswith("capstone-")
                 and (not only or e.module.startswith(only) or e.name == only)]
    if changed is not None:
        exercises, why = changed_exercises(verify.changed_files(changed), exercises)
        console.print(f"--changed {changed}: {why}; {len(exercises)} exercise(s)", highlight=False)
        if not exercises:
            console.print("[green]No exercise changed: no mutants to run.[/green]")
            return 0
    if not exercises:
        raise CourseError(f"no exercise to mutate{f' for {only!r}' if only else ''} (the capstone is not mutated)")
    started = time.monotonic()
    plans: dict[str, list[CellPlan]] = {}
    cell_budgets: dict[str, int] = {}  # per exercise: its cell time limit (grading.time_budget)
    for exercise in exercises:
        reference = read_source(exercise)
        cell_budgets[exercise.key] = grading.time_budget(reference, cell_timeout, 300)[0]
        plans[exercise.key] = plan_exercise(exercise, reference,
                                            child_timeout=max(10, cell_budgets[exercise.key] - 10))
    todo = [p for ps in plans.values() for p in ps if p.notebook is not None]
    cache = runcache.RunCache(read=not fresh)  # --fresh: run all, store anew
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    n_mutants = sum(len(p.mutants) for p in todo)
    with sandbox.job_pool(jobs, runs=len(todo), memory_mb=memory_mb) as pool, \
            Progress(*columns, console=console) as bar:
        task = bar.add_task(f"Grading {n_mutants} mutants of {len(todo)} answer cells", total=n_mutants)
        futures = {}
        for plan in sorted(todo, key=lambda p: -len(p.mutants)):
            budget = cell_budgets[plan.exercise.key]
            future = pool.submit(sandbox.run, plan.notebook, cell_timeout=budget,
                                 total_timeout=min(3600, 120 + budget * (len(plan.mutants) + 2)),
                                 memory_mb=memory_mb, cache=cache)
            future.add_done_callback(lambda _, n=len(plan.mutants): bar.advance(task, n))
            futures[(plan.exercise.key, plan.answer)] = future
        results = {k: f.result() for k, f in futures.items()}
    seconds = time.monotonic() - started
    stored = load_results()
    failures = 0
    table_rows = []
    for exercise in exercises:
        accepted = read_accepted(exercise)
        outcomes: dict[str, list[Outcome]] = {}
        for plan in plans[exercise.key]:
            if plan.notebook is not None:
                result = results[(exercise.key, plan.answer)]
                outcomes[plan.answer] = read_outcomes(plan, result.cells, result.problem)
        rows = task_rows(plans[exercise.key], outcomes, accepted)
        by_id = {o.mutant.id: o for os_ in outcomes.values() for o in os_}
        stale = sorted(set(accepted) - set(by_id))
        stored[exercise.key] = {
            "fingerprint": fingerprint(exercise), "rows": rows,
            "skipped": {p.answer: p.skipped for p in plans[exercise.key] if p.skipped},
            "survivors": {i: {"operator": by_id[i].mutant.operator, "diff": by_id[i].mutant.diff()}
                          for row in rows for i in row["survived"] + row["accepted"]},
            "equivalent": {o.mutant.id: {"operator": o.mutant.operator, "diff": o.mutant.diff()}
                           for o in by_id.values() if o.verdict == "equivalent"},
            "unmeasured": {o.mutant.id: o.detail for o in by_id.values() if o.verdict == "unmeasured"},
            # killed with no test verdict: the mutant looped past the time limit or killed the kernel
            "killed_by_limit": {o.mutant.id: o.detail for o in by_id.values() if o.verdict == "killed" and not o.tasks},
            "stale_accepted": stale}
        for row in rows:
            table_rows.append((exercise, row))
            failures += not row["ok"]
        failures += bool(stale)
    _print_table(table_rows, stored, console)
    whole = only is None and changed is None
    if whole:
        stored["_full_pass"] = {"seconds": round(seconds), "mutants": n_mutants, "cells": len(todo)}
    _write_results(stored)
    console.print(f"{n_mutants} mutants of {len(todo)} answer cells in {seconds:.0f} s; "
                  f"results in {RESULTS}, table in {REPORT}", highlight=False)
    if failures:
        console.print(f"[red]{failures} task(s) below the floor ({FLOOR:.0%} of non-equivalent mutants killed, "
                      f"or every survivor accepted in <exercise>.survivors.txt).[/red]")
        return 1
    console.print(f"[green]Every task kills at least {FLOOR:.0%} of its mutants or accepts its survivors.[/green]")
    return 0


MACHINERY = ("autograder/mutants.py", "autograder/mutant_kernel.py")


def changed_exercises(files: list[str], exercises: list[Exercise]) -> tuple[list[Exercise], str]:
    """What a diff touches, for mutants: what `fingerprint` reads. An exercise's source or accepted
    survivors -> that exercise; the mutation machinery -> every exercise. (The rest of the grader
    decides how a notebook runs, not which mistakes its tests catch: `course verify` covers it.)"""
    if any(f in MACHINERY for f in files):
        return exercises, "the mutation machinery changed: every exercise"
    names = {Path(f).name.split(".")[0] for f in files if f.startswith("solutions/") and
             (f.endswith(".md") or f.endswith(".survivors.txt"))}
    return [e for e in exercises if e.name in names], f"{len(files)} changed file(s)"


def _print_table(table_rows, stored, console) -> None:  # noqa: ANN001
    from rich.table import Table

    table = Table(title=f"Mutants: each task must kill {FLOOR:.0%} of the non-equivalent ones", title_justify="left")
    for col in ("Exercise", "Task", "Made", "Equiv.", "Killed", "Survived", "Accepted", "Killed %", ""):
        table.add_column(col, justify="left" if col in ("Exercise", "Task", "") else "right")
    for exercise, row in table_rows:
        score = "-" if row["score"] is None else f"{row['score']:.0%}"
        status = "[green]ok[/green]" if row["ok"] else "[red]FAIL[/red]"
        if row["unmeasured"]:
            status += f" ({row['unmeasured']} unmeasured)"
        table.add_row(exercise.name, row["task"], str(row["made"]), str(row["equivalent"]), str(row["killed"]),
                      str(len(row["survived"])), str(len(row["accepted"])), score, status)
    console.print(table)
    for exercise, row in table_rows:
        if row["ok"]:
            continue
        entry = stored[exercise.key]
        for ident in row["survived"]:
            survivor = entry["survivors"][ident]
            console.print(f"[yellow]survivor[/yellow] {exercise.name} {ident} ({survivor['operator']}), "
                          f"passes '{row['task']}':", highlight=False)
            console.print(survivor["diff"], markup=False, highlight=False)
        for ident in entry["unmeasured"]:
            console.print(f"[yellow]unmeasured[/yellow] {exercise.name} {ident}: {entry['unmeasured'][ident]}",
                          highlight=False)
    for exercise, _ in dict.fromkeys((e, None) for e, _ in table_rows):
        for ident in stored[exercise.key]["stale_accepted"]:
            console.print(f"[red]FAIL[/red] {exercise.name}: accepted survivor {ident} is no longer made "
                          f"(remove it from {survivors_path(exercise).name})", highlight=False)


def _write_results(stored: dict) -> None:
    path = repo_root() / RESULTS
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    (repo_root() / REPORT).write_text(render(stored), encoding="utf-8")


def render(stored: dict) -> str:
    """MUTATION.md: the table of every task and every survivor, from the stored results."""
    full = stored.get("_full_pass", {})
    out = ["# Mutation testing: how strong each exercise's tests are", "",
           "Written by `course verify --mutants` (see DEVELOPERS.md, \"Mutants\"); do not edit by hand.", ""]
    if full:
        out += [f"Last full pass: {full['mutants']} mutants of {full['cells']} answer cells in "
                f"{full['seconds']} s on 2 cores.", ""]
    out += ["| Exercise | Task | Made | Equivalent | Killed | Survived | Accepted | Killed % | Floor |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    keys = sorted(k for k in stored if not k.startswith("_"))
    for key in keys:
        for row in stored[key]["rows"]:
            score = "-" if row["score"] is None else f"{row['score']:.0%}"
            out.append(f"| {key.split('/')[1]} | {row['task']} | {row['made']} | {row['equivalent']} | "
                       f"{row['killed']} | {len(row['survived'])} | {len(row['accepted'])} | {score} | "
                       f"{'met' if row['ok'] else '**below**'} |")
    out += ["", "## Survivors", "",
            "A survivor is a change to the reference answer that the hidden tests pass. Accepted ones are listed,",
            "with why, in `solutions/<module>/<exercise>.survivors.txt`.", ""]
    for key in keys:
        entry = stored[key]
        if not entry["survivors"]:
            continue
        accepted = {i for row in entry["rows"] for i in row["accepted"]}
        out += [f"### {key.split('/')[1]}", ""]
        for ident, survivor in sorted(entry["survivors"].items()):
            out += [f"`{ident}` ({survivor['operator']}){' - accepted' if ident in accepted else ''}", "",
                    "```diff", survivor["diff"], "```", ""]
    return "\n".join(out).rstrip() + "\n"
