# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% cache_key_impl  (the key has the model but not its version: after an upgrade, the old version's vectors are served as if they were new)
def cache_key(text: str, model: str, version: str) -> str:
    normalized = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(f"{model}\x1f{normalized}".encode("utf-8")).hexdigest()

# %% lru_impl  (tracks recency in a list: correct answers, but list.remove and list.pop(0) walk the whole list on every hit and eviction)
class LRUCache:
    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.evictions = 0
        self.data = {}
        self.order = []  # least recently used first

    def get(self, key, default=None):
        if key not in self.data:
            return default
        self.order.remove(key)
        self.order.append(key)
        return self.data[key]

    def put(self, key, value) -> None:
        if key in self.data:
            self.order.remove(key)
        self.data[key] = value
        self.order.append(key)
        if len(self.data) > self.capacity:
            oldest = self.order.pop(0)
            del self.data[oldest]
            self.evictions += 1

    def pop(self, key, default=None):
        if key not in self.data:
            return default
        self.order.remove(key)
        return self.data.pop(key)

    def __len__(self) -> int:
        return len(self.data)

# %% ttl_impl  (compares with > instead of >=: an entry is still served at exactly ttl_s, one tick past its expiry)
class TTLCache(LRUCache):
    def __init__(self, capacity: int, ttl_s: float, clock=time.monotonic):
        super().__init__(capacity)
        self.ttl_s = ttl_s
        self.clock = clock

    def put(self, key, value) -> None:
        super().put(key, (self.clock(), value))

    def get(self, key, default=None):
        entry = super().get(key)
        if entry is None:
            return default
        stored_at, value = entry
        if self.clock() - stored_at > self.ttl_s:
            self.pop(key)
            return default
        return value

# %% embedder_impl  (loops over the missing texts and calls the model once per text: right vectors, N model calls instead of one batch)
class CachedEmbedder:
    def __init__(self, embed_batch, model: str, version: str, cache):
        self.embed_batch, self.model = embed_batch, model
        self.version, self.cache = version, cache
        self.hits = 0
        self.misses = 0

    def embed(self, texts: list[str]) -> list:
        absent = object()
        out = []
        for text in texts:
            key = cache_key(text, self.model, self.version)
            vector = self.cache.get(key, absent)
            if vector is absent:
                self.misses += 1
                vector = self.embed_batch([text])[0]
                self.cache.put(key, vector)
            else:
                self.hits += 1
            out.append(vector)
        return out

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

# %% cache_key_impl  (uses Python's hash(): the same text gets a different key in every worker process and after every restart)
def cache_key(text: str, model: str, version: str) -> str:
    normalized = " ".join(unicodedata.normalize("NFC", text).split())
    return str(hash((model, version, normalized)))

# %% lru_impl  (popitem() without last=False pops the newest entry: the cache evicts what it just stored and keeps the stale ones)
class LRUCache:
    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.evictions = 0
        self._items = OrderedDict()

    def get(self, key, default=None):
        if key not in self._items:
            return default
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key, value) -> None:
        if key not in self._items and len(self._items) >= self.capacity:
            self._items.popitem()
            self.evictions += 1
        self._items[key] = value
        self._items.move_to_end(key)

    def pop(self, key, default=None):
        return self._items.pop(key, default)

    def __len__(self) -> int:
        return len(self._items)

# %% ttl_impl  (renews the timestamp on every read, a sliding expiry: a popular answer never expires, however stale it is)
class TTLCache(LRUCache):
    def __init__(self, capacity: int, ttl_s: float, clock=time.monotonic):
        super().__init__(capacity)
        self.ttl_s = ttl_s
        self.clock = clock

    def put(self, key, value) -> None:
        super().put(key, (self.clock(), value))

    def get(self, key, default=None):
        absent = object()
        entry = super().get(key, absent)
        if entry is absent:
            return default
        stored_at, value = entry
        now = self.clock()
        if now - stored_at >= self.ttl_s:
            self.pop(key)
            return default
        super().put(key, (now, value))  # "touch" the entry
        return value

# %% embedder_impl  (filters the missing texts but does not deduplicate them: a batch with repeats sends the same text to the model several times)
class CachedEmbedder:
    def __init__(self, embed_batch, model: str, version: str, cache):
        self.embed_batch, self.model = embed_batch, model
        self.version, self.cache = version, cache
        self.hits = 0
        self.misses = 0

    def embed(self, texts: list[str]) -> list:
        absent = object()
        keys = [cache_key(t, self.model, self.version) for t in texts]
        found = {}
        missing = []
        for text, key in zip(texts, keys):
            vector = self.cache.get(key, absent)
            if vector is absent:
                missing.append((key, text))
                self.misses += 1
            else:
                found[key] = vector
                self.hits += 1
        if missing:
            vectors = self.embed_batch([text for _, text in missing])
            for (key, _), vector in zip(missing, vectors):
                self.cache.put(key, vector)
                found[key] = vector
        return [found[key] for key in keys]

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

# %% cache_key_impl  (collapses whitespace but skips NFC: the same Korean text typed on macOS (NFD) and on Windows (NFC) gets two keys)
def cache_key(text: str, model: str, version: str) -> str:
    normalized = " ".join(text.split())
    payload = "\x1f".join((model, version, normalized))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()

# %% lru_impl  (a get does not refresh the key, so the cache is first-in-first-out: a hot key read every second is still evicted)
class LRUCache:
    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.evictions = 0
        self._items = OrderedDict()

    def get(self, key, default=None):
        return self._items.get(key, default)

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)
            self.evictions += 1

    def pop(self, key, default=None):
        return self._items.pop(key, default)

    def __len__(self) -> int:
        return len(self._items)

# %% ttl_impl  (stores the clock but reads time.monotonic() anyway: correct in production, and a test with a fake clock cannot move time)
class TTLCache(LRUCache):
    def __init__(self, capacity: int, ttl_s: float, clock=time.monotonic):
        super().__init__(capacity)
        self.ttl_s = ttl_s
        self.clock = clock

    def put(self, key, value) -> None:
        super().put(key, (time.monotonic(), value))

    def get(self, key, default=None):
        absent = object()
        entry = super().get(key, absent)
        if entry is absent:
            return default
        stored_at, value = entry
        if time.monotonic() - stored_at >= self.ttl_s:
            self.pop(key)
            return default
        return value

# %% embedder_impl  (deduplicates the texts for the call, then zips the undeduplicated list with the vectors: after a repeat, texts get their neighbours' vectors)
class CachedEmbedder:
    def __init__(self, embed_batch, model: str, version: str, cache):
        self.embed_batch, self.model = embed_batch, model
        self.version, self.cache = version, cache
        self.hits = 0
        self.misses = 0

    def embed(self, texts: list[str]) -> list:
        absent = object()
        missing = []
        for text in texts:
            key = cache_key(text, self.model, self.version)
            if self.cache.get(key, absent) is absent:
                missing.append(text)
                self.misses += 1
            else:
                self.hits += 1
        if missing:
            unique = list(dict.fromkeys(missing))
            vectors = self.embed_batch(unique)
            for text, vector in zip(missing, vectors):
                self.cache.put(cache_key(text, self.model, self.version), vector)
        return [self.cache.get(cache_key(t, self.model, self.version)) for t in texts]

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
