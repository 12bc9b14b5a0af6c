# Plausible wrong answers, one section per answer cell; a repeated grade_id starts another variant.
# `course verify` proves that each variant loses points on the task it targets.

# %% bucket_impl  (Python's hash(): stable inside one process, different in every worker and after every restart)
def assign_bucket(user_id: str, salt: str, buckets: int = BUCKETS) -> int:
    return hash(f"{salt}:{user_id}") % buckets

# %% split_impl  (a tiny hash: two hex digits are 256 values, and 256 % 100 != 0, so low percentages get 3 values and high ones 2)
def variant_for_bucket(bucket: int, split: dict[str, float], buckets: int = BUCKETS) -> str:
    if any(percent < 0 for percent in split.values()):
        raise ValueError(f"negative percentage in {split}")
    sizes = {name: round(percent * buckets / 100) for name, percent in split.items()}
    if sum(sizes.values()) != buckets:
        raise ValueError(f"{split} covers {sum(sizes.values())} of {buckets} buckets")
    upper = 0
    for name, size in sizes.items():
        upper += size
        if bucket < upper:
            return name
    raise ValueError(f"bucket {bucket} is outside [0, {buckets})")


def choose_variant(user_id: str, salt: str, split: dict[str, float]) -> str:
    h = hashlib.sha256(f"{salt}:{user_id}".encode("utf-8")).hexdigest()
    pct = int(h[:2], 16) % 100
    edge = 0
    for name, percent in split.items():
        edge += percent
        if pct < edge:
            return name
    return list(split)[-1]

# %% decision_impl  (judges from the first request: with 3 users per variant any gap can look "significant")
def ab_decision(successes_a: int, n_a: int, successes_b: int, n_b: int,
                alpha: float = 0.05, min_per_arm: int = 1000) -> dict:
    if n_a == 0 or n_b == 0:
        return {"decision": "wait", "p_value": None}
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return {"decision": "no_difference", "p_value": 1.0}
    p_value = float(2 * stats.norm.sf(abs((rate_b - rate_a) / se)))
    if p_value >= alpha:
        return {"decision": "no_difference", "p_value": p_value}
    return {"decision": "b_better" if rate_b > rate_a else "a_better", "p_value": p_value}

# %% guard_impl  (compares the canary's rate with max_increase as an absolute limit: an upstream incident that raises both rates rolls back a healthy canary)
class CanaryGuard:
    def __init__(self, min_requests: int = 500, max_increase: float = 0.01):
        self.min_requests = min_requests
        self.max_increase = max_increase
        self.requests = {"canary": 0, "baseline": 0}
        self.errors = {"canary": 0, "baseline": 0}
        self.rolled_back = False

    def record(self, arm: str, requests: int, errors: int) -> None:
        if arm not in self.requests:
            raise ValueError(f"arm must be 'canary' or 'baseline', not {arm!r}")
        if requests < 0 or errors < 0 or errors > requests:
            raise ValueError(f"{errors} errors out of {requests} requests")
        self.requests[arm] += requests
        self.errors[arm] += errors

    def decision(self) -> str:
        if self.rolled_back:
            return "rollback"
        if min(self.requests.values()) < self.min_requests:
            return "wait"
        if self.errors["canary"] / self.requests["canary"] > self.max_increase:
            self.rolled_back = True
            return "rollback"
        return "healthy"

# %% bucket_impl  (forgets the salt: every experiment puts the same users in the same buckets, so the same 10 % always get the risky variant)
def assign_bucket(user_id: str, salt: str, buckets: int = BUCKETS) -> int:
    digest = hashlib.sha256(user_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % buckets

# %% split_impl  (<= at the edge: each variant's range takes one bucket too many, and a 0 % variant still gets bucket 0)
def variant_for_bucket(bucket: int, split: dict[str, float], buckets: int = BUCKETS) -> str:
    if any(percent < 0 for percent in split.values()):
        raise ValueError(f"negative percentage in {split}")
    sizes = {name: round(percent * buckets / 100) for name, percent in split.items()}
    if sum(sizes.values()) != buckets:
        raise ValueError(f"{split} covers {sum(sizes.values())} of {buckets} buckets")
    upper = 0
    for name, size in sizes.items():
        upper += size
        if bucket <= upper:
            return name
    raise ValueError(f"bucket {bucket} is outside [0, {buckets})")


def choose_variant(user_id: str, salt: str, split: dict[str, float]) -> str:
    return variant_for_bucket(assign_bucket(user_id, salt), split)

# %% decision_impl  (a one-sided p-value, norm.sf(z) without the factor 2: "B is better" was the hypothesis, so half the noise counts as a win)
def ab_decision(successes_a: int, n_a: int, successes_b: int, n_b: int,
                alpha: float = 0.05, min_per_arm: int = 1000) -> dict:
    for successes, n in ((successes_a, n_a), (successes_b, n_b)):
        if n < 0 or successes < 0 or successes > n:
            raise ValueError(f"{successes} successes out of {n} is not a count")
    if n_a < min_per_arm or n_b < min_per_arm:
        return {"decision": "wait", "p_value": None}
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return {"decision": "no_difference", "p_value": 1.0}
    p_value = float(stats.norm.sf(abs((rate_b - rate_a) / se)))
    if p_value >= alpha:
        return {"decision": "no_difference", "p_value": p_value}
    return {"decision": "b_better" if rate_b > rate_a else "a_better", "p_value": p_value}

# %% guard_impl  (judges as soon as the canary has any traffic: one error in its first 3 requests is a 33 % error rate and a rollback)
class CanaryGuard:
    def __init__(self, min_requests: int = 500, max_increase: float = 0.01):
        self.min_requests = min_requests
        self.max_increase = max_increase
        self.requests = {"canary": 0, "baseline": 0}
        self.errors = {"canary": 0, "baseline": 0}
        self.rolled_back = False

    def record(self, arm: str, requests: int, errors: int) -> None:
        if arm not in self.requests:
            raise ValueError(f"arm must be 'canary' or 'baseline', not {arm!r}")
        if requests < 0 or errors < 0 or errors > requests:
            raise ValueError(f"{errors} errors out of {requests} requests")
        self.requests[arm] += requests
        self.errors[arm] += errors

    def decision(self) -> str:
        if self.rolled_back:
            return "rollback"
        if self.requests["canary"] == 0 or self.requests["baseline"] == 0:
            return "wait"
        canary_rate = self.errors["canary"] / self.requests["canary"]
        baseline_rate = self.errors["baseline"] / self.requests["baseline"]
        if canary_rate > baseline_rate + self.max_increase:
            self.rolled_back = True
            return "rollback"
        return "healthy"

# %% guard_impl  (recomputes the verdict from scratch each time: after the rollback, good traffic dilutes the rate and the guard says "healthy" again)
class CanaryGuard:
    def __init__(self, min_requests: int = 500, max_increase: float = 0.01):
        self.min_requests = min_requests
        self.max_increase = max_increase
        self.requests = {"canary": 0, "baseline": 0}
        self.errors = {"canary": 0, "baseline": 0}

    def record(self, arm: str, requests: int, errors: int) -> None:
        if arm not in self.requests:
            raise ValueError(f"arm must be 'canary' or 'baseline', not {arm!r}")
        if requests < 0 or errors < 0 or errors > requests:
            raise ValueError(f"{errors} errors out of {requests} requests")
        self.requests[arm] += requests
        self.errors[arm] += errors

    def decision(self) -> str:
        if min(self.requests.values()) < self.min_requests:
            return "wait"
        canary_rate = self.errors["canary"] / self.requests["canary"]
        baseline_rate = self.errors["baseline"] / self.requests["baseline"]
        if canary_rate > baseline_rate + self.max_increase:
            return "rollback"
        return "healthy"
