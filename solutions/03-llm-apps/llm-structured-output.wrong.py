# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% extract_json_impl  (the first "{" to the last "}": the snippet everyone copies; breaks on two objects or braces in trailing prose)
def extract_json(text: str) -> dict:
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        raise ValueError(f"no JSON object found in the reply: {text[:60]!r}")
    return json.loads(text[start : end + 1])

# %% ticket_model_impl  (pattern without ^...$ anchors: pydantic's pattern is a search, not a full match, unlike re.fullmatch)
class Ticket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["billing", "shipping", "account", "other"]
    priority: int = Field(ge=1, le=5)
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    order_id: str | None = Field(default=None, pattern=r"ORD-\d{6}")

    @field_validator("category", mode="before")
    @classmethod
    def lowercase_category(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

# %% structured_complete_impl  (catches only pydantic's ValidationError: a reply with no JSON at all crashes the loop instead of being retried)
def structured_complete(model, messages, schema_cls, max_attempts=3, max_tokens=128):
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    conversation = list(messages)
    attempts = []
    for _ in range(max_attempts):
        reply = model.complete(conversation, max_tokens=max_tokens, temperature=0)
        try:
            obj = schema_cls.model_validate(extract_json(reply.text))
            attempts.append(Attempt(reply.text, None, reply.prompt_tokens, reply.completion_tokens))
            return obj, attempts
        except ValidationError as exc:
            error = describe_error(exc)
            attempts.append(Attempt(reply.text, error, reply.prompt_tokens, reply.completion_tokens))
            conversation += [{"role": "assistant", "content": reply.text},
                             {"role": "user", "content": RETRY_TEMPLATE.format(error=error)}]
    raise StructuredOutputError(attempts)

# %% extract_ticket_impl  (counts only the accepted reply's tokens, and none for a fallback: the failed attempts vanish from the bill)
def extract_ticket(model, text: str, max_attempts: int = 3, max_tokens: int = 128) -> Extraction:
    try:
        ticket, attempts = structured_complete(model, ticket_messages(text), Ticket, max_attempts, max_tokens)
    except StructuredOutputError as exc:
        summary = " ".join(text.split())[:120] or "(empty ticket)"
        return Extraction(Ticket(category="other", priority=3, summary=summary), True, len(exc.attempts), 0)
    accepted = attempts[-1]
    return Extraction(ticket, False, len(attempts), accepted.prompt_tokens + accepted.completion_tokens)

# %% constrained_impl  (masks by multiplying the logits by 0/1: a forbidden token's logit becomes 0, which beats every negative allowed logit)
def allowed_token_ids(prefix: str, labels: list[str], vocab: list[str]) -> list[int]:
    allowed = []
    for token_id, token in enumerate(vocab):
        if token == EOS:
            if prefix in labels:
                allowed.append(token_id)
        elif any(label.startswith(prefix + token) for label in labels):
            allowed.append(token_id)
    return allowed


def constrained_choice(next_logits, labels: list[str], vocab: list[str]) -> str:
    prefix = ""
    while True:
        allowed = set(allowed_token_ids(prefix, labels, vocab))
        if not allowed:
            raise ValueError(f"no token can continue {prefix!r} towards one of {labels}")
        logits = next_logits(prefix)
        masked = [logit * (token_id in allowed) for token_id, logit in enumerate(logits)]
        best = max(range(len(masked)), key=lambda token_id: masked[token_id])
        if vocab[best] == EOS:
            return prefix
        prefix += vocab[best]

# %% extract_ticket_impl  (passes max_attempts on but forgets max_tokens: structured_complete then uses its own default of 128 whatever the caller asked for)
def extract_ticket(model, text: str, max_attempts: int = 3,
                   max_tokens: int = 128) -> Extraction:
    try:
        ticket, attempts = structured_complete(model, ticket_messages(text), Ticket,
                                               max_attempts)
        needs_review = False
    except StructuredOutputError as exc:
        attempts = exc.attempts
        summary = " ".join(text.split())[:120] or "(empty ticket)"
        ticket = Ticket(category="other", priority=3, summary=summary)
        needs_review = True
    tokens = sum(a.prompt_tokens + a.completion_tokens for a in attempts)
    return Extraction(ticket, needs_review, len(attempts), tokens)
