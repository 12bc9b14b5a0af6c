# Plausible wrong answers, one section per answer cell; a repeated grade_id starts another variant.
# `course verify` proves that each variant loses points on the task it targets.

# %% bucket_impl  (the refill forgets the cap: after an hour of idling a client may burst 3,600 requests)
class TokenBucket:
    def __init__(self, capacity: float, refill_per_s: float,
                 clock: Callable[[], float] = time.monotonic):
        if capacity <= 0 or refill_per_s <= 0:
            raise ValueError("capacity and refill_per_s must be positive")
        self.capacity = float(capacity)
        self.refill_per_s = float(refill_per_s)
        self.clock = clock
        self.tokens = float(capacity)
        self.updated_at = clock()

    def available(self) -> float:
        now = self.clock()
        self.tokens += (now - self.updated_at) * self.refill_per_s
        self.updated_at = now
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        if self.available() < cost:
            return False
        self.tokens -= cost
        return True

    def wait_time(self, cost: float = 1.0) -> float:
        if cost > self.capacity:
            raise ValueError(f"a cost of {cost} never fits a bucket of {self.capacity}")
        return max(0.0, cost - self.available()) / self.refill_per_s

# %% tenants_impl  (one global bucket: the tenant argument is accepted and ignored, so a batch job starves the web app)
class PerTenantLimiter:
    def __init__(self, capacity: float, refill_per_s: float,
                 clock: Callable[[], float] = time.monotonic,
                 overrides: dict[str, tuple[float, float]] | None = None):
        self.bucket = TokenBucket(capacity, refill_per_s, clock)

    def allow(self, tenant: str, cost: float = 1.0) -> bool:
        return self.bucket.allow(cost)

    def wait_time(self, tenant: str, cost: float = 1.0) -> float:
        return self.bucket.wait_time(cost)

# %% middleware_impl  (int() truncates: a wait of 0.2 s is sent as "Retry-After: 0", and clients retry at once)
def install_rate_limit(app: FastAPI, limiter, exempt: tuple[str, ...] = ("/health",)) -> None:
    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        if request.url.path in exempt:
            return await call_next(request)
        tenant = request.headers.get("x-api-key", "")
        if not tenant:
            return JSONResponse({"error": {"code": "unauthorized", "message": "no key"}},
                                status_code=401)
        if limiter.allow(tenant):
            return await call_next(request)
        wait = limiter.wait_time(tenant)
        return JSONResponse({"error": {"code": "rate_limited", "message": "slow down"}},
                            status_code=429, headers={"Retry-After": str(int(wait))})

# %% breaker_impl  (never half-opens: only a success closes it, and an open breaker lets no call through to succeed)
class CircuitBreaker:
    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self.failures = 0
        self.is_open = False

    @property
    def state(self) -> str:
        return "open" if self.is_open else "closed"

    def allow_request(self) -> bool:
        return not self.is_open

    def record_success(self) -> None:
        self.failures, self.is_open = 0, False

    def record_failure(self) -> None:
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self.is_open = True

    def call(self, fn: Callable, *args, **kwargs):
        if not self.allow_request():
            raise CircuitOpenError("circuit open")
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result

# %% bucket_impl  (refills whole tokens only and resets the timestamp: the fraction earned so far is thrown away each time)
class TokenBucket:
    def __init__(self, capacity: float, refill_per_s: float,
                 clock: Callable[[], float] = time.monotonic):
        if capacity <= 0 or refill_per_s <= 0:
            raise ValueError("capacity and refill_per_s must be positive")
        self.capacity = float(capacity)
        self.refill_per_s = float(refill_per_s)
        self.clock = clock
        self.tokens = float(capacity)
        self.updated_at = clock()

    def available(self) -> float:
        now = self.clock()
        earned = int((now - self.updated_at) * self.refill_per_s)
        if earned:
            self.tokens = min(self.capacity, self.tokens + earned)
            self.updated_at = now
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        if self.available() < cost:
            return False
        self.tokens -= cost
        return True

    def wait_time(self, cost: float = 1.0) -> float:
        if cost > self.capacity:
            raise ValueError(f"a cost of {cost} never fits a bucket of {self.capacity}")
        return max(0.0, cost - self.available()) / self.refill_per_s

# %% tenants_impl  (the buckets dict is a class attribute, as in many snippets: every limiter in the process shares it)
class PerTenantLimiter:
    buckets: dict = {}

    def __init__(self, capacity: float, refill_per_s: float,
                 clock: Callable[[], float] = time.monotonic,
                 overrides: dict[str, tuple[float, float]] | None = None):
        self.default = (capacity, refill_per_s)
        self.clock = clock
        self.overrides = dict(overrides or {})

    def allow(self, tenant: str, cost: float = 1.0) -> bool:
        return self._bucket(tenant).allow(cost)

    def wait_time(self, tenant: str, cost: float = 1.0) -> float:
        return self._bucket(tenant).wait_time(cost)

    def _bucket(self, tenant: str) -> TokenBucket:
        if tenant not in self.buckets:
            capacity, refill = self.overrides.get(tenant, self.default)
            self.buckets[tenant] = TokenBucket(capacity, refill, self.clock)
        return self.buckets[tenant]

# %% middleware_impl  (Retry-After in milliseconds, the unit the rest of the code uses: "2500" means 42 minutes to a client)
def install_rate_limit(app: FastAPI, limiter, exempt: tuple[str, ...] = ("/health",)) -> None:
    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        if request.url.path in exempt:
            return await call_next(request)
        tenant = request.headers.get("x-api-key", "")
        if not tenant:
            return JSONResponse({"error": {"code": "unauthorized", "message": "no key"}},
                                status_code=401)
        if limiter.allow(tenant):
            return await call_next(request)
        wait_ms = math.ceil(limiter.wait_time(tenant) * 1000)
        return JSONResponse({"error": {"code": "rate_limited", "message": "slow down"}},
                            status_code=429, headers={"Retry-After": str(wait_ms)})

# %% breaker_impl  (half-open lets every request through, not one trial: a recovering service gets the whole backlog at once)
class CircuitBreaker:
    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self.failures = 0
        self.opened_at = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_timeout_s:
            return "half_open"
        return "open"

    def allow_request(self) -> bool:
        return self.state != "open"

    def record_success(self) -> None:
        self.failures, self.opened_at = 0, None

    def record_failure(self) -> None:
        self.failures += 1
        if self.opened_at is not None or self.failures >= self.failure_threshold:
            self.opened_at = self.clock()

    def call(self, fn: Callable, *args, **kwargs):
        if not self.allow_request():
            raise CircuitOpenError("circuit open")
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result

# %% bucket_impl  (takes the token before checking: a refused request still spends, so the level goes negative and a client that keeps retrying is locked out)
class TokenBucket:
    def __init__(self, capacity: float, refill_per_s: float,
                 clock: Callable[[], float] = time.monotonic):
        if capacity <= 0 or refill_per_s <= 0:
            raise ValueError("capacity and refill_per_s must be positive")
        self.capacity = float(capacity)
        self.refill_per_s = float(refill_per_s)
        self.clock = clock
        self.tokens = float(capacity)
        self.updated_at = clock()

    def available(self) -> float:
        now = self.clock()
        gained = (now - self.updated_at) * self.refill_per_s
        self.tokens = min(self.capacity, self.tokens + gained)
        self.updated_at = now
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        self.available()
        self.tokens -= cost
        return self.tokens >= 0

    def wait_time(self, cost: float = 1.0) -> float:
        if cost > self.capacity:
            raise ValueError(f"a cost of {cost} never fits a bucket of {self.capacity}")
        return max(0.0, cost - self.available()) / self.refill_per_s

# %% middleware_impl  (rounds up with int(wait) + 1, the usual trick: a wait of exactly 2 s becomes 3)
def install_rate_limit(app: FastAPI, limiter, exempt: tuple[str, ...] = ("/health",)) -> None:
    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        if request.url.path in exempt:
            return await call_next(request)
        tenant = request.headers.get("x-api-key", "")
        if not tenant:
            return JSONResponse({"error": {"code": "unauthorized", "message": "no key"}},
                                status_code=401)
        if limiter.allow(tenant):
            return await call_next(request)
        retry_after = int(limiter.wait_time(tenant)) + 1
        return JSONResponse({"error": {"code": "rate_limited", "message": "slow down"}},
                            status_code=429, headers={"Retry-After": str(retry_after)})

# %% breaker_impl  (a failed trial keeps the first opening time, so the breaker is half-open again at once and hammers the service)
class CircuitBreaker:
    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self.failures = 0
        self.opened_at = None
        self.trial_in_flight = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_timeout_s:
            return "half_open"
        return "open"

    def allow_request(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self.trial_in_flight:
            self.trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self.failures, self.opened_at, self.trial_in_flight = 0, None, False

    def record_failure(self) -> None:
        self.failures += 1
        if self.opened_at is None and self.failures >= self.failure_threshold:
            self.opened_at = self.clock()
        self.trial_in_flight = False

    def call(self, fn: Callable, *args, **kwargs):
        if not self.allow_request():
            raise CircuitOpenError("circuit open")
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result
