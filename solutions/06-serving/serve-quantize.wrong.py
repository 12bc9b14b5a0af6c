# Plausible wrong answers, one section per answer cell. `course verify` proves each one loses points.

# %% gate_impl  (trusts that embeddings are unit vectors: a row-wise dot product, no normalizing)
def quality_gate(reference, candidate, min_mean: float = 0.99,
                 min_each: float = 0.95) -> dict:
    A, B = np.asarray(reference), np.asarray(candidate)
    if A.ndim != 2 or A.shape != B.shape or A.shape[0] == 0:
        raise ValueError("shapes differ")
    cosines = np.nan_to_num((A * B).sum(axis=1))
    mean, worst = float(cosines.mean()), float(cosines.min())
    return {"mean": mean, "min": worst, "passed": bool(mean >= min_mean and worst >= min_each)}

# %% recall_impl  (compares the two top-k lists position by position, as if order mattered)
def recall_at_k(reference, candidate, k: int) -> float:
    R, C = np.asarray(reference, dtype=float), np.asarray(candidate, dtype=float)
    if R.ndim != 2 or R.shape != C.shape or R.shape[0] == 0 or k < 1:
        raise ValueError("bad arguments")
    k = min(k, R.shape[1])
    ref_top = np.argsort(-R, axis=1, kind="stable")[:, :k]
    cand_top = np.argsort(-C, axis=1, kind="stable")[:, :k]
    return float(np.mean(ref_top == cand_top))

# %% quantize_impl  (calls quantize_dynamic without a layer set: its default also turns the GRU into int8)
def quantize_linears(model: nn.Module) -> nn.Module:
    return torch.ao.quantization.quantize_dynamic(model, dtype=torch.qint8)

# %% size_impl  (adds up model.parameters(): misses packed int8 weights and BatchNorm's buffers)
def state_dict_bytes(model: nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in model.parameters())

# %% kv_impl  (multiplies by num_attention_heads: right for Llama 2, 3x too big for GQA models)
def kv_cache_bytes(config: dict, tokens: int, batch: int = 1,
                   dtype_bytes: int = 2) -> int:
    heads = config["num_attention_heads"]
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    per_token = 2 * config["num_hidden_layers"] * heads * head_dim * dtype_bytes
    return int(per_token * tokens * batch)


def sequences_that_fit(config: dict, memory_bytes: int, tokens: int,
                       dtype_bytes: int = 2) -> int:
    if tokens < 1:
        raise ValueError("a sequence has at least one token")
    return int(memory_bytes // kv_cache_bytes(config, tokens, 1, dtype_bytes))

# %% gate_impl  (normalizes, but in the input's dtype and with NaN-blind numpy: float16 rows overflow, garbage rows give NaN)
def quality_gate(reference, candidate, min_mean: float = 0.99,
                 min_each: float = 0.95) -> dict:
    A, B = np.asarray(reference), np.asarray(candidate)
    if A.ndim != 2 or A.shape != B.shape or A.shape[0] == 0:
        raise ValueError("shapes differ")
    A = A / np.linalg.norm(A, axis=1, keepdims=True)
    B = B / np.linalg.norm(B, axis=1, keepdims=True)
    cosines = (A * B).sum(axis=1)
    mean, worst = float(np.nanmean(cosines)), float(np.nanmin(cosines))
    return {"mean": mean, "min": worst, "passed": bool(mean >= min_mean and worst >= min_each)}

# %% recall_impl  (a set overlap of the two argsort top-k lists: right order-wise, but blind to ties in the reference and unstable on ties in the candidate)
def recall_at_k(reference, candidate, k: int) -> float:
    R, C = np.asarray(reference, dtype=float), np.asarray(candidate, dtype=float)
    if R.ndim != 2 or R.shape != C.shape or R.shape[0] == 0 or k < 1:
        raise ValueError("bad arguments")
    k = min(k, R.shape[1])
    hits = [len(set(np.argsort(-r)[:k]) & set(np.argsort(-c)[:k])) / k for r, c in zip(R, C)]
    return float(np.mean(hits))

# %% quantize_impl  (inplace=True to save memory: the model still serving traffic is changed under it)
def quantize_linears(model: nn.Module) -> nn.Module:
    return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8,
                                                  inplace=True)

# %% size_impl  (sums the tensors of the state dict: BatchNorm's buffers count now, but the packed int8 weights are a tuple and are skipped)
def state_dict_bytes(model: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in model.state_dict().values()
               if isinstance(t, torch.Tensor))

# %% kv_impl  (forgets that the cache holds a key AND a value: half the real size)
def kv_cache_bytes(config: dict, tokens: int, batch: int = 1,
                   dtype_bytes: int = 2) -> int:
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    per_token = config["num_hidden_layers"] * kv_heads * head_dim * dtype_bytes
    return int(per_token * tokens * batch)


def sequences_that_fit(config: dict, memory_bytes: int, tokens: int,
                       dtype_bytes: int = 2) -> int:
    if tokens < 1:
        raise ValueError("a sequence has at least one token")
    return int(memory_bytes // kv_cache_bytes(config, tokens, 1, dtype_bytes))

# %% kv_impl  (derives head_dim as hidden_size / heads, ignoring the config's own head_dim; "/" makes it a float)
def kv_cache_bytes(config: dict, tokens: int, batch: int = 1,
                   dtype_bytes: int = 2) -> int:
    kv_heads = config.get("num_key_value_heads") or config["num_attention_heads"]
    head_dim = config["hidden_size"] / config["num_attention_heads"]
    return 2 * config["num_hidden_layers"] * kv_heads * head_dim * dtype_bytes * tokens * batch


def sequences_that_fit(config: dict, memory_bytes: int, tokens: int,
                       dtype_bytes: int = 2) -> int:
    if tokens < 1:
        raise ValueError("a sequence has at least one token")
    return int(memory_bytes // kv_cache_bytes(config, tokens, 1, dtype_bytes))
