# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% format_sse_impl  (puts the whole text on one data: line: a token with a line break ends the field early and the rest is lost)
def format_sse(data: str, *, event: str | None = None, id: str | None = None) -> str:
    out = ""
    if id is not None:
        if "\n" in id or "\r" in id:
            raise ValueError("line break in id")
        out += f"id: {id}\n"
    if event is not None:
        if "\n" in event or "\r" in event:
            raise ValueError("line break in event")
        out += f"event: {event}\n"
    return out + f"data: {data}\n\n"

# %% sse_stream_impl  (collects the whole answer first "to be safe", then yields the events: correct events, no streaming)
async def sse_stream(tokens):
    collected = [token async for token in tokens]
    for i, token in enumerate(collected):
        yield format_sse(token, id=str(i))
    yield format_sse("[DONE]")

# %% stream_app_impl  (closes the stream after the loop instead of in a finally: a disconnect cancels the generator, so the close never runs)
def create_app(make_stream) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/stream")
    async def stream(prompt: str, request: Request) -> StreamingResponse:
        tokens = make_stream(prompt)

        async def body():
            async for event in sse_stream(tokens):
                yield event
            tokens.close()

        return StreamingResponse(body(), media_type="text/event-stream")

    return app

# %% measure_impl  (uses client.get, which reads the whole body before it returns: every event "arrives" at the end, so TTFT equals the total)
@dataclass
class StreamTiming:
    ttft_s: float
    total_s: float
    events: list[str]


def measure_stream(client: httpx.Client, url: str) -> StreamTiming:
    start = time.perf_counter()
    response = client.get(url)
    ttft = None
    events, data_lines = [], []
    for line in response.iter_lines():
        if line.startswith("data:"):
            value = line[5:]
            data_lines.append(value[1:] if value.startswith(" ") else value)
        elif line == "" and data_lines:
            if ttft is None:
                ttft = time.perf_counter() - start
            data = "\n".join(data_lines)
            data_lines = []
            if data == "[DONE]":
                break
            events.append(data)
    total = time.perf_counter() - start
    return StreamTiming(ttft if ttft is not None else total, total, events)

# %% format_sse_impl  (splits with str.splitlines(): it drops the empty line after a trailing "\n" and also splits on \u2028 and \x0b)
def format_sse(data: str, *, event: str | None = None, id: str | None = None) -> str:
    out = []
    for name, value in (("id", id), ("event", event)):
        if value is None:
            continue
        if "\r" in value or "\n" in value:
            raise ValueError(f"line break in {name}")
        out.append(f"{name}: {value}\n")
    for line in data.splitlines() or [""]:
        out.append(f"data: {line}\n")
    return "".join(out) + "\n"

# %% sse_stream_impl  (frames the events by hand instead of calling format_sse: fine until a token contains a line break)
async def sse_stream(tokens):
    i = 0
    async for token in tokens:
        yield f"id: {i}\ndata: {token}\n\n"
        i += 1
    yield "data: [DONE]\n\n"

# %% stream_app_impl  (builds the whole body in the handler, then "streams" the finished list: every event waits for the last token)
def create_app(make_stream) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/stream")
    async def stream(prompt: str) -> StreamingResponse:
        tokens = make_stream(prompt)
        try:
            events = [event async for event in sse_stream(tokens)]
        finally:
            tokens.close()
        return StreamingResponse(iter(events), media_type="text/event-stream")

    return app

# %% measure_impl  (strips the data value, the usual reflex when parsing a text line: the leading space of " world" is lost and the words run together)
@dataclass
class StreamTiming:
    ttft_s: float
    total_s: float
    events: list[str]


def measure_stream(client: httpx.Client, url: str) -> StreamTiming:
    start = time.perf_counter()
    ttft, events, data_lines = None, [], []
    with client.stream("GET", url) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                data_lines.append(line[5:].strip())
            elif line == "" and data_lines:
                if ttft is None:
                    ttft = time.perf_counter() - start
                data = "\n".join(data_lines)
                data_lines = []
                if data == "[DONE]":
                    break
                events.append(data)
    total = time.perf_counter() - start
    return StreamTiming(ttft if ttft is not None else total, total, events)

# %% format_sse_impl  (one line break after the data, as in a log line: the event never ends, so the client's EventSource waits forever)
def format_sse(data: str, *, event: str | None = None, id: str | None = None) -> str:
    head = ""
    for name, value in (("id", id), ("event", event)):
        if value is not None:
            if "\r" in value or "\n" in value:
                raise ValueError(f"no line breaks in {name}")
            head += f"{name}: {value}\n"
    lines = re.split(r"\r\n|\r|\n", data)
    return head + "".join(f"data: {line}\n" for line in lines)

# %% measure_impl  (one event per data: line, the way most quick SSE parsers read OpenAI's one-line JSON events: multi-line data comes apart)
@dataclass
class StreamTiming:
    ttft_s: float
    total_s: float
    events: list[str]


def measure_stream(client: httpx.Client, url: str) -> StreamTiming:
    start = time.perf_counter()
    ttft, events = None, []
    with client.stream("GET", url) as response:
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            value = line[5:]
            value = value[1:] if value.startswith(" ") else value
            if ttft is None:
                ttft = time.perf_counter() - start
            if value == "[DONE]":
                break
            events.append(value)
    total = time.perf_counter() - start
    return StreamTiming(ttft if ttft is not None else total, total, events)
