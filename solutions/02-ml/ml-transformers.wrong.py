# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% attention_impl  (masks by multiplying the scores by the mask: a score of 0 still gets weight exp(0) after softmax)
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores * mask
    weights = torch.softmax(scores, dim=-1)
    return weights @ V, weights

# %% head_impl  (slices COLUMNS of the weight: x @ W[:, cols] looks natural, and a square 384x384 W gives no shape error)
def attention_head(hidden, Wq, bq, Wk, bk, Wv, bv, head, head_dim, attention_mask=None):
    cols = slice(head * head_dim, (head + 1) * head_dim)
    Q = hidden @ Wq[:, cols] + bq[cols]
    K = hidden @ Wk[:, cols] + bk[cols]
    V = hidden @ Wv[:, cols] + bv[cols]
    mask = None if attention_mask is None else attention_mask[..., None, :]
    output, _ = scaled_dot_product_attention(Q, K, V, mask)
    return output

# %% pool_impl  (a plain mean over every position: the padding vectors are averaged in)
def mean_pool(token_states, attention_mask):
    return token_states.mean(dim=-2)

# %% embed_impl  (truncation=True without max_length cuts at the tokenizer's 512, not the model's 256)
def embed(texts):
    texts = list(texts)
    if not texts:
        return torch.zeros(0, bert.config.hidden_size)
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        token_states = bert(**batch).last_hidden_state
    return F.normalize(mean_pool(token_states, batch["attention_mask"]), dim=-1)

# %% similar_impl  (ranks by the dot product: right for unit vectors, wrong when rows have different lengths)
def most_similar(q, M, k):
    scores = M @ q
    order = torch.sort(scores, descending=True, stable=True).indices[:k]
    return [(int(i), float(scores[i])) for i in order]

# %% embed_impl  (one text at a time: no padding to get wrong, one forward pass each)
def embed(texts):
    texts = list(texts)
    if not texts:
        return torch.zeros(0, bert.config.hidden_size)
    rows = []
    for text in texts:
        encoded = tokenizer([text], truncation=True, max_length=model.max_seq_length,
                            return_tensors="pt")
        with torch.no_grad():
            states = bert(**encoded).last_hidden_state
        rows.append(F.normalize(mean_pool(states, encoded["attention_mask"]), dim=-1))
    return torch.cat(rows)
