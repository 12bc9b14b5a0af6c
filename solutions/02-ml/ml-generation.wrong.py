# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% mask_impl  (triu without diagonal=1 also hides the diagonal: a token cannot see itself and row 0 becomes all -inf, so softmax gives NaN)
def causal_mask(T: int) -> torch.Tensor:
    return torch.ones(T, T, dtype=torch.bool).triu()

# %% loss_impl  (forgets to shift by one: every position is scored on its own input token, the classic copy-the-input bug)
def next_token_loss(logits: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), ids.reshape(-1))

# %% knobs_impl  (tested on one row only: `.values[-1]` takes the last ROW of a batch instead of each row's k-th value)
def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return logits / temperature


def top_k_filter(logits: torch.Tensor, k: int | None) -> torch.Tensor:
    if k is None or k >= logits.shape[-1]:
        return logits.clone()
    if k < 1:
        raise ValueError("k must be at least 1")
    kth_largest = torch.topk(logits, k).values[-1]
    return logits.masked_fill(logits < kth_largest, float("-inf"))

# %% sample_impl  (applies the temperature to the probabilities after softmax: multinomial renormalises them, so temperature has no effect)
def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                generator: torch.Generator | None = None) -> torch.Tensor:
    if temperature == 0:
        return logits.argmax(dim=-1)
    rows = logits.reshape(-1, logits.shape[-1])
    probs = top_k_filter(rows, top_k).softmax(dim=-1) / temperature
    choice = torch.multinomial(probs, 1, generator=generator)
    return choice.reshape(logits.shape[:-1])

# %% generate_impl  (crops with [:, :context], the FIRST tokens, instead of [:, -context:]: the window stops moving once the text is longer than the context)
@torch.no_grad()
def generate(model_fn, prompt_ids: torch.Tensor, n_new: int, context: int, temperature: float = 0.0,
             top_k: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    if prompt_ids.shape[1] == 0:
        raise ValueError("the prompt needs at least one token")
    ids = prompt_ids.clone()
    for _ in range(n_new):
        logits = model_fn(ids[:, :context])
        next_id = sample_next(logits[:, -1, :], temperature, top_k, generator)
        ids = torch.cat([ids, next_id.unsqueeze(1)], dim=1)
    return ids

# %% sample_impl  (greedy as "the top-1 token": topk keeps no order among equal logits)
def sample_next(logits: torch.Tensor, temperature: float = 1.0,
                top_k: int | None = None,
                generator: torch.Generator | None = None) -> torch.Tensor:
    if temperature == 0:
        return torch.topk(logits, 1, dim=-1).indices.squeeze(-1)
    rows = logits.reshape(-1, logits.shape[-1])
    probs = top_k_filter(apply_temperature(rows, temperature), top_k).softmax(dim=-1)
    choice = torch.multinomial(probs, 1, generator=generator)
    return choice.reshape(logits.shape[:-1])
