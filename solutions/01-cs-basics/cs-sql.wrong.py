# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% schema_impl  (every column and constraint is right, but PRAGMA foreign_keys = ON is forgotten: SQLite then stores errors of runs that never existed and lets a run with errors be deleted)
def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript("""
        CREATE TABLE ingest_runs (
            id         TEXT PRIMARY KEY NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            started_at INTEGER NOT NULL,
            status     TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
            n_docs     INTEGER NOT NULL CHECK (n_docs >= 0)
        );
        CREATE TABLE ingest_errors (
            id      INTEGER PRIMARY KEY,
            run_id  TEXT NOT NULL REFERENCES ingest_runs (id),
            line_no INTEGER NOT NULL CHECK (line_no >= 1),
            message TEXT NOT NULL,
            UNIQUE (run_id, line_no)
        );
    """)

# %% lookup_impl  (builds the SQL with an f-string: works for normal ids, open to injection, crashes on an apostrophe)
def chunks_of(conn: sqlite3.Connection, document_id: str) -> list[tuple[int, str]]:
    sql = f"SELECT position, text FROM chunks WHERE document_id = '{document_id}' ORDER BY position"
    return conn.execute(sql).fetchall()

# %% report_impl  (LEFT JOIN, but COUNT(*) and a bare SUM: an empty document shows 1 chunk and None tokens)
def chunk_report(conn: sqlite3.Connection) -> list[tuple[str, str, int, int]]:
    rows = conn.execute("""
        SELECT d.id, d.title, COUNT(*), SUM(c.token_count) AS total_tokens
        FROM documents AS d
        LEFT JOIN chunks AS c ON c.document_id = d.id
        GROUP BY d.id, d.title
        ORDER BY total_tokens DESC, d.id ASC
    """)
    return rows.fetchall()

# %% index_impl  (indexes only the WHERE column: the plan searches, but still sorts in a TEMP B-TREE)
def create_recent_queries_index(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX IF NOT EXISTS idx_query_log_user ON query_log (user_id)")

# %% upsert_impl  (every statement is right, but there is no rollback: a failure half-way leaves the old chunks deleted)
def upsert_document(conn: sqlite3.Connection, document_id: str, title: str, chunks: list[tuple[str, int]]) -> None:
    conn.execute(
        "INSERT INTO documents (id, title) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title",
        (document_id, title),
    )
    conn.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,))
    for position, (text, tokens) in enumerate(chunks):
        conn.execute(
            "INSERT INTO chunks (document_id, position, text, token_count) VALUES (?, ?, ?, ?)",
            (document_id, position, text, tokens),
        )
    conn.commit()
