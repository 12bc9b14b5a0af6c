"""Serving benchmark: micro-batching over HTTP, cheaper MiniLM variants, and cache hit rates.

    .venv/bin/python benchmarks/serving.py    # prints the tables, writes modules/06-serving/_benchmark.md

Three measurements, each the finished version of an idea that a Module 6 page measures small:

1. Micro-batching (micro-batching page). MiniLM behind FastAPI + uvicorn in a separate server
   process on 127.0.0.1 (one torch thread), driven by a closed-loop httpx client from this
   process at 1, 8 and 32 concurrent users. "batched": up to 32 requests per model call, at most
   5 ms of waiting; "one at a time": one request per call. Throughput, p50 and p95 latency, and
   the mean batch the server formed; the faster of two runs, the modes taking turns.
2. Cheaper models (cheaper-models page). PyTorch fp32, PyTorch dynamic int8 and ONNX Runtime
   (fp32 and int8), all from coursekit.quantize: size, latency of a batch of 1 and of 32 short
   questions on one thread, mean cosine to the fp32 embeddings over the course chunks, and
   recall@5 and MRR on benchmarks/questions/course.jsonl (per page, as in
   benchmarks/retrieval.py). Chunks are cut at 128 tokens to keep the run short, for every
   variant alike.
3. Caching (caching page). Hit rate of an LRU cache (an OrderedDict) of several sizes under a
   Zipf workload: 100,000 requests over 10,000 distinct queries, three skews; next to it, the
   share of traffic that goes to the most popular `size` queries, the best a cache of that size
   can do on this workload without knowing the future.

Runs in about 3 to 5 minutes on 2 cores. The server process is started and stopped by this
script; nothing listens anywhere but 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `coursekit` imports when run as a script from anywhere
QUESTIONS = Path(__file__).parent / "questions" / "course.jsonl"
OUTPUT = ROOT / "modules" / "06-serving" / "_benchmark.md"
HOST = "127.0.0.1"
MAX_BATCH, MAX_WAIT_MS = 32, 5.0
LOAD = {1: 40, 8: 160, 32: 320}  # concurrent users -> requests, per run
REPEATS = 2  # runs per setting, the two modes taking turns; the faster run is reported
CHUNK_TOKENS = 128
K = 5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def questions() -> list[dict]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# --- 1. micro-batching over HTTP ----------------------------------------------------------------

class Overloaded(Exception):
    pass


class Batcher:
    """The micro-batcher of the micro-batching page: a queue, one worker, one model thread."""

    def __init__(self, fn, max_batch_size: int, max_wait_ms: float, max_queue: int = 1024):
        from concurrent.futures import ThreadPoolExecutor

        self.fn, self.max_batch_size, self.max_wait = fn, max_batch_size, max_wait_ms / 1000
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=max_queue)
        self.model_thread = ThreadPoolExecutor(max_workers=1)
        self.batches = self.items = 0

    async def __aenter__(self):
        self.worker = asyncio.create_task(self._work())
        return self

    async def __aexit__(self, *exc_info):
        self.worker.cancel()
        await asyncio.gather(self.worker, return_exceptions=True)
        self.model_thread.shutdown(wait=False)

    async def submit(self, x):
        slot = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait((x, slot))
        except asyncio.QueueFull:
            raise Overloaded from None
        return await slot

    async def _next_batch(self) -> list:
        loop = asyncio.get_running_loop()
        pairs = [await self.queue.get()]
        deadline = loop.time() + self.max_wait
        while len(pairs) < self.max_batch_size:
            if not self.queue.empty():
                pairs.append(self.queue.get_nowait())
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                pairs.append(await asyncio.wait_for(self.queue.get(), remaining))
            except TimeoutError:
                break
        return pairs

    async def _work(self):
        loop = asyncio.get_running_loop()
        while True:
            pairs = [(x, s) for x, s in await self._next_batch() if not s.done()]
            if not pairs:
                continue
            self.batches, self.items = self.batches + 1, self.items + len(pairs)
            try:
                outputs = await loop.run_in_executor(self.model_thread, self.fn, [x for x, _ in pairs])
            except Exception as exc:
                for _, slot in pairs:
                    if not slot.done():
                        slot.set_exception(exc)
                continue
            for (_, slot), out in zip(pairs, outputs):
                if not slot.done():
                    slot.set_result(out)


def make_app(max_batch_size: int):
    from contextlib import asynccontextmanager

    import torch
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field

    from coursekit.models import minilm

    torch.set_num_threads(1)
    model = minilm()
    model.encode(["warm-up"])

    def embed(texts: list[str]) -> list[list[float]]:
        return model.encode(texts, batch_size=len(texts)).tolist()

    class EmbedIn(BaseModel):
        text: str = Field(min_length=1, max_length=2000)

    @asynccontextmanager
    async def lifespan(app):
        async with Batcher(embed, max_batch_size, MAX_WAIT_MS) as batcher:
            app.state.batcher = batcher
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health():
        return {"ok": True}

    @app.get("/stats")
    async def stats():
        return {"batches": app.state.batcher.batches, "items": app.state.batcher.items}

    @app.post("/embed")
    async def embed_one(body: EmbedIn):
        try:
            return {"embedding": await app.state.batcher.submit(body.text)}
        except Overloaded:
            return JSONResponse({"detail": "overloaded"}, status_code=503, headers={"Retry-After": "1"})

    return app


def serve(port: int, max_batch_size: int) -> None:
    """The server process: `serving.py --serve PORT BATCH`."""
    import uvicorn

    uvicorn.run(make_app(max_batch_size), host=HOST, port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class ServerProcess:
    """Start `serve` in a child process; wait until /health answers; stop it on exit."""

    def __init__(self, max_batch_size: int):
        self.max_batch_size, self.port = max_batch_size, free_port()
        self.url = f"http://{HOST}:{self.port}"

    def __enter__(self) -> str:
        import httpx

        env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.port),
                                      str(self.max_batch_size)], env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server process exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the server did not start within 120 s")

    def __exit__(self, *exc_info) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def closed_loop(url: str, texts: list[str], concurrency: int, n_requests: int) -> dict:
    import httpx

    users = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        await asyncio.gather(*(client.get("/health") for _ in range(concurrency)))  # open connections
        for text in texts[:4]:
            (await client.post("/embed", json={"text": text})).raise_for_status()
        before = (await client.get("/stats")).json()

        async def one(i: int) -> None:
            async with users:
                start = time.perf_counter()
                r = await client.post("/embed", json={"text": texts[i % len(texts)]})
                latencies.append(time.perf_counter() - start)
                r.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n_requests)))
        wall = time.perf_counter() - start
        after = (await client.get("/stats")).json()
    ms = np.array(latencies) * 1e3
    batches = after["batches"] - before["batches"]
    return {"requests": n_requests, "req/s": n_requests / wall, "p50": float(np.percentile(ms, 50)),
            "p95": float(np.percentile(ms, 95)),
            "mean batch": (after["items"] - before["items"]) / max(batches, 1)}


def run_batching() -> list[dict]:
    """Both servers run side by side (an idle one costs nothing) and the modes take turns, so a
    burst of background load on a shared machine hits both alike; the faster of REPEATS runs
    of each setting is kept (background load only ever slows a run down)."""
    texts = [q["q"] for q in questions()]
    best: dict[tuple[str, int], dict] = {}
    with ServerProcess(MAX_BATCH) as batched_url, ServerProcess(1) as single_url:
        for concurrency, n in LOAD.items():
            for rep in range(REPEATS):
                for mode, url in [("batched", batched_url), ("one at a time", single_url)]:
                    log(f"  {concurrency} users, {n} requests, {mode} (run {rep + 1} of {REPEATS})")
                    row = asyncio.run(closed_loop(url, texts, concurrency, n))
                    key = (mode, concurrency)
                    if key not in best or row["req/s"] > best[key]["req/s"]:
                        best[key] = {"mode": mode, "concurrency": concurrency, **row}
    return list(best.values())


def batching_table(rows: list[dict]) -> str:
    by = {(r["mode"], r["concurrency"]): r for r in rows}
    lines = ["| Users | Mode | Requests | req/s | p50 ms | p95 ms | Mean batch | Throughput vs one at a time |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for concurrency in LOAD:
        for mode in ("batched", "one at a time"):
            r = by[(mode, concurrency)]
            gain = r["req/s"] / by[("one at a time", concurrency)]["req/s"]
            lines.append(f"| {concurrency} | {mode} | {r['requests']} | {r['req/s']:.1f} | {r['p50']:.1f} | "
                         f"{r['p95']:.1f} | {r['mean batch']:.1f} | {gain:.2f}x |")
    return "\n".join(lines)


# --- 2. fp32, int8 and ONNX Runtime -------------------------------------------------------------

def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e3)


def retrieval_quality(M: np.ndarray, Q: np.ndarray, doc_ids: list[str], qs: list[dict]) -> tuple[float, float]:
    """recall@5 and MRR per page, as benchmarks/retrieval.py computes them."""
    hits, reciprocal = [], []
    for q, question in zip(Q, qs):
        ranked = np.argsort(-(M @ q), kind="stable")[:50]
        docs = list(dict.fromkeys(doc_ids[i] for i in ranked))[:10]
        relevant = set(question["relevant"])
        hits.append(any(d in relevant for d in docs[:K]))
        reciprocal.append(next((1 / (r + 1) for r, d in enumerate(docs) if d in relevant), 0.0))
    return float(np.mean(hits)), float(np.mean(reciprocal))


def run_variants(folder: str) -> list[dict]:
    import torch

    from coursekit.quantize import fp32_embedder, int8_embedder, onnx_embedder
    from coursekit.rag import course_chunks

    chunks = course_chunks()
    texts, doc_ids = [c.text for c in chunks], [c.doc_id for c in chunks]
    qs = questions()
    short = [q["q"] for q in qs][:32]
    variants = [("PyTorch fp32", lambda threads: fp32_embedder()),
                ("PyTorch int8 (dynamic)", lambda threads: int8_embedder()),
                ("ONNX Runtime fp32", lambda threads: onnx_embedder(folder, threads=threads)),
                ("ONNX Runtime int8", lambda threads: onnx_embedder(folder, quantize=True, threads=threads))]
    rows, reference = [], None
    for name, build in variants:
        log(f"  {name}: {len(texts)} chunks, {len(qs)} questions")
        torch.set_num_threads(2)  # embedding the corpus: both cores (quality does not depend on it)
        embedder = build(2)
        embedder.max_length = CHUNK_TOKENS
        M = embedder.encode(texts)
        Q = embedder.encode([q["q"] for q in qs])
        if reference is None:
            reference = M
        torch.set_num_threads(1)  # timing: one thread, as the course's lessons time things
        timed = build(1) if name.startswith("ONNX") else embedder
        timed.encode(short[:2])  # warm-up
        recall, mrr = retrieval_quality(M, Q, doc_ids, qs)
        rows.append({"variant": name, "MB": timed.size_bytes() / 1e6,
                     "batch of 1": median_ms(lambda: timed.encode(short[:1]), 30),
                     "batch of 32": median_ms(lambda: timed.encode(short), 5),
                     "cosine": float(np.mean(np.sum(M * reference, axis=1))),
                     "recall": recall, "MRR": mrr})
    return rows


def variants_table(rows: list[dict]) -> str:
    base = rows[0]
    lines = ["| Variant | Size MB | ms, batch of 1 | ms, batch of 32 | Speed-up (32) | Mean cosine to fp32 "
             "| recall@5 | MRR |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['MB']:.1f} | {r['batch of 1']:.1f} | {r['batch of 32']:.1f} | "
                     f"{base['batch of 32'] / r['batch of 32']:.2f}x | {r['cosine']:.4f} | {r['recall']:.2f} | "
                     f"{r['MRR']:.2f} |")
    return "\n".join(lines)


# --- 3. cache hit rate under a Zipf workload ----------------------------------------------------

SKEWS = (0.8, 1.0, 1.2)
CACHE_SIZES = (10, 100, 1_000, 5_000)
N_DISTINCT, N_REQUESTS = 10_000, 100_000


def lru_hit_rate(keys: np.ndarray, size: int) -> float:
    cache: OrderedDict[int, None] = OrderedDict()
    hits = 0
    for key in keys.tolist():
        if key in cache:
            cache.move_to_end(key)
            hits += 1
        else:
            cache[key] = None
            if len(cache) > size:
                cache.popitem(last=False)
    return hits / len(keys)


def run_cache() -> dict[tuple[float, int], tuple[float, float]]:
    out = {}
    ranks = np.arange(1, N_DISTINCT + 1)
    for s in SKEWS:
        p = ranks ** -s
        p /= p.sum()
        keys = np.random.default_rng(0).choice(N_DISTINCT, size=N_REQUESTS, p=p)  # key 0 is the most popular
        for size in CACHE_SIZES:
            out[(s, size)] = (lru_hit_rate(keys, size), float(p[:size].sum()))
    return out


def cache_table(out) -> str:
    header = " | ".join(f"Zipf s = {s}: LRU / best possible" for s in SKEWS)
    lines = [f"| Cache size | {header} |", "| ---: |" + " ---: |" * len(SKEWS)]
    for size in CACHE_SIZES:
        cells = " | ".join(f"{out[(s, size)][0]:.1%} / {out[(s, size)][1]:.1%}" for s in SKEWS)
        lines.append(f"| {size:,} | {cells} |")
    return "\n".join(lines)


# --- the page -----------------------------------------------------------------------------------

def markdown(batching: str, variants: str, cache: str, seconds: float, load: float) -> str:
    import onnxruntime
    import torch

    machine = (f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
               f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}")
    return f"""<!-- Generated by benchmarks/serving.py; do not edit by hand. -->
Measured on {time.strftime('%Y-%m-%d')} ({machine}; load average {load:.1f} at the start) with
`.venv/bin/python benchmarks/serving.py`, in {seconds / 60:.1f} minutes.

**Micro-batching over HTTP.** MiniLM behind FastAPI and uvicorn in its own process on 127.0.0.1,
one torch thread; a closed-loop httpx client in another process sends the course's questions.
Batched: up to {MAX_BATCH} requests per model call, at most {MAX_WAIT_MS:g} ms of waiting. One at a
time: one request per call. The two modes take turns; each row is the faster of {REPEATS} runs.
Mean batch is what the server formed.

{batching}

**Cheaper MiniLM variants** (coursekit.quantize). Latency on one thread, the median of repeated
calls on short questions; quality over the course chunks cut at {CHUNK_TOKENS} tokens: mean
cosine between each chunk's vector and its fp32 vector; recall@5 (a relevant page among the top
5 pages) and MRR (1 / rank of the first relevant page, within the top 10) on the course's
questions.

{variants}

**Cache hit rate under a Zipf workload.** {N_REQUESTS:,} requests over {N_DISTINCT:,} distinct
queries, drawn with probability proportional to 1 / rank^s; an LRU cache (OrderedDict) of each
size, cold at the start. "Best possible" is the share of requests that go to the `size` most
popular queries: the hit rate of a cache that always holds exactly those, the best a cache that
cannot see the future can do when requests are independent draws like these.

{cache}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", nargs=2, type=int, metavar=("PORT", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.serve:
        serve(*args.serve)
        return 0
    load = os.getloadavg()[0]
    start = time.perf_counter()
    log("1/3 micro-batching over HTTP")
    batching = batching_table(run_batching())
    log("2/3 fp32, int8 and ONNX Runtime")
    with tempfile.TemporaryDirectory(prefix="serving-benchmark-") as folder:
        variants = variants_table(run_variants(folder))
    log("3/3 cache hit rates under a Zipf workload")
    cache = cache_table(run_cache())
    page = markdown(batching, variants, cache, time.perf_counter() - start, load)
    print(page)
    OUTPUT.write_text(page, encoding="utf-8")
    log(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
