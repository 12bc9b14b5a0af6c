"""Retrieval benchmark: BM25, dense and hybrid search on the course's own text and, when present,
on the FastAPI documentation in ../shared (English, Korean, and Korean questions over English pages).

    .venv/bin/python benchmarks/retrieval.py            # print the table
    .venv/bin/python benchmarks/retrieval.py --write    # also update modules/04-rag/_benchmark.md

Questions and their relevant pages are in benchmarks/questions/*.jsonl (written by the course).
Metrics are per document: recall@5 (a relevant page among the top 5 pages) and MRR (1 / rank of
the first relevant page, within the top 10). Latency is per query, on this machine: encoding the
query, scoring every chunk and ranking. The retrievers are coursekit.rag's (rank-bm25, numpy
brute force, reciprocal rank fusion), the same pieces the Module 4 lessons build by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from coursekit.rag import (BM25Retriever, Chunk, DenseRetriever, HybridRetriever, chunk_markdown, course_chunks,
                           embed, embed_query, korean_tokens, words)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora" / "fastapi-docs"
QUESTIONS = Path(__file__).parent / "questions"
OUTPUT = ROOT / "modules" / "04-rag" / "_benchmark.md"
K = 5


def course_corpus() -> list[Chunk]:
    return course_chunks()


def fastapi_corpus(lang: str) -> list[Chunk]:
    root = SHARED / lang
    return [c for path in sorted(root.rglob("*.md"))
            for c in chunk_markdown(str(path.relative_to(root)), path.read_text(encoding="utf-8"))]


def load_questions(name: str, lang: str | None = None) -> list[dict]:
    rows = [json.loads(line) for line in (QUESTIONS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if lang is None or r.get("lang") == lang]


def e5_query(text: str) -> np.ndarray:
    from coursekit.models import e5_queries

    return e5_queries([text])[0]


# --- evaluation -------------------------------------------------------------------------------

def evaluate(retriever, chunks: list[Chunk], questions: list[dict]) -> dict:
    recalls, reciprocal, latencies = [], [], []
    for question in questions:
        start = time.perf_counter()
        ranked = retriever.search(question["q"], 50)
        latencies.append((time.perf_counter() - start) * 1000)
        docs = list(dict.fromkeys(chunks[i].doc_id for i in ranked))[:10]
        relevant = set(question["relevant"])
        recalls.append(any(d in relevant for d in docs[:K]))
        reciprocal.append(next((1 / (r + 1) for r, d in enumerate(docs) if d in relevant), 0.0))
    latencies.sort()
    return {"recall@5": statistics.mean(recalls), "MRR": statistics.mean(reciprocal),
            "p50 ms": latencies[len(latencies) // 2], "p95 ms": latencies[int(len(latencies) * 0.95) - 1]}


def run() -> list[tuple[str, str, int, int, dict]]:
    from coursekit.models import e5_available

    rows = []
    setups = [("course (English)", course_corpus(), load_questions("course"), words, "en")]
    if SHARED.exists():
        setups += [("FastAPI docs, English", fastapi_corpus("en"), load_questions("fastapi", "en"), words, "en"),
                   ("FastAPI docs, Korean", fastapi_corpus("ko"), load_questions("fastapi", "ko"), korean_tokens, "ko"),
                   ("Korean questions, English docs", fastapi_corpus("en"), load_questions("fastapi", "ko"),
                    korean_tokens, "cross")]
    else:
        print(f"(no {SHARED}: the FastAPI corpus rows are skipped)", file=sys.stderr)
    for name, chunks, questions, tokenize, lang in setups:
        print(f"{name}: {len(chunks)} chunks, {len(questions)} questions", file=sys.stderr, flush=True)
        texts = [c.text for c in chunks]
        bm25 = BM25Retriever(texts, tokenize)
        mini = DenseRetriever(embed(texts), embed_query)
        candidates = [("BM25", bm25), ("dense MiniLM", mini), ("hybrid BM25 + MiniLM", HybridRetriever(bm25, mini))]
        if e5_available() and (lang != "en" or name.startswith("course")):
            from coursekit.models import e5_passages

            e5 = DenseRetriever(e5_passages(texts), e5_query)
            candidates += [("dense e5 (multilingual)", e5), ("hybrid BM25 + e5", HybridRetriever(bm25, e5))]
        for method, retriever in candidates:
            rows.append((name, method, len(chunks), len(questions), evaluate(retriever, chunks, questions)))
    return rows


def table(rows) -> str:
    lines = ["| Corpus | Method | Chunks | Questions | recall@5 | MRR | p50 ms | p95 ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, method, n_chunks, n_q, m in rows:
        lines.append(f"| {name} | {method} | {n_chunks} | {n_q} | {m['recall@5']:.2f} | {m['MRR']:.2f} | "
                     f"{m['p50 ms']:.1f} | {m['p95 ms']:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the table to {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    result = table(run())
    print(result)
    if args.write:
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        OUTPUT.write_text(
            "<!-- Generated by benchmarks/retrieval.py --write; do not edit by hand. -->\n"
            f"Measured on {time.strftime('%Y-%m-%d')} ({machine}); latency is per query, one thread.\n\n"
            + result + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
