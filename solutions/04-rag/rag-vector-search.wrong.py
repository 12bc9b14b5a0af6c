# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% cache_impl  (keys by the text alone: "the hash identifies the content", so two models share vectors)
class EmbeddingCache:
    def __init__(self, encode, model_name: str, dim: int, store: dict | None = None):
        self.encode = encode
        self.model_name = model_name
        self.dim = dim
        self.store = {} if store is None else store
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(text) for text in texts]
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self.store and key not in missing:
                missing[key] = text
        if missing:
            vectors = np.asarray(self.encode(list(missing.values())), dtype=np.float32)
            if vectors.shape != (len(missing), self.dim):
                raise ValueError("bad shape from the encoder")
            for key, vector in zip(missing, vectors):
                self.store[key] = vector.copy()
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        return np.stack([self.store[key] for key in keys]) if texts else np.zeros((0, self.dim), np.float32)

# %% exact_impl  (normalizes the queries but trusts the stored rows to be unit vectors already)
def exact_search(Q: np.ndarray, M: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    Q = np.asarray(Q, dtype=np.float64)
    M = np.asarray(M, dtype=np.float64)
    norms = np.linalg.norm(Q, axis=1, keepdims=True)
    Qu = np.divide(Q, norms, out=np.zeros_like(Q), where=norms > 0)
    D = np.full((len(Qu), k), -np.inf, dtype=np.float32)
    I = np.full((len(Qu), k), -1, dtype=np.int64)
    take = min(k, len(M))
    if take > 0:
        S = (Qu @ M.T).astype(np.float32)
        order = np.argsort(-S, axis=1, kind="stable")[:, :take]
        I[:, :take] = order
        D[:, :take] = np.take_along_axis(S, order, axis=1)
    return D, I

# %% labels_impl  (indexes doc_ids with every id, so faiss's -1 silently becomes the last document)
def label_results(D: np.ndarray, I: np.ndarray, doc_ids: list[str]) -> list[list[tuple[str, float]]]:
    return [[(doc_ids[i], float(s)) for s, i in zip(scores, ids)] for scores, ids in zip(D, I)]

# %% recall_impl  (the textbook formula: overlap / k, with -1 treated like any other id)
def recall_at_k(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    found, truth = np.asarray(found), np.asarray(truth)
    if len(truth) == 0:
        raise ValueError("no queries")
    return float(np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth)]))

# %% nprobe_impl  (finds the right nprobe but leaves the live index at the last value it tried)
def choose_nprobe(index, Q: np.ndarray, truth: np.ndarray, k: int, target: float,
                  candidates: list[int]) -> tuple[int, float] | None:
    for nprobe in sorted(set(candidates)):
        index.nprobe = nprobe
        _, I = index.search(Q, k)
        measured = recall_at_k(I, truth, k)
        if measured >= target:
            return nprobe, measured
    return None

# %% exact_impl  (np.argsort(-S) with its default kind: on a few rows ties keep their order by luck, on many they do not)
def exact_search(Q: np.ndarray, M: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    def unit_rows(A):
        A = np.asarray(A, dtype=np.float64)
        norms = np.linalg.norm(A, axis=1, keepdims=True)
        return np.divide(A, norms, out=np.zeros_like(A), where=norms > 0)

    Qu, Mu = unit_rows(Q), unit_rows(M)
    nq, n = Qu.shape[0], Mu.shape[0]
    D = np.full((nq, k), -np.inf, dtype=np.float32)
    I = np.full((nq, k), -1, dtype=np.int64)
    take = min(k, n)
    if take > 0:
        S = (Qu @ Mu.T).astype(np.float32)
        order = np.argsort(-S, axis=1)[:, :take]
        I[:, :take] = order
        D[:, :take] = np.take_along_axis(S, order, axis=1)
    return D, I
