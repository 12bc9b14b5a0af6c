# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% terms_impl  (adds SL and SN to the allowed tags, as coursekit.rag.korean_tokens does: E1042 becomes e + 1042)
def bm25_terms(text: str) -> list[str]:
    allowed = KEEP_TAGS | {"SL", "SN"}
    return [t.form.lower() for t in analyser.tokenize(text) if t.tag.split("-")[0] in allowed]

# %% detect_impl  (divides by the length of the whole text, so spaces, digits and punctuation dilute the share)
def detect_language(text: str) -> str:
    hangul = sum("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f" for c in text)
    latin = sum(("a" <= c <= "z") or ("A" <= c <= "Z") for c in text)
    if hangul + latin == 0:
        return "unknown"
    share = hangul / len(text)
    if share >= KO_AT_LEAST:
        return "ko"
    if share < EN_BELOW:
        return "en"
    return "mixed"

# %% roles_impl  (passages() was copied from queries() and still says "query": documents get the query role)
def e5_inputs(texts, role: str) -> list[str]:
    if role not in ("query", "passage"):
        raise ValueError(f"role must be 'query' or 'passage', got {role!r}")
    if isinstance(texts, str):
        texts = [texts]
    out = []
    for text in texts:
        text = text.strip()
        for prefix in ("query: ", "passage: "):
            if text.startswith(prefix):
                text = text[len(prefix):].strip()
                break
        out.append(f"{role}: {text}")
    return out


class E5Client:
    def __init__(self, raw_embed, batch_size: int = 32):
        self.raw_embed = raw_embed
        self.batch_size = batch_size

    def embed(self, texts, role: str) -> np.ndarray:
        inputs = e5_inputs(texts, role)
        parts = [np.asarray(self.raw_embed(inputs[i:i + self.batch_size]), dtype=np.float32)
                 for i in range(0, len(inputs), self.batch_size)]
        M = np.concatenate(parts, axis=0)
        return (M / np.linalg.norm(M, axis=1, keepdims=True)).astype(np.float32)

    def queries(self, texts) -> np.ndarray:
        return self.embed(texts, "query")

    def passages(self, texts) -> np.ndarray:
        return self.embed(texts, "query")

# %% route_impl  (searches every lexical index for every query, like a plain hybrid retriever: no routing)
def routed_search(query: str, lexical: dict, dense, k: int) -> list[str]:
    rankings = [retriever.search(query, DEPTH) for retriever in lexical.values()]
    rankings.append(dense.search(query, DEPTH))
    return rrf(rankings, k)

# %% table_impl  (counts a hit if any relevant id is found: hit rate, not recall, for multi-answer questions)
def recall_table(systems: dict, questions: list[dict], k: int) -> pd.DataFrame:
    group_names = sorted({q["group"] for q in questions})
    rows = {}
    for name, search in systems.items():
        scores = []
        for q in questions:
            found = set(search(q["question"], k)[:k]) & set(q["relevant"])
            scores.append(1.0 if found else 0.0)
        scores = pd.Series(scores, dtype=float)
        by_group = scores.groupby([q["group"] for q in questions]).mean()
        rows[name] = [float(by_group[g]) for g in group_names] + [float(scores.mean())]
    return pd.DataFrame.from_dict(rows, orient="index", columns=group_names + ["all"])

# %% detect_impl  (writes the Unicode ranges with an exclusive end, as range() would: the last syllable 힣 and the last jamo are not Hangul)
def detect_language(text: str) -> str:
    hangul = sum("\uac00" <= c < "\ud7a3" or "\u1100" <= c < "\u11ff" or "\u3130" <= c < "\u318f" for c in text)
    latin = sum(("a" <= c <= "z") or ("A" <= c <= "Z") for c in text)
    if hangul + latin == 0:
        return "unknown"
    share = hangul / (hangul + latin)
    if share >= KO_AT_LEAST:
        return "ko"
    if share < EN_BELOW:
        return "en"
    return "mixed"
