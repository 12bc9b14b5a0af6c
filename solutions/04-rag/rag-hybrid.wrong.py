# Plausible wrong answers. A grade_id that appears a second time starts a second variant.
# `course verify` proves each one loses points on its task.

# %% tokenize_impl  (the lesson's \w+ tokenizer: paths and hyphenated names fall apart into pieces)
def tokenize(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())

# %% bm25_impl  (copies the classic idf without Lucene's +1: common terms get a negative weight)
class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n_docs = len(docs)
        self.counts = [Counter(doc) for doc in docs]
        self.doc_len = np.array([len(doc) for doc in docs], dtype=np.float64)
        self.avgdl = float(self.doc_len.mean()) if self.n_docs else 0.0
        self.df = Counter(term for counts in self.counts for term in counts)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log((self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        total = np.zeros(self.n_docs, dtype=np.float64)
        if self.avgdl == 0:
            return total
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl)
        for term in query:
            tf = np.array([counts.get(term, 0) for counts in self.counts], dtype=np.float64)
            total += self.idf(term) * tf * (self.k1 + 1) / (tf + norm)
        return total

    def search(self, query: list[str], k: int) -> list[tuple[int, float]]:
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:max(k, 0)]
        return [(int(i), float(s[i])) for i in order if s[i] > 0]

# %% rrf_impl  (enumerate() starts at 0, so the first document gets weight / k instead of weight / (k + 1))
def rrf_fuse(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60,
             top: int | None = None) -> list[tuple[str, float]]:
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for weight, ranking in zip(weights, rankings):
        seen = set()
        for rank, doc_id in enumerate(ranking):
            if doc_id not in seen:
                seen.add(doc_id)
                fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    ordered = sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
    return ordered if top is None else ordered[:top]

# %% minmax_impl  (adds the raw scores with their weights: BM25's bigger scale decides alone)
def minmax_fuse(score_maps: list[dict[str, float]], weights: list[float] | None = None,
                top: int | None = None) -> list[tuple[str, float]]:
    if weights is None:
        weights = [1.0] * len(score_maps)
    if len(weights) != len(score_maps):
        raise ValueError("one weight per score map")
    fused: dict[str, float] = {}
    for weight, raw in zip(weights, score_maps):
        for doc_id, value in raw.items():
            fused[doc_id] = fused.get(doc_id, 0.0) + weight * value
    ordered = sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
    return ordered if top is None else ordered[:top]

# %% tokenize_impl  (keeps identifiers whole but forgets to add their parts: "top k" no longer matches top_k)
def tokenize(text: str) -> list[str]:
    return re.findall(r"/?\w+(?:[./-]\w+)*", text.lower())

# %% bm25_impl  (forgets length normalization: a long document matches as easily as a short one)
class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n_docs = len(docs)
        self.counts = [Counter(doc) for doc in docs]
        self.df = Counter(term for counts in self.counts for term in counts)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        total = np.zeros(self.n_docs, dtype=np.float64)
        for term in query:
            tf = np.array([counts.get(term, 0) for counts in self.counts], dtype=np.float64)
            total += self.idf(term) * tf * (self.k1 + 1) / (tf + self.k1)
        return total

    def search(self, query: list[str], k: int) -> list[tuple[int, float]]:
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:max(k, 0)]
        return [(int(i), float(s[i])) for i in order if s[i] > 0]

# %% rrf_impl  (sorts ascending by score: the weakest documents come first)
def rrf_fuse(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60,
             top: int | None = None) -> list[tuple[str, float]]:
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for weight, ranking in zip(weights, rankings):
        seen = set()
        for rank, doc_id in enumerate(ranking, start=1):
            if doc_id not in seen:
                seen.add(doc_id)
                fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    ordered = sorted(fused.items(), key=lambda pair: (pair[1], pair[0]))
    return ordered if top is None else ordered[:top]

# %% minmax_impl  (divides by the maximum only: scores that all sit in a narrow band never reach 0)
def minmax_fuse(score_maps: list[dict[str, float]], weights: list[float] | None = None,
                top: int | None = None) -> list[tuple[str, float]]:
    if weights is None:
        weights = [1.0] * len(score_maps)
    if len(weights) != len(score_maps):
        raise ValueError("one weight per score map")
    fused: dict[str, float] = {}
    for weight, raw in zip(weights, score_maps):
        if not raw:
            continue
        high = max(raw.values())
        for doc_id, value in raw.items():
            fused[doc_id] = fused.get(doc_id, 0.0) + weight * (value / high if high else 1.0)
    ordered = sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
    return ordered if top is None else ordered[:top]

# %% bm25_impl  (np.argsort(-s) with its default kind: ties on a few documents keep their order by luck, on many they do not)
class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n_docs = len(docs)
        self.counts = [Counter(doc) for doc in docs]
        self.doc_len = np.array([len(doc) for doc in docs], dtype=np.float64)
        self.avgdl = float(self.doc_len.mean()) if self.n_docs else 0.0
        self.df = Counter(term for counts in self.counts for term in counts)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return float(np.log1p((self.n_docs - df + 0.5) / (df + 0.5)))

    def scores(self, query: list[str]) -> np.ndarray:
        total = np.zeros(self.n_docs, dtype=np.float64)
        if self.avgdl == 0:
            return total
        denominator_part = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl)
        for term in query:
            tf = np.array([counts.get(term, 0) for counts in self.counts], dtype=np.float64)
            total += self.idf(term) * tf * (self.k1 + 1) / (tf + denominator_part)
        return total

    def search(self, query: list[str], k: int) -> list[tuple[int, float]]:
        s = self.scores(query)
        best_first = np.argsort(-s)[:max(k, 0)]
        return [(int(i), float(s[i])) for i in best_first if s[i] > 0]
