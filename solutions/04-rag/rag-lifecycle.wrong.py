# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% save_impl  (decides by timestamp like an mtime-based sync: a newer updated_at with the same text re-embeds)
def content_hash(content: str) -> str:
    normalized = content.replace("\r\n", "\n").strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def save_document(conn: sqlite3.Connection, doc_id: str, content: str, updated_at: str) -> str:
    if not content.strip():
        raise ValueError(f"refusing to save empty content for {doc_id!r}")
    row = conn.execute("SELECT updated_at, version, deleted_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        with conn:
            conn.execute("INSERT INTO documents (doc_id, content, content_hash, version, updated_at) "
                         "VALUES (?, ?, ?, 1, ?)", (doc_id, content, content_hash(content), updated_at))
        return "created"
    stored_at, version, deleted_at = row
    if deleted_at is None and updated_at <= stored_at:
        return "unchanged"
    with conn:
        conn.execute("UPDATE documents SET content = ?, content_hash = ?, version = ?, updated_at = ?, "
                     "deleted_at = NULL WHERE doc_id = ?",
                     (content, content_hash(content), version + 1, updated_at, doc_id))
    return "updated" if deleted_at is None else "created"

# %% index_impl  (clears the old chunks first, then embeds: a failing embedder leaves the document with no chunks)
def index_document(conn: sqlite3.Connection, embedder, doc_id: str, indexed_at: str) -> int:
    row = conn.execute("SELECT content, deleted_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        raise KeyError(doc_id)
    content, deleted_at = row
    with conn:
        conn.execute("DELETE FROM chunks WHERE doc_id = ? AND model_id = ?", (doc_id, embedder.model_id))
    if deleted_at is not None:
        with conn:
            conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        return 0
    texts = split_chunks(content)
    vectors = embedder.embed(texts)
    with conn:
        insert_chunks(conn, doc_id, embedder.model_id, texts, vectors, indexed_at)
    return len(texts)

# %% delete_impl  (marks the tombstone but forgets the index: the chunks stay and come back as ghost results)
def delete_document(conn: sqlite3.Connection, doc_id: str, deleted_at: str) -> bool:
    live = conn.execute("SELECT 1 FROM documents WHERE doc_id = ? AND deleted_at IS NULL", (doc_id,)).fetchone()
    if live is None:
        return False
    with conn:
        conn.execute("UPDATE documents SET content = NULL, content_hash = NULL, version = version + 1, "
                     "updated_at = ?, deleted_at = ? WHERE doc_id = ?", (deleted_at, deleted_at, doc_id))
    return True

# %% stale_impl  (an INNER JOIN filtered on the model: documents without chunks of this model vanish from the report)
def stale_documents(conn: sqlite3.Connection, model_id: str) -> dict[str, str]:
    rows = conn.execute("""
        SELECT d.doc_id, d.deleted_at, d.updated_at, MIN(c.indexed_at)
        FROM documents d JOIN chunks c ON c.doc_id = d.doc_id
        WHERE c.model_id = ?
        GROUP BY d.doc_id
        ORDER BY d.doc_id""", (model_id,)).fetchall()
    report = {}
    for doc_id, deleted_at, updated_at, oldest in rows:
        if deleted_at is not None:
            report[doc_id] = "deleted"
        elif oldest < updated_at:
            report[doc_id] = "outdated"
    return report

# %% reindex_impl  (drops the old model's index first to "start clean": a failure half-way leaves search empty)
def reindex(conn: sqlite3.Connection, embedder, indexed_at: str) -> list[str]:
    with conn:
        conn.execute("DELETE FROM chunks WHERE model_id <> ?", (embedder.model_id,))
    todo = list(stale_documents(conn, embedder.model_id))
    for doc_id in todo:
        index_document(conn, embedder, doc_id, indexed_at)
    return todo

# %% delete_impl  (one `with conn:` per statement: if the chunk delete fails, the tombstone is already committed and the chunks stay as ghosts)
def delete_document(conn: sqlite3.Connection, doc_id: str, deleted_at: str) -> bool:
    live = conn.execute("SELECT 1 FROM documents WHERE doc_id = ? AND deleted_at IS NULL", (doc_id,)).fetchone()
    if live is None:
        return False
    with conn:
        conn.execute("UPDATE documents SET content = NULL, content_hash = NULL, version = version + 1, "
                     "updated_at = ?, deleted_at = ? WHERE doc_id = ?", (deleted_at, deleted_at, doc_id))
    with conn:
        conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
    return True
