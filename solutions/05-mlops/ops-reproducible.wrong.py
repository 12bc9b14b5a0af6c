# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% file_sha256_impl  (reads the whole file at once: right on every small test file, and a 10 GB training set needs 10 GB of memory)
def file_sha256(path, chunk_size: int = 1 << 16) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

# %% frame_hash_impl  (hashes the printed frame: str(df) shows only the first and last five rows of a long frame, so a change in the middle keeps the hash)
def frame_hash(df: pd.DataFrame) -> str:
    return hashlib.sha256(str(df).encode("utf-8")).hexdigest()

# %% train_impl  (seeds the model but not the split: train_test_split draws a new test set on every call, so the same seed gives another AUC)
def train(df: pd.DataFrame, seed: int) -> dict:
    data = df.sort_values("request_id", ignore_index=True)
    X, y = features(data), data[LABEL]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y)
    model = GradientBoostingClassifier(n_estimators=30, max_depth=2, subsample=0.8,
                                       random_state=seed).fit(X_tr, y_tr)
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    return {"auc": float(auc),
            "model_sha256": hashlib.sha256(pickle.dumps(model, protocol=5)).hexdigest(),
            "n_train": len(X_tr), "n_test": len(X_te)}

# %% fingerprint_impl  (uses Python's hash() for the id: stable inside one notebook, but salted per process, so every worker and every rerun names the same run differently)
def run_fingerprint(df: pd.DataFrame, params: dict, code: str) -> dict:
    return {
        "code_sha256": hashlib.sha256(code.encode("utf-8")).hexdigest(),
        "data_sha256": frame_hash(df),
        "params": dict(params),
        "libraries": {name: importlib.metadata.version(name)
                      for name in ("numpy", "pandas", "scikit-learn")},
        "python": platform.python_version(),
    }


def fingerprint_id(fp: dict) -> str:
    return format(hash(json.dumps(fp, sort_keys=True)) % (1 << 256), "064x")

# %% file_sha256_impl  (stops at the first short read without hashing it: the last, partial chunk of every file is lost)
def file_sha256(path, chunk_size: int = 1 << 16) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_size)
            if len(chunk) < chunk_size:
                break
            h.update(chunk)
    return h.hexdigest()

# %% frame_hash_impl  (hash_pandas_object with its default index=True: the same rows after a filter and reset_index get another hash)
def frame_hash(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    header = json.dumps([[name, str(dtype)] for name, dtype in df.dtypes.items()])
    h.update(header.encode("utf-8"))
    h.update(pd.util.hash_pandas_object(df).to_numpy().tobytes())
    return h.hexdigest()

# %% train_impl  (trusts the row order it was given: the same rows from a query without ORDER BY train another model)
def train(df: pd.DataFrame, seed: int) -> dict:
    X, y = features(df), df[LABEL]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=seed,
                                              stratify=y)
    model = GradientBoostingClassifier(n_estimators=30, max_depth=2, subsample=0.8,
                                       random_state=seed).fit(X_tr, y_tr)
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    return {"auc": float(auc),
            "model_sha256": hashlib.sha256(pickle.dumps(model, protocol=5)).hexdigest(),
            "n_train": len(X_tr), "n_test": len(X_te)}

# %% fingerprint_impl  (json.dumps without sort_keys: the same params inserted in another order give another run id)
def run_fingerprint(df: pd.DataFrame, params: dict, code: str) -> dict:
    return {
        "code_sha256": hashlib.sha256(code.encode("utf-8")).hexdigest(),
        "data_sha256": frame_hash(df),
        "params": dict(params),
        "libraries": {name: importlib.metadata.version(name)
                      for name in ("numpy", "pandas", "scikit-learn")},
        "python": platform.python_version(),
    }


def fingerprint_id(fp: dict) -> str:
    canonical = json.dumps(fp, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

# %% file_sha256_impl  (opens the file in text mode and re-encodes each chunk: binary data fails to decode, and line endings are translated)
def file_sha256(path, chunk_size: int = 1 << 16) -> str:
    h = hashlib.sha256()
    with open(path, encoding="utf-8") as f:
        while chunk := f.read(chunk_size):
            h.update(chunk.encode("utf-8"))
    return h.hexdigest()

# %% frame_hash_impl  (hashes the values only: a renamed column, or bool turned into int64, keeps the hash)
def frame_hash(df: pd.DataFrame) -> str:
    rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashlib.sha256(rows.tobytes()).hexdigest()

# %% train_impl  (seeds the split but not the model: subsample=0.8 draws rows at random for every tree, so two runs give two models)
def train(df: pd.DataFrame, seed: int) -> dict:
    data = df.sort_values("request_id", ignore_index=True)
    X, y = features(data), data[LABEL]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=seed,
                                              stratify=y)
    model = GradientBoostingClassifier(n_estimators=30, max_depth=2,
                                       subsample=0.8).fit(X_tr, y_tr)
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    return {"auc": float(auc),
            "model_sha256": hashlib.sha256(pickle.dumps(model, protocol=5)).hexdigest(),
            "n_train": len(X_tr), "n_test": len(X_te)}

# %% fingerprint_impl  (keeps a reference to the caller's params: a later change to that dict rewrites the fingerprint of a finished run)
def run_fingerprint(df: pd.DataFrame, params: dict, code: str) -> dict:
    return {
        "code_sha256": hashlib.sha256(code.encode("utf-8")).hexdigest(),
        "data_sha256": frame_hash(df),
        "params": params,
        "libraries": {name: importlib.metadata.version(name)
                      for name in ("numpy", "pandas", "scikit-learn")},
        "python": platform.python_version(),
    }


def fingerprint_id(fp: dict) -> str:
    canonical = json.dumps(fp, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
