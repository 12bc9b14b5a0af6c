# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% render_impl  (trusts Template.substitute to check the values: a missing one raises KeyError, not ValueError, a typo passes silently, and one pass of re.sub leaves the tag that nested pieces form)
def render(template_text: str, **values) -> str:
    cleaned = {key: re.sub(r"</?[A-Za-z0-9_-]+>", "", str(value)) for key, value in values.items()}
    return string.Template(template_text).substitute(cleaned)

# %% load_impl  (sorts the file names as strings: 'triage.v10.txt' < 'triage.v9.txt', so v9 looks newest)
def load_prompt(directory, name: str, version: int | None = None) -> PromptTemplate:
    if version is None:
        candidates = sorted(Path(directory).glob(f"{name}.v*.txt"))
        if not candidates:
            raise FileNotFoundError(f"no prompt named {name!r}")
        path = candidates[-1]
        version = int(path.name[len(name) + 2:-4])
    else:
        path = Path(directory) / f"{name}.v{version}.txt"
        if not path.exists():
            raise FileNotFoundError(f"no version {version} of prompt {name!r}")
    return PromptTemplate(name, version, path.read_text(encoding="utf-8"))

# %% few_shot_impl  (checks the budget before the query is appended: system + examples fit, then the query pushes the prompt over)
def few_shot_messages(system: str, examples: list, query: str, model, max_prompt_tokens: int) -> list[dict]:
    messages = [{"role": "system", "content": system}]
    for example_input, example_output in examples:
        pair = [{"role": "user", "content": example_input}, {"role": "assistant", "content": example_output}]
        if model.count_tokens(messages + pair) > max_prompt_tokens:
            break
        messages += pair
    return messages + [{"role": "user", "content": query}]

# %% parse_impl  (substring search that returns the first label it sees: 'bug' in 'debugging', and 'positive and negative' counts as positive)
def parse_label(text: str, labels: list[str]) -> str | None:
    for label in labels:
        if label.lower() in text.lower():
            return label
    return None

# %% evaluate_impl  (compares the raw reply with the label instead of parsing it: 'Positive.' never equals 'positive')
COLUMNS = ["name", "version", "expected", "predicted", "correct", "reply", "prompt_tokens"]


def evaluate_prompt(model, prompt: PromptTemplate, dataset: list[dict], labels: list[str],
                    max_tokens: int = 16) -> pd.DataFrame:
    rows = []
    for item in dataset:
        values = {key: value for key, value in item.items() if key != "label"}
        messages = [{"role": "user", "content": render(prompt.text, **values)}]
        reply = model.complete(messages, max_tokens=max_tokens, temperature=0.0)
        predicted = reply.text.strip().lower()
        rows.append({"name": prompt.name, "version": prompt.version, "expected": item["label"],
                     "predicted": predicted, "correct": predicted == item["label"],
                     "reply": reply.text, "prompt_tokens": reply.prompt_tokens})
    return pd.DataFrame(rows, columns=COLUMNS)

# %% evaluate_impl  (passes max_tokens but not temperature=0.0: the score then depends on the backend's default temperature, 1.0 on most hosted APIs, and changes from run to run)
COLUMNS = ["name", "version", "expected", "predicted", "correct", "reply",
           "prompt_tokens"]


def evaluate_prompt(model, prompt: PromptTemplate, dataset: list[dict],
                    labels: list[str], max_tokens: int = 16) -> pd.DataFrame:
    rows = []
    for item in dataset:
        values = {key: value for key, value in item.items() if key != "label"}
        messages = [{"role": "user", "content": render(prompt.text, **values)}]
        reply = model.complete(messages, max_tokens=max_tokens)
        predicted = parse_label(reply.text, labels)
        rows.append({"name": prompt.name, "version": prompt.version,
                     "expected": item["label"], "predicted": predicted,
                     "correct": predicted == item["label"],
                     "reply": reply.text, "prompt_tokens": reply.prompt_tokens})
    return pd.DataFrame(rows, columns=COLUMNS)
