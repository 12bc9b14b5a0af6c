# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.
# A grade_id that appears again starts another variant, graded in a run of its own.

# %% collect_impl  (restarts the wait at every arrival: wait_for(queue.get(), max_wait) in a loop; a steady trickle keeps the batch open, and max_wait=0 never takes what is queued)
async def collect_batch(queue: asyncio.Queue, max_batch_size: int, max_wait: float):
    batch = [await queue.get()]
    while len(batch) < max_batch_size:
        try:
            batch.append(await asyncio.wait_for(queue.get(), timeout=max_wait))
        except TimeoutError:
            break
    return batch

# %% run_batch_impl  (skips the callers that left before the call, but sets results without checking again: one that leaves while the model runs raises InvalidStateError and the callers after it never get theirs)
async def run_batch(batch_fn, batch: list) -> None:
    live = [(item, future) for item, future in batch if not future.cancelled()]
    if not live:
        return
    try:
        results = await batch_fn([item for item, _ in live])
    except Exception as exc:
        for _, future in live:
            future.set_exception(exc)
        return
    for (_, future), result in zip(live, results):
        future.set_result(result)

# %% batcher_impl  (a forgotten await: the worker calls run_batch(...) without awaiting it, so the coroutine is created and dropped and no caller ever gets an answer)
class MicroBatcher:
    def __init__(self, batch_fn, max_batch_size: int = 16, max_wait: float = 0.005,
                 max_queue: int = 64):
        if max_batch_size < 1 or max_queue < 1 or max_wait < 0:
            raise ValueError("need max_batch_size >= 1, max_queue >= 1, max_wait >= 0")
        self.batch_fn = batch_fn
        self.max_batch_size, self.max_wait = max_batch_size, max_wait
        self.queue = asyncio.Queue(maxsize=max_queue)

    async def __aenter__(self):
        self.worker = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc_info):
        self.worker.cancel()
        try:
            await self.worker
        except asyncio.CancelledError:
            pass

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait((item, future))
        except asyncio.QueueFull:
            raise Overloaded("queue full") from None
        return await future

    async def _run(self):
        while True:
            batch = await collect_batch(self.queue, self.max_batch_size, self.max_wait)
            run_batch(self.batch_fn, batch)

# %% app_impl  (Retry-After in milliseconds, like the timeouts everywhere else in the codebase: clients wait 1000 times too long, or give up)
class EmbedRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


def create_app(batcher, retry_after: int = 1) -> FastAPI:
    app = FastAPI(title="embeddings")

    @app.post("/embed")
    async def embed(request: EmbedRequest):
        try:
            vector = await batcher.submit(request.text)
        except Overloaded:
            return JSONResponse({"detail": "overloaded"}, status_code=503,
                                headers={"Retry-After": str(retry_after * 1000)})
        return {"embedding": vector}
    return app

# %% embed_impl  (one model call per text, in a thread: off the event loop, but every text pays the model's fixed cost again)
async def embed_batch(texts: list[str]) -> list[list[float]]:
    def encode_each():
        return [model.encode(text).tolist() for text in texts]

    return await asyncio.to_thread(encode_each)

# %% collect_impl  (fills the batch and forgets the deadline: a lone request waits for max_batch_size - 1 more that may never come)
async def collect_batch(queue: asyncio.Queue, max_batch_size: int, max_wait: float):
    batch = []
    while len(batch) < max_batch_size:
        batch.append(await queue.get())
    return batch

# %% run_batch_impl  (no length check: zip() stops at the shorter list, so when the model returns too few results the last caller waits forever)
async def run_batch(batch_fn, batch: list) -> None:
    live = [(item, future) for item, future in batch if not future.done()]
    if not live:
        return
    try:
        results = await batch_fn([item for item, _ in live])
    except Exception as exc:
        for _, future in live:
            if not future.done():
                future.set_exception(exc)
        return
    for (_, future), result in zip(live, results):
        if not future.done():
            future.set_result(result)

# %% batcher_impl  (backpressure by waiting: `await queue.put(...)` blocks when the queue is full, so an overloaded server makes every client wait instead of answering 503)
class MicroBatcher:
    def __init__(self, batch_fn, max_batch_size: int = 16, max_wait: float = 0.005,
                 max_queue: int = 64):
        if max_batch_size < 1 or max_queue < 1 or max_wait < 0:
            raise ValueError("need max_batch_size >= 1, max_queue >= 1, max_wait >= 0")
        self.batch_fn = batch_fn
        self.max_batch_size, self.max_wait = max_batch_size, max_wait
        self.queue = asyncio.Queue(maxsize=max_queue)

    async def __aenter__(self):
        self.worker = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc_info):
        self.worker.cancel()
        try:
            await self.worker
        except asyncio.CancelledError:
            pass

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((item, future))
        return await future

    async def _run(self):
        while True:
            batch = await collect_batch(self.queue, self.max_batch_size, self.max_wait)
            await run_batch(self.batch_fn, batch)

# %% app_impl  (catches every exception as overload: a crashing model answers 503 with Retry-After, so clients retry a request that fails every time)
class EmbedRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


def create_app(batcher, retry_after: int = 1) -> FastAPI:
    app = FastAPI(title="embeddings")

    @app.post("/embed")
    async def embed(request: EmbedRequest):
        try:
            vector = await batcher.submit(request.text)
        except Exception:
            return JSONResponse({"detail": "try again later"}, status_code=503,
                                headers={"Retry-After": str(retry_after)})
        return {"embedding": vector}
    return app

# %% embed_impl  (`async def` taken for non-blocking: model.encode runs on the event loop, so while it computes the server cannot accept or queue a single request)
async def embed_batch(texts: list[str]) -> list[list[float]]:
    return model.encode(list(texts)).tolist()

# %% batcher_impl  (the minimal version: no argument checks, so max_queue=0 makes an unbounded asyncio.Queue, and __aexit__ never stops the worker, which leaks a task per batcher)
class MicroBatcher:
    def __init__(self, batch_fn, max_batch_size: int = 16, max_wait: float = 0.005,
                 max_queue: int = 64):
        self.batch_fn = batch_fn
        self.max_batch_size, self.max_wait = max_batch_size, max_wait
        self.queue = asyncio.Queue(maxsize=max_queue)

    async def __aenter__(self):
        self.worker = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc_info):
        pass

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait((item, future))
        except asyncio.QueueFull:
            raise Overloaded("queue full") from None
        return await future

    async def _run(self):
        while True:
            batch = await collect_batch(self.queue, self.max_batch_size, self.max_wait)
            await run_batch(self.batch_fn, batch)
