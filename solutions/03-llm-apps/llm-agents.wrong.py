# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% tool_schema_impl  (marks every parameter as required: the model must then invent values for limit and include_cancelled)
def tool_schema(func) -> dict:
    hints = typing.get_type_hints(func)
    hints.pop("return", None)
    properties = {name: {"type": JSON_TYPES[hint]} for name, hint in hints.items()}
    doc = inspect.getdoc(func) or ""
    return {
        "name": func.__name__,
        "description": doc.split("\n")[0],
        "parameters": {"type": "object", "properties": properties, "required": list(properties),
                       "additionalProperties": False},
    }

# %% safe_eval_impl  (an ast walker that checks node types, but lets bools through (isinstance(True, int)) and has no exponent limit)
def safe_eval(expr: str) -> int | float:
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise CalcError(str(exc)) from exc
    return _evaluate(tree.body)


OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
       ast.Div: lambda a, b: a / b, ast.Mod: lambda a, b: a % b, ast.Pow: lambda a, b: a ** b}


def _evaluate(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return _evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in OPS:
        try:
            return OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
        except ZeroDivisionError as exc:
            raise CalcError("division by zero") from exc
    raise CalcError(f"not allowed: {type(node).__name__}")

# %% parse_action_impl  (a greedy regex from the first { to the last }: breaks when the reply holds two objects or stray braces, and trusts the value types)
import re


def parse_action(text: str) -> ToolCall | FinalAnswer:
    match = re.search(r"\{.*\}", text, re.S)
    if match is None:
        raise ParseError("no JSON object in the reply")
    try:
        data = json.loads(match.group())
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    if "tool" in data:
        return ToolCall(data["tool"], data.get("arguments", {}))
    if "final_answer" in data:
        return FinalAnswer(data["final_answer"])
    raise ParseError('expected "tool" or "final_answer"')

# %% run_tool_impl  (the textbook `with ThreadPoolExecutor() as pool:` block: leaving it waits for the stuck tool, so the timeout returns only when the tool ends)
def run_tool(registry: dict, call: ToolCall, timeout_s: float) -> Observation:
    func = registry.get(call.tool)
    if func is None:
        return Observation(call.tool, False, f"unknown tool {call.tool!r}")
    try:
        bound = inspect.signature(func).bind(**call.arguments)
    except TypeError as exc:
        return Observation(call.tool, False, str(exc))
    hints = typing.get_type_hints(func)
    for name, value in bound.arguments.items():
        expected = hints.get(name)
        if expected is None:
            continue
        if isinstance(value, bool) and expected in (int, float):
            return Observation(call.tool, False, f"argument {name!r} has the wrong type")
        if not (isinstance(value, expected) or (expected is float and isinstance(value, int))):
            return Observation(call.tool, False, f"argument {name!r} has the wrong type")
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(func, **call.arguments)
        try:
            return Observation(call.tool, True, str(future.result(timeout=timeout_s)))
        except TimeoutError:
            return Observation(call.tool, False, f"timed out after {timeout_s} s")
        except Exception as exc:
            return Observation(call.tool, False, f"{type(exc).__name__}: {exc}")

# %% run_agent_impl  (skips a reply that does not parse and asks again: the model never sees its mistake, so at temperature 0 it repeats it until the budget runs out)
def run_agent(model, question: str, registry: dict, max_steps: int = 5, timeout_s: float = 2.0,
              max_tokens: int = 96) -> AgentResult:
    messages = [{"role": "system", "content": system_prompt(registry)}, {"role": "user", "content": question}]
    for step in range(1, max_steps + 1):
        reply = model.complete(messages, max_tokens=max_tokens, temperature=0)
        try:
            action = parse_action(reply.text)
        except ParseError:
            continue
        messages.append({"role": "assistant", "content": reply.text})
        if isinstance(action, FinalAnswer):
            return AgentResult("final", action.text, step, messages)
        messages.append(tool_message(run_tool(registry, action, timeout_s)))
    return AgentResult("max_steps", None, max_steps, messages)

# %% run_agent_impl  (passes temperature=0 but forgets to plumb max_tokens through: every call gets the model's default budget of 128, not the caller's)
def run_agent(model, question: str, registry: dict, max_steps: int = 5,
              timeout_s: float = 2.0, max_tokens: int = 96) -> AgentResult:
    messages = [{"role": "system", "content": system_prompt(registry)},
                {"role": "user", "content": question}]
    for step in range(1, max_steps + 1):
        reply = model.complete(messages, temperature=0)
        messages.append({"role": "assistant", "content": reply.text})
        try:
            action = parse_action(reply.text)
        except ParseError as error:
            messages.append(tool_message(Observation("parser", False, str(error))))
            continue
        if isinstance(action, FinalAnswer):
            return AgentResult("final", action.text, step, messages)
        messages.append(tool_message(run_tool(registry, action, timeout_s)))
    return AgentResult("max_steps", None, max_steps, messages)
