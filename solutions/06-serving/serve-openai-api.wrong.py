# Plausible wrong answers, one section per answer cell (a repeated grade_id: another variant).
# `course verify` proves each one loses points.

# %% chat_request_impl  (temperature 0 to 1, as in Anthropic's API, and max_tokens without bounds: every visible case still passes)
class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "tool"]
    content: str


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float = Field(default=1.0, ge=0.0, le=1.0)
    max_tokens: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None

# %% errors_impl  (Module 1's handler reused: FastAPI's 422 kept and the loc joined with dots, "body.messages")
def install_openai_errors(app: FastAPI) -> None:
    async def on_validation(request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        param = ".".join(str(part) for part in first["loc"])
        error = {"message": first["msg"], "type": "invalid_request_error",
                 "param": param, "code": "invalid_value"}
        return JSONResponse({"error": error}, status_code=422)

    async def on_app_error(request, exc: OpenAIStyleError) -> JSONResponse:
        error = {"message": exc.message, "type": exc.type, "param": exc.param,
                 "code": exc.code}
        return JSONResponse({"error": error}, status_code=exc.status_code)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(OpenAIStyleError, on_app_error)

# %% completion_impl  (total_tokens taken to mean the tokens generated, the ones that cost the most)
def completion_response(completion: Completion, request, *, completion_id: str,
                        created: int) -> dict:
    allowed = request.max_tokens or DEFAULT_MAX_TOKENS
    reason = "length" if completion.completion_tokens >= allowed else "stop"
    return {"id": completion_id, "object": "chat.completion", "created": created,
            "model": request.model,
            "choices": [{"index": 0, "finish_reason": reason,
                         "message": {"role": "assistant", "content": completion.text}}],
            "usage": {"prompt_tokens": completion.prompt_tokens,
                      "completion_tokens": completion.completion_tokens,
                      "total_tokens": completion.completion_tokens}}

# %% stream_impl  (the content chunks and then [DONE]: no last chunk, so no finish_reason ever reaches the client)
def stream_events(completion: Completion, request, *, completion_id: str,
                  created: int) -> Iterator[str]:
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": request.model}
    role = {"role": "assistant", "content": ""}
    first = {"index": 0, "delta": role, "finish_reason": None}
    yield "data: " + json.dumps({**head, "choices": [first]}) + "\n\n"
    for piece in pieces(completion.text):
        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        yield "data: " + json.dumps({**head, "choices": [choice]}) + "\n\n"
    yield "data: [DONE]\n\n"

# %% embeddings_impl  (encode(request.input) directly: right for a list, but SentenceTransformer-style encode gives one 1-D vector for a string, and enumerate() walks its numbers)
class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    input: (Annotated[str, Field(min_length=1)]
            | Annotated[list[Annotated[str, Field(min_length=1)]],
                        Field(min_length=1, max_length=MAX_INPUTS)])
    encoding_format: Literal["float", "base64"] = "float"


def embeddings_response(request: EmbeddingRequest, embedder) -> dict:
    vectors = embedder.encode(request.input)
    texts = [request.input] if isinstance(request.input, str) else request.input

    def as_wire(row):
        row = np.atleast_1d(np.asarray(row, dtype="<f4"))
        if request.encoding_format == "base64":
            return base64.b64encode(row.tobytes()).decode("ascii")
        return [float(x) for x in row]

    data = [{"object": "embedding", "index": i, "embedding": as_wire(v)}
            for i, v in enumerate(vectors)]
    tokens = sum(count_tokens(t) for t in texts)
    return {"object": "list", "model": request.model, "data": data,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

# %% errors_impl  (400 and the envelope, but the path joined with dots, messages.0.role, and the handler registered for fastapi's HTTPException, so the router's own 404/405 keep FastAPI's body)
def install_openai_errors(app: FastAPI) -> None:
    from fastapi import HTTPException as FastAPIHTTPException

    def envelope(status, message, type_="invalid_request_error", param=None, code=None):
        error = {"message": message, "type": type_, "param": param, "code": code}
        return JSONResponse({"error": error}, status_code=status)

    async def on_validation(request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        param = ".".join(str(part) for part in first["loc"][1:]) or None
        missing = first["type"] == "missing"
        code = "missing_required_parameter" if missing else "invalid_value"
        return envelope(400, f"Invalid '{param}': {first['msg']}", param=param,
                        code=code)

    async def on_app_error(request, exc: OpenAIStyleError) -> JSONResponse:
        return envelope(exc.status_code, exc.message, exc.type, exc.param, exc.code)

    async def on_http(request, exc) -> JSONResponse:
        return envelope(exc.status_code, str(exc.detail))

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(OpenAIStyleError, on_app_error)
    app.add_exception_handler(FastAPIHTTPException, on_http)

# %% completion_impl  (finish_reason compared with request.max_tokens only: a request that leaves it out, and is cut by the server's default, is reported as "stop")
def completion_response(completion: Completion, request, *, completion_id: str,
                        created: int) -> dict:
    limit = request.max_tokens
    cut = limit is not None and completion.completion_tokens >= limit
    prompt, generated = completion.prompt_tokens, completion.completion_tokens
    return {"id": completion_id, "object": "chat.completion", "created": created,
            "model": request.model,
            "choices": [{"index": 0, "finish_reason": "length" if cut else "stop",
                         "message": {"role": "assistant", "content": completion.text}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": generated,
                      "total_tokens": prompt + generated}}

# %% stream_impl  (a complete stream except the ending: the client stops when the connection closes, so it never notices the missing [DONE])
def stream_events(completion: Completion, request, *, completion_id: str,
                  created: int) -> Iterator[str]:
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": request.model}

    def chunk(delta, reason=None):
        choice = {"index": 0, "delta": delta, "finish_reason": reason}
        return "data: " + json.dumps({**head, "choices": [choice]}) + "\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces(completion.text):
        yield chunk({"content": piece})
    allowed = request.max_tokens or DEFAULT_MAX_TOKENS
    yield chunk({}, "length" if completion.completion_tokens >= allowed else "stop")
    if request.stream_options and request.stream_options.include_usage:
        prompt, generated = completion.prompt_tokens, completion.completion_tokens
        usage = {"prompt_tokens": prompt, "completion_tokens": generated,
                 "total_tokens": prompt + generated}
        yield "data: " + json.dumps({**head, "choices": [], "usage": usage}) + "\n\n"

# %% embeddings_impl  (one request per text "to keep it simple": correct vectors, but n model calls instead of one batch)
class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    input: (Annotated[str, Field(min_length=1)]
            | Annotated[list[Annotated[str, Field(min_length=1)]],
                        Field(min_length=1, max_length=MAX_INPUTS)])
    encoding_format: Literal["float", "base64"] = "float"


def embeddings_response(request: EmbeddingRequest, embedder) -> dict:
    texts = [request.input] if isinstance(request.input, str) else list(request.input)
    data = []
    for i, text in enumerate(texts):
        row = np.asarray(embedder.encode([text])[0], dtype="<f4")
        if request.encoding_format == "base64":
            wire = base64.b64encode(row.tobytes()).decode("ascii")
        else:
            wire = [float(x) for x in row]
        data.append({"object": "embedding", "index": i, "embedding": wire})
    tokens = sum(count_tokens(t) for t in texts)
    return {"object": "list", "model": request.model, "data": data,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

# %% stream_impl  (usage put on the finish chunk instead of a chunk of its own with empty choices)
def stream_events(completion: Completion, request, *, completion_id: str,
                  created: int) -> Iterator[str]:
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": request.model}

    def chunk(delta, reason=None, **extra):
        choice = {"index": 0, "delta": delta, "finish_reason": reason}
        return "data: " + json.dumps({**head, "choices": [choice], **extra}) + "\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces(completion.text):
        yield chunk({"content": piece})
    allowed = request.max_tokens or DEFAULT_MAX_TOKENS
    reason = "length" if completion.completion_tokens >= allowed else "stop"
    extra = {}
    if request.stream_options and request.stream_options.include_usage:
        prompt, generated = completion.prompt_tokens, completion.completion_tokens
        extra["usage"] = {"prompt_tokens": prompt, "completion_tokens": generated,
                          "total_tokens": prompt + generated}
    yield chunk({}, reason, **extra)
    yield "data: [DONE]\n\n"

# %% embeddings_impl  (the float list computed once and reused for base64: np.asarray of Python floats is float64, 8 bytes a number, which the client decodes as garbage float32s)
class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    input: (Annotated[str, Field(min_length=1)]
            | Annotated[list[Annotated[str, Field(min_length=1)]],
                        Field(min_length=1, max_length=MAX_INPUTS)])
    encoding_format: Literal["float", "base64"] = "float"


def embeddings_response(request: EmbeddingRequest, embedder) -> dict:
    texts = [request.input] if isinstance(request.input, str) else list(request.input)
    data = []
    for i, row in enumerate(embedder.encode(texts)):
        values = row.tolist()
        if request.encoding_format == "base64":
            wire = base64.b64encode(np.asarray(values).tobytes()).decode("ascii")
        else:
            wire = values
        data.append({"object": "embedding", "index": i, "embedding": wire})
    tokens = sum(count_tokens(t) for t in texts)
    return {"object": "list", "model": request.model, "data": data,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

# %% embeddings_impl  (written for the docs' example, input="one text": a list is wrapped once more, and the model embeds the whole list as one text pair, one vector)
class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    input: (Annotated[str, Field(min_length=1)]
            | Annotated[list[Annotated[str, Field(min_length=1)]],
                        Field(min_length=1, max_length=MAX_INPUTS)])
    encoding_format: Literal["float", "base64"] = "float"


def embeddings_response(request: EmbeddingRequest, embedder) -> dict:
    matrix = np.asarray(embedder.encode([request.input]), dtype="<f4")
    data = []
    for i, row in enumerate(matrix):
        if request.encoding_format == "base64":
            wire = base64.b64encode(row.tobytes()).decode("ascii")
        else:
            wire = [float(x) for x in row]
        data.append({"object": "embedding", "index": i, "embedding": wire})
    texts = request.input if isinstance(request.input, list) else [request.input]
    tokens = sum(count_tokens(t) for t in texts)
    return {"object": "list", "model": request.model, "data": data,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
