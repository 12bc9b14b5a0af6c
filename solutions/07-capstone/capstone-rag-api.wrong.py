# Plausible wrong answers. A grade_id that appears again starts a second variant (graded in its own run).
# `course verify` proves that each variant loses points on the tasks that check its answer cells.

# %% store_impl  (stores the tenant but forgets it when reading: get, delete and the search index see every tenant)
%%writefile capstone_app/store.py
"""Documents and chunks, always scoped by tenant: SQLite in the data directory by default."""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DIM = 384


@dataclass(frozen=True)
class StoredChunk:
    document_id: str
    chunk_id: str
    text: str
    metadata: dict = field(default_factory=dict)


def open_store(settings):
    """PostgreSQL + pgvector when DATABASE_URL is set (pgstore.py), else SQLite in the data directory."""
    if settings.database_url:
        from .pgstore import PgStore

        return PgStore(settings.database_url)
    return SqliteStore(settings.data_dir)


class SqliteStore:
    def __init__(self, data_dir: Path):
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()  # one connection, shared by FastAPI's worker threads in turn
        self.db = sqlite3.connect(data_dir / "capstone.sqlite3", check_same_thread=False, isolation_level=None)
        self.db.executescript("""
            PRAGMA journal_mode = WAL;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS documents (
                tenant TEXT NOT NULL, document_id TEXT NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL,
                PRIMARY KEY (tenant, document_id));
            CREATE TABLE IF NOT EXISTS chunks (
                tenant TEXT NOT NULL, document_id TEXT NOT NULL, chunk_id TEXT NOT NULL, position INTEGER NOT NULL,
                text TEXT NOT NULL, vector BLOB NOT NULL,
                PRIMARY KEY (tenant, chunk_id),
                FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, document_id) ON DELETE CASCADE);
            CREATE TABLE IF NOT EXISTS versions (tenant TEXT PRIMARY KEY, version INTEGER NOT NULL);
        """)

    def put(self, tenant: str, document_id: str, text: str, metadata: dict, chunks: list[str], vectors) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), DIM)
        rows = [(tenant, document_id, f"{document_id}#{i}", i, chunk, vectors[i].tobytes()) for i, chunk in enumerate(chunks)]
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("DELETE FROM chunks WHERE tenant = ? AND document_id = ?", (tenant, document_id))
                self.db.execute(
                    "INSERT INTO documents VALUES (?, ?, ?, ?) ON CONFLICT (tenant, document_id) "
                    "DO UPDATE SET text = excluded.text, metadata = excluded.metadata",
                    (tenant, document_id, text, json.dumps(metadata)))
                self.db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)", rows)
                self._bump(tenant)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def get(self, tenant: str, document_id: str) -> dict | None:
        with self.lock:
            row = self.db.execute("SELECT text, metadata FROM documents WHERE document_id = ?", (document_id,)).fetchone()
            chunks = self.db.execute("SELECT chunk_id, text FROM chunks WHERE document_id = ? ORDER BY position",
                                     (document_id,)).fetchall()
        if row is None:
            return None
        return {"id": document_id, "text": row[0], "metadata": json.loads(row[1]),
                "chunks": [{"chunk_id": chunk_id, "text": text} for chunk_id, text in chunks]}

    def delete(self, tenant: str, document_id: str) -> bool:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            deleted = self.db.execute("DELETE FROM documents WHERE document_id = ?", (document_id,)).rowcount
            if deleted:
                self._bump(tenant)
            self.db.execute("COMMIT")
        return deleted > 0

    def chunks(self, tenant: str) -> tuple[list[StoredChunk], np.ndarray]:
        with self.lock:
            rows = self.db.execute(
                "SELECT c.document_id, c.chunk_id, c.text, d.metadata, c.vector FROM chunks c "
                "JOIN documents d ON d.tenant = c.tenant AND d.document_id = c.document_id "
                "ORDER BY c.document_id, c.position").fetchall()
        metadata = {}
        chunks = [StoredChunk(d, c, t, metadata.setdefault(m, json.loads(m))) for d, c, t, m, _ in rows]
        M = np.frombuffer(b"".join(r[4] for r in rows), dtype=np.float32).reshape(len(rows), DIM)
        return chunks, M

    def version(self, tenant: str) -> int:
        with self.lock:
            row = self.db.execute("SELECT SUM(version) FROM versions").fetchone()
        return row[0] if row else 0

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return self.db.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks)").fetchone()

    def _bump(self, tenant: str) -> None:
        self.db.execute("INSERT INTO versions VALUES (?, 1) ON CONFLICT (tenant) DO UPDATE SET version = version + 1", (tenant,))

# %% search_impl  (dense only: 'embeddings understand meaning', so no BM25; exact identifiers become a coin toss)
%%writefile capstone_app/search.py
"""Chunking, embeddings and hybrid retrieval (BM25 + dense, fused by RRF), one index per tenant."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from coursekit import rag

HANGUL = re.compile("[\uac00-\ud7a3]")
_embed_lock = threading.Lock()


@dataclass(frozen=True)
class Hit:
    document_id: str
    chunk_id: str
    text: str
    score: float  # fused score, higher is better
    dense: float  # cosine similarity of the chunk and the query


def embed(texts: list[str]) -> np.ndarray:
    """(n, 384) float32 unit vectors from MiniLM, in batches of 64."""
    with _embed_lock:  # the tokenizer must not be used by two threads at once
        return rag.embed(list(texts), batch_size=64)


def chunk_text(text: str, max_chars: int = 800) -> list[str]:
    chunks = [c.text for c in rag.chunk_markdown("", text, max_chars) if c.text.strip()]
    return chunks or [text.strip()]


def tokens(text: str) -> list[str]:
    found = rag.words(text)
    if HANGUL.search(text):  # Kiwi loads on the first Korean text, not at start-up
        found += rag.korean_tokens(text)
    return found


class Searcher:
    def __init__(self, store, depth: int = 50):
        self.store, self.depth = store, depth
        self._cache: dict = {}  # tenant -> (version, chunks, M, bm25)
        self._lock = threading.Lock()

    def index(self, tenant: str):
        version = self.store.version(tenant)
        cached = self._cache.get(tenant)
        if cached is not None and cached[0] == version:
            return cached
        chunks, M = self.store.chunks(tenant)
        bm25 = None  # embeddings understand meaning: no need for keyword search
        entry = (version, chunks, M, bm25)
        with self._lock:
            self._cache[tenant] = entry
        return entry

    def search(self, tenant: str, query: str, k: int, filter: dict | None = None) -> list[Hit]:
        _, chunks, M, _ = self.index(tenant)
        if not chunks:
            return []
        allowed = np.array([all(c.metadata.get(key) == value for key, value in (filter or {}).items()) for c in chunks])
        dense = M @ embed([query])[0]
        best = [i for i in rag.top_k(np.where(allowed, dense, -np.inf), k) if allowed[i]]
        return [Hit(chunks[i].document_id, chunks[i].chunk_id, chunks[i].text, float(dense[i]), float(dense[i])) for i in best]

# %% answer_impl  (never declines: every retrieved chunk counts as evidence, so it answers and cites anything)
%%writefile capstone_app/answer.py
"""Answers from retrieved chunks, with citations; decline when nothing relevant was found."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .search import Hit, tokens

NO_ANSWER = "I could not find an answer to that in the documents."
MIN_SIMILARITY = 0.3  # below this cosine similarity a chunk is not evidence
SENTENCE = re.compile(r"(?<=[.!?])\s+")
LIST_MARK = re.compile(r"^([-*+]|\d+[.)])\s+")
STOPWORDS = frozenset("a an and are as at be by can do does for from how i if in is it of on or should that the "
                      "this to what when where which who why with you your".split())


@dataclass
class Answer:
    answer: str
    citations: list[tuple[str, str]] = field(default_factory=list)  # (document_id, chunk_id)


def content_terms(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS and len(t) > 1}


def sentences(text: str) -> list[str]:
    """Prose sentences of a chunk: paragraphs and list items joined across line breaks; headings,
    tables and code skipped."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        items: list[list[str]] = []
        for line in block.splitlines():
            line = line.strip()
            if not line or line[0] in "#|`:<>":
                continue
            if LIST_MARK.match(line) or not items:
                items.append([])
            items[-1].append(LIST_MARK.sub("", line))
        for item in items:
            found += [s.strip() for s in SENTENCE.split(" ".join(item)) if len(s.split()) >= 3]
    return found


def relevant(question: str, hits: list[Hit]) -> list[Hit]:
    return list(hits)  # retrieval already ranked them: the top hits are the evidence


def answer_question(question: str, hits: list[Hit], max_sentences: int = 2) -> Answer:
    evidence = relevant(question, hits)[:3]
    if not evidence:
        return Answer(NO_ANSWER, [])
    terms = content_terms(question)
    scored = []
    for rank, hit in enumerate(evidence):
        for position, sentence in enumerate(sentences(hit.text)):
            overlap = len(terms & set(tokens(sentence)))
            scored.append((overlap, -rank, -position, sentence[:400], hit))
    if not scored:  # only tables or code: quote the start of the best chunk
        best = evidence[0]
        return Answer(best.text.strip()[:400], [(best.document_id, best.chunk_id)])
    scored.sort(key=lambda s: s[:3], reverse=True)
    chosen = [s for s in scored[:max_sentences] if s[0] > 0] or scored[:1]
    chosen.sort(key=lambda s: (-s[1], -s[2]))  # reading order
    citations = list(dict.fromkeys((s[4].document_id, s[4].chunk_id) for s in chosen))
    return Answer(" ".join(s[3] for s in chosen), citations)


def generated_answer(question: str, hits: list[Hit], model) -> Answer:
    """A model (coursekit.llm.ChatModel) writes the answer from numbered sources and cites them as [n]."""
    evidence = relevant(question, hits)[:4]
    if not evidence:
        return Answer(NO_ANSWER, [])
    sources = "\n\n".join(f"[{i}] {h.text}" for i, h in enumerate(evidence, start=1))
    messages = [
        {"role": "system", "content": "Answer only from the numbered sources and cite each source you use as [n]. "
                                      f"If they do not answer the question, reply exactly: {NO_ANSWER}"},
        {"role": "user", "content": f"Sources:\n{sources}\n\nQuestion: {question}"},
    ]
    text = model.complete(messages, max_tokens=200).text.strip()
    cited = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(evidence)})
    if not cited:  # an answer nobody can check is not an answer
        return Answer(NO_ANSWER, [])
    return Answer(text, [(evidence[n - 1].document_id, evidence[n - 1].chunk_id) for n in cited])

# %% api_impl  (trusts FastAPI's defaults: no bounds on k or the text, no body-size limit)
%%writefile capstone_app/main.py
"""The HTTP API: routes, auth, limits, errors and metrics. Run: uvicorn capstone_app.main:app"""
# No `from __future__ import annotations` here: FastAPI reads the route functions' annotations,
# and models defined inside add_routes() must be real objects, not strings.
import logging

from fastapi import FastAPI

from .answer import answer_question, generated_answer
from .search import Searcher, chunk_text, embed
from .settings import Settings, load_settings
from .store import open_store

log = logging.getLogger("capstone_app")
settings = load_settings()
app = FastAPI(title="Capstone RAG API", version="1.0.0",
              description="Documents in, cited answers out. Every route but /health needs `Authorization: Bearer <key>`.")


@app.get("/health")
def health() -> dict:
    """Liveness: no key, no database."""
    return {"status": "ok"}


def add_routes(app: FastAPI, settings: Settings) -> None:
    """Every route of the contract but /health, with auth, input limits, error handling and metrics."""
    import hmac
    import time
    from typing import Annotated

    from fastapi import Depends, HTTPException, Path, Response
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
    from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictFloat, StrictInt, StrictStr

    store = open_store(settings)
    searcher = Searcher(store)
    generator = None
    if settings.generator == "openai":
        from coursekit.llm import OpenAICompatibleChatModel

        generator = OpenAICompatibleChatModel.from_env()

    ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
    Scalar = StrictStr | StrictInt | StrictFloat | StrictBool

    def no_nul(value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value

    def not_blank(value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return no_nul(value)

    def flat(value: dict) -> dict:
        for key, item in value.items():
            no_nul(key), no_nul(item)
        return value

    Text = str
    Query = str
    Flat = dict[str, Scalar]

    class DocumentIn(BaseModel):
        id: str = Field(pattern=ID, description="1-128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit")
        text: Text
        metadata: Flat = Field(default_factory=dict)

    class SearchIn(BaseModel):
        query: Query
        k: int = 5
        filter: Flat | None = None

    class AskIn(BaseModel):
        question: Query
        k: int = 5

    class Created(BaseModel):
        id: str
        chunks: int

    class ChunkOut(BaseModel):
        chunk_id: str
        text: str

    class DocumentOut(BaseModel):
        id: str
        text: str
        metadata: dict
        chunks: list[ChunkOut]

    class Result(BaseModel):
        document_id: str
        chunk_id: str
        text: str
        score: float

    class Results(BaseModel):
        results: list[Result]

    class Citation(BaseModel):
        document_id: str
        chunk_id: str

    class AnswerOut(BaseModel):
        answer: str
        citations: list[Citation]

    bearer = HTTPBearer(auto_error=False)
    keys = [(key.encode(), tenant) for key, tenant in settings.api_keys.items()]

    def tenant_of(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
        given = credentials.credentials.encode("utf-8", "replace") if credentials else b""
        tenant = next((t for key, t in keys if hmac.compare_digest(key, given)), None)
        if tenant is None:
            raise HTTPException(401, "missing or unknown API key: send Authorization: Bearer <key>",
                                headers={"WWW-Authenticate": "Bearer"})
        return tenant

    Tenant = Annotated[str, Depends(tenant_of)]
    DocumentId = Annotated[str, Path(pattern=ID)]

    registry = CollectorRegistry()
    requests_total = Counter("capstone_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry)
    latency = Histogram("capstone_request_seconds", "HTTP request latency", ["method", "route"], registry=registry)
    documents_gauge = Gauge("capstone_documents", "documents stored, all tenants", registry=registry)
    chunks_gauge = Gauge("capstone_chunks", "chunks stored, all tenants", registry=registry)

    async def send_413(send) -> None:
        body = b'{"detail":"request body too large (limit CAPSTONE_MAX_BODY_BYTES)"}'
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    class LimitsAndMetrics:
        """Pure ASGI: refuse bodies over the limit (declared or streamed), count and time every request."""

        def __init__(self, app, max_body: int):
            self.app, self.max_body = app, max_body

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                return await self.app(scope, receive, send)
            start, status = time.perf_counter(), [500]

            async def send_and_record(message):
                if message["type"] == "http.response.start":
                    status[0] = message["status"]
                await send(message)

            received = [0]

            async def limited_receive():
                message = await receive()
                received[0] += len(message.get("body", b""))
                if received[0] > self.max_body:
                    raise HTTPException(413, "request body too large (limit CAPSTONE_MAX_BODY_BYTES)")
                return message

            try:
                await self.app(scope, receive, send_and_record)  # FastAPI parses the body: no limit needed
            finally:
                route = getattr(scope.get("route"), "path", "unmatched")
                requests_total.labels(scope["method"], route, str(status[0])).inc()
                latency.labels(scope["method"], route).observe(time.perf_counter() - start)

    app.add_middleware(LimitsAndMetrics, max_body=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request, exc: RequestValidationError):
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()][:20]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
        return JSONResponse(status_code=422, content={"detail": detail[:2000], "errors": errors})

    @app.exception_handler(Exception)
    async def unexpected(request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error"})

    @app.post("/documents", status_code=201, response_model=Created)
    def put_document(doc: DocumentIn, tenant: Tenant):
        """Create or replace a document: chunk, embed (one batch), store."""
        chunks = chunk_text(doc.text)
        store.put(tenant, doc.id, doc.text, doc.metadata, chunks, embed(chunks))
        return Created(id=doc.id, chunks=len(chunks))

    @app.get("/documents/{document_id}", response_model=DocumentOut)
    def get_document(document_id: DocumentId, tenant: Tenant):
        found = store.get(tenant, document_id)
        if found is None:
            raise HTTPException(404, f"no document {document_id!r}")
        return found

    @app.delete("/documents/{document_id}", status_code=204)
    def delete_document(document_id: DocumentId, tenant: Tenant):
        if not store.delete(tenant, document_id):
            raise HTTPException(404, f"no document {document_id!r}")
        return Response(status_code=204)

    @app.post("/search", response_model=Results)
    def search(body: SearchIn, tenant: Tenant):
        hits = searcher.search(tenant, body.query, body.k, body.filter)
        return Results(results=[Result(document_id=h.document_id, chunk_id=h.chunk_id, text=h.text, score=h.score)
                                for h in hits])

    @app.post("/ask", response_model=AnswerOut)
    def ask(body: AskIn, tenant: Tenant):
        hits = searcher.search(tenant, body.question, body.k)
        result = generated_answer(body.question, hits, generator) if generator else answer_question(body.question, hits)
        return AnswerOut(answer=result.answer,
                         citations=[Citation(document_id=d, chunk_id=c) for d, c in result.citations])

    @app.get("/metrics")
    def metrics(tenant: Tenant):
        documents, chunks = store.counts()
        documents_gauge.set(documents)
        chunks_gauge.set(chunks)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


try:
    add_routes(app, settings)
except NotImplementedError as exc:
    log.warning("add_routes() is not finished (%r): only GET /health answers", exc)

# %% store_impl  (keeps everything in dictionaries: works until the first restart)
%%writefile capstone_app/store.py
"""Documents and chunks, scoped by tenant: kept in dictionaries (fast, and simple)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DIM = 384


@dataclass(frozen=True)
class StoredChunk:
    document_id: str
    chunk_id: str
    text: str
    metadata: dict = field(default_factory=dict)


def open_store(settings):
    if settings.database_url:
        from .pgstore import PgStore

        return PgStore(settings.database_url)
    return SqliteStore(settings.data_dir)


class SqliteStore:
    def __init__(self, data_dir: Path):
        self.docs: dict[tuple[str, str], dict] = {}
        self.versions: dict[str, int] = {}
        self.lock = threading.Lock()

    def put(self, tenant, document_id, text, metadata, chunks, vectors) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), DIM)
        with self.lock:
            self.docs[(tenant, document_id)] = {"text": text, "metadata": dict(metadata), "chunks": list(chunks), "vectors": vectors}
            self.versions[tenant] = self.versions.get(tenant, 0) + 1

    def get(self, tenant, document_id):
        doc = self.docs.get((tenant, document_id))
        if doc is None:
            return None
        return {"id": document_id, "text": doc["text"], "metadata": doc["metadata"],
                "chunks": [{"chunk_id": f"{document_id}#{i}", "text": t} for i, t in enumerate(doc["chunks"])]}

    def delete(self, tenant, document_id) -> bool:
        with self.lock:
            if self.docs.pop((tenant, document_id), None) is None:
                return False
            self.versions[tenant] = self.versions.get(tenant, 0) + 1
            return True

    def chunks(self, tenant):
        with self.lock:
            items = sorted((d, doc) for (t, d), doc in self.docs.items() if t == tenant)
        chunks = [StoredChunk(d, f"{d}#{i}", text, doc["metadata"]) for d, doc in items for i, text in enumerate(doc["chunks"])]
        M = np.concatenate([doc["vectors"] for _, doc in items]) if items else np.zeros((0, DIM), np.float32)
        return chunks, M

    def version(self, tenant) -> int:
        return self.versions.get(tenant, 0)

    def counts(self):
        return len(self.docs), sum(len(doc["chunks"]) for doc in self.docs.values())

