# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% normalize_impl  (np.where looks safe, but it computes M / norms everywhere first: 0/0 warns)
def normalize_rows(M: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(M, axis=1, keepdims=True)
    return np.where(norms == 0, 0.0, M / norms)

# %% cosine_impl  (normalizes the queries but assumes the stored documents already have length 1)
def cosine_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return normalize_rows(A) @ B.T

# %% topk_impl  (sorts ascending and reverses: best first, but ties come out larger index first)
def top_k_per_row(S: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(S, axis=1, kind="stable")[:, ::-1][:, :k]

# %% sqdist_impl  (the expansion without clipping: rounding leaves small negative distances)
def pairwise_sq_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    a2 = (A**2).sum(axis=1)[:, None]
    b2 = (B**2).sum(axis=1)[None, :]
    return a2 + b2 - 2 * A @ B.T

# %% zscore_impl  (axis=0 standardizes each column, as scikit-learn's StandardScaler does, not each row)
def standardize_rows(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0, keepdims=True)
    std = X.std(axis=0, keepdims=True)
    return np.divide(X - mean, std, out=np.zeros(X.shape), where=std > 0)

# %% zscore_impl  (numpy inside a loop over rows: the right values, still a loop)
def standardize_rows(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    out = np.zeros(X.shape)
    for i in range(X.shape[0]):
        std = X[i].std()
        if std > 0:
            out[i] = (X[i] - X[i].mean()) / std
    return out
