# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% lru_impl  (a hit does not refresh recency: this is FIFO eviction, not LRU)
class LRUCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._data = {}

    def get(self, key):
        return self._data.get(key)

    def put(self, key, value) -> None:
        self._data[key] = value
        if len(self._data) > self.capacity:
            del self._data[next(iter(self._data))]

    def __len__(self) -> int:
        return len(self._data)

# %% top_k_impl  (sorts ascending: the k LOWEST scores)
def top_k(scores, k: int) -> list[int]:
    scores = list(scores)
    return sorted(range(len(scores)), key=lambda i: scores[i])[:k]

# %% index_impl  (returns documents with ANY query token: a union, not an intersection)
def build_index(docs: dict) -> dict:
    index = defaultdict(set)
    for doc_id, text in docs.items():
        for token in text.lower().split():
            index[token].add(doc_id)
    return dict(index)


def search_all(index: dict, query: str) -> list:
    found = set()
    for token in query.lower().split():
        found |= index.get(token, set())
    return sorted(found)

# %% limiter_impl  (off by one at the boundary: keeps requests exactly `window` old)
class SlidingWindowLimiter:
    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._accepted = deque()

    def allow(self, now: float) -> bool:
        while self._accepted and now - self._accepted[0] > self.window:
            self._accepted.popleft()
        if len(self._accepted) < self.limit:
            self._accepted.append(now)
            return True
        return False

# %% lru_impl  (a list keeps the recency order: every answer is right, but list.remove scans the keys, so get and put are O(n), not O(1))
class LRUCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._data = {}
        self._order = []

    def get(self, key):
        if key not in self._data:
            return None
        self._order.remove(key)
        self._order.append(key)
        return self._data[key]

    def put(self, key, value) -> None:
        if key in self._data:
            self._order.remove(key)
        self._data[key] = value
        self._order.append(key)
        if len(self._data) > self.capacity:
            del self._data[self._order.pop(0)]

    def __len__(self) -> int:
        return len(self._data)
