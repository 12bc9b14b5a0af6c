"""Capstone benchmark: /search latency of the reference app at 1k, 10k and 100k chunks, and ingest
throughput next to raw embedding throughput.

    .venv/bin/python benchmarks/capstone.py                      # 1k and 10k chunks, print the table
    .venv/bin/python benchmarks/capstone.py --sizes 1000,10000,100000 --write
                                                                 # also update modules/07-capstone/_benchmark.md

The app is the reference solution (solutions/07-capstone/capstone-rag-api.md), started with
uvicorn on 127.0.0.1 and called over HTTP, one request at a time, with SQLite in a temporary
data directory.

- Raw embedding: MiniLM (coursekit.rag.embed, batches of 64, one thread) on chunks like the ingested ones,
  best of two runs after a warm-up.
- Ingest: POST /documents of real text (10 chunks a document), so every chunk is embedded.
- /search at n chunks: the 1k corpus is ingested through the API; larger ones are written through
  the app's own store with random unit vectors (embedding 100k chunks would take about an hour on
  2 cores; a search costs the same whatever the vectors are). The first search after a change
  builds the tenant's index (BM25 and the vector matrix) and is reported on its own; p50 and p95
  are over the next 50 queries. 100k takes minutes and about 1 GB of memory: not for CI.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "modules" / "07-capstone" / "_benchmark.md"
SOURCE = ROOT / "solutions" / "07-capstone" / "capstone-rag-api.md"
KEY, WARM_KEY = "bench-key", "warm-key"
QUERIES = 50
WORDS = ("cache index query latency retry queue tenant chunk vector token embedding schema request response "
         "timeout budget rollback migration replica shard batch stream worker deploy metric trace log alert "
         "invoice order refund payment customer ledger report export import backup restore upgrade").split()


def sentences(n: int, seed: int) -> list[str]:
    """n chunk-sized texts (~80 words, one chunk each) with a Zipf-like word mix, cheap to make."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    return [" ".join(rng.choices(WORDS, weights, k=80)) + "." for _ in range(n)]


def start_app(folder: Path, data_dir: Path):
    from autograder.capstone.app_files import extract
    from autograder.capstone.server import AppServer

    if not (folder / "capstone_app" / "main.py").exists():
        extract(SOURCE, folder)
        (folder / "capstone_app" / "__init__.py").touch()
    server = AppServer(folder, "capstone_app", {"CAPSTONE_API_KEYS": f"{KEY}:bench,{WARM_KEY}:warm", "CAPSTONE_DATA_DIR": str(data_dir),
                                                "CAPSTONE_MAX_BODY_BYTES": str(10 * 2**20)}, data_dir.parent)
    server.start()
    return server


def search_latency(client: httpx.Client, rng: random.Random) -> tuple[float, float, float]:
    """(first search s, p50 s, p95 s)."""
    t0 = time.perf_counter()
    client.post("/search", json={"query": "warm up the index", "k": 5}).raise_for_status()
    first = time.perf_counter() - t0
    times = []
    for _ in range(QUERIES):
        query = " ".join(rng.sample(WORDS, 4))
        t0 = time.perf_counter()
        client.post("/search", json={"query": query, "k": 5}).raise_for_status()
        times.append(time.perf_counter() - t0)
    times.sort()
    return first, statistics.median(times), times[int(0.95 * len(times)) - 1]


def bulk_store(folder: Path, data_dir: Path, n: int, seed: int) -> float:
    """Write n chunks (random unit vectors) through the app's own SqliteStore; return seconds."""
    sys.path.insert(0, str(folder))
    from capstone_app.store import SqliteStore

    store = SqliteStore(data_dir)
    rng = np.random.default_rng(seed)
    texts = sentences(n, seed)
    start = time.perf_counter()
    per_doc = 100
    for d in range(0, n, per_doc):
        chunk_texts = texts[d:d + per_doc]
        M = rng.standard_normal((len(chunk_texts), 384)).astype(np.float32)
        M /= np.linalg.norm(M, axis=1, keepdims=True)
        store.put("bench", f"doc-{d // per_doc:05d}", "\n\n".join(chunk_texts), {}, chunk_texts, M)
    store.db.close()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="chunk counts, comma-separated (default 1000,10000)")
    parser.add_argument("--write", action="store_true", help=f"write the table to {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(0)

    from coursekit.rag import embed

    texts = sentences(256, seed=1)
    embed(texts[:64])  # load the model and warm it up
    runs = []
    for _ in range(2):  # best of two: the machine may be busy with something else
        t0 = time.perf_counter()
        embed(texts)
        runs.append(len(texts) / (time.perf_counter() - t0))
    raw = max(runs)
    print(f"raw embedding: {raw:.0f} chunks/s")

    rows, ingest_rate = [], None
    with tempfile.TemporaryDirectory(prefix="capstone-bench-") as tmp:
        folder = Path(tmp) / "app"
        for n in sizes:
            data_dir = Path(tmp) / f"data-{n}"
            if n <= 1000:
                server = start_app(folder, data_dir)
                try:
                    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=600) as client:
                        client.post("/documents", json={"id": "warm", "text": "warm up the model"}).raise_for_status()
                        client.delete("/documents/warm")
                        docs = sentences(n, seed=n)
                        t0 = time.perf_counter()
                        chunks = 0
                        for d in range(0, n, 10):
                            r = client.post("/documents", json={"id": f"doc-{d}", "text": "\n\n".join(docs[d:d + 10])})
                            r.raise_for_status()
                            chunks += r.json()["chunks"]
                        ingest_rate = chunks / (time.perf_counter() - t0)
                        first, p50, p95 = search_latency(client, rng)
                        rows.append((chunks, "API (embedded)", first, p50, p95))
                finally:
                    server.stop()
            else:
                seconds = bulk_store(folder, data_dir, n, seed=n)
                print(f"{n} chunks written through the store in {seconds:.1f} s")
                server = start_app(folder, data_dir)
                try:
                    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=600) as client:
                        # Another tenant's document and search load MiniLM without building the bench tenant's index.
                        warm = {"Authorization": f"Bearer {WARM_KEY}"}
                        client.post("/documents", json={"id": "warm", "text": "load the model"}, headers=warm).raise_for_status()
                        client.post("/search", json={"query": "load the model", "k": 1}, headers=warm).raise_for_status()
                        first, p50, p95 = search_latency(client, rng)
                        rows.append((n, "store (random vectors)", first, p50, p95))
                finally:
                    server.stop()
            print(f"{rows[-1][0]:>7} chunks: first search {rows[-1][2] * 1000:.0f} ms, p50 {rows[-1][3] * 1000:.1f} ms, "
                  f"p95 {rows[-1][4] * 1000:.1f} ms")

    lines = ["| Chunks | Loaded through | First search (builds the index) | /search p50 | /search p95 |",
             "| ---: | --- | ---: | ---: | ---: |"]
    lines += [f"| {n:,} | {how} | {first * 1000:,.0f} ms | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms |"
              for n, how, first, p50, p95 in rows]
    lines += ["", "| Ingest through POST /documents | Raw MiniLM embedding |", "| ---: | ---: |",
              f"| {ingest_rate:.0f} chunks/s | {raw:.0f} chunks/s |" if ingest_rate else f"| - | {raw:.0f} chunks/s |"]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, one request at a time"
    table = "\n".join(lines)
    print(table)
    if args.write:
        OUTPUT.write_text("<!-- Generated by benchmarks/capstone.py --write; do not edit by hand. -->\n\n"
                          f"{table}\n\nMeasured on {machine}.\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
