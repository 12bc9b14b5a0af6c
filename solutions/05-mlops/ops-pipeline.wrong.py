# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% step_key_impl  (json.dumps without sort_keys: the same config read from two YAML files with the fields in another order gets two keys, so the cache misses for no reason)
def step_key(step_name: str, code_version: str, config: dict,
             input_hashes: dict) -> str:
    payload = {"step": step_name, "code_version": code_version, "config": config,
               "inputs": input_hashes}
    canonical = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

# %% cache_impl  (checks the stored value for None instead of the key for membership: a step whose result is None, 0 or an empty list runs again on every call)
class StepCache:
    def __init__(self):
        self.results = {}
        self.hits = 0
        self.misses = 0

    def run_step(self, step_name, fn, code_version, config, inputs):
        hashes = {name: digest for name, (digest, _) in inputs.items()}
        key = step_key(step_name, code_version, config, hashes)
        cached = self.results.get(key)
        if cached is not None:
            self.hits += 1
            return key, cached
        self.misses += 1
        result = fn(config, **{name: value for name, (_, value) in inputs.items()})
        self.results[key] = result
        return key, result

# %% topo_impl  (Kahn's algorithm without the final check: the steps on a cycle are silently left out and the pipeline "succeeds" without them)
def topological_order(deps: dict) -> list:
    upstream = {name: set(ds) for name, ds in deps.items()}
    for name, ds in upstream.items():
        if ds - upstream.keys():
            raise ValueError(f"step {name!r} depends on unknown steps {ds - upstream.keys()}")
    downstream = {name: [] for name in upstream}
    for name, ds in upstream.items():
        for dep in ds:
            downstream[dep].append(name)
    waiting = {name: len(ds) for name, ds in upstream.items()}
    ready = [name for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for child in downstream[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    return order

# %% pipeline_impl  (keys each step by its own name, code and config only, since "the upstream results are cached anyway": a changed step reruns, but its descendants hit the cache and keep serving results computed from the old model)
def run_pipeline(steps: dict, config: dict, cache: StepCache) -> dict:
    results = {}
    for name in topological_order({n: step.deps for n, step in steps.items()}):
        step = steps[name]
        inputs = {dep: (dep, results[dep]) for dep in step.deps}
        _, results[name] = cache.run_step(
            name, step.fn, step.code_version, config.get(name, {}), inputs)
    return results

# %% step_key_impl  (forgets the code version: after a bug fix in train, the cache keeps returning the model the buggy code trained)
def step_key(step_name: str, code_version: str, config: dict,
             input_hashes: dict) -> str:
    payload = {"step": step_name, "config": config, "inputs": input_hashes}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

# %% step_key_impl  (Python's hash() of the canonical JSON: stable inside one process, so it works in a notebook, but salted per process, so every CI job and worker misses)
def step_key(step_name: str, code_version: str, config: dict,
             input_hashes: dict) -> str:
    payload = {"step": step_name, "code_version": code_version, "config": config,
               "inputs": input_hashes}
    return str(hash(json.dumps(payload, sort_keys=True, ensure_ascii=False)))
