# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% graders_impl  (normalises only by strip() and lower(): trailing punctuation and inner spacing still count)
def normalize(text: str) -> str:
    return text.strip().lower()


def exact_match(output: str, expected: str) -> bool:
    return normalize(output) == normalize(expected)


def contains_all(output: str, required: list[str]) -> bool:
    text = normalize(output)
    return all(normalize(r) in text for r in required)


def valid_json_for(output: str, schema_cls: type[BaseModel]) -> bool:
    try:
        schema_cls.model_validate_json(output)
    except ValidationError:
        return False
    return True

# %% suite_impl  (leaves crashed cases out of the pass rate, as if "not run" were neither pass nor fail)
def run_suite(feature_fn, cases: list[dict], graders: dict) -> dict:
    results = []
    for case in cases:
        output, passed, error = None, False, None
        try:
            output = feature_fn(case["input"])
            passed = bool(graders[case["grader"]](output, case["expected"]))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        results.append({"id": case["id"], "output": output, "passed": passed, "error": error})
    graded = [r for r in results if r["error"] is None]
    pass_rate = sum(r["passed"] for r in graded) / len(graded) if graded else 0.0
    return {"results": results, "pass_rate": pass_rate}

# %% tracing_impl  (writes the record after a successful call only: failed calls leave no trace)
class TracingModel:
    def __init__(self, inner, path, prompt_version: str, prices: dict):
        self.inner = inner
        self.path = Path(path)
        self.prompt_version = prompt_version
        self.prices = prices
        self.name = inner.name

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    def complete(self, messages, *, trace_id=None, **kwargs):
        ts = datetime.now(timezone.utc).isoformat()
        reply = self.inner.complete(messages, **kwargs)
        canonical = json.dumps(list(messages), sort_keys=True, ensure_ascii=False)
        cost = (reply.prompt_tokens * self.prices["input"] + reply.completion_tokens * self.prices["output"]) / 1_000_000
        record = {"ts": ts, "trace_id": trace_id or uuid.uuid4().hex, "prompt_version": self.prompt_version,
                  "model": self.inner.name, "input_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
                  "input_preview": messages[-1]["content"][:80], "output": reply.text, "latency_s": reply.latency_s,
                  "prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
                  "cost_usd": cost, "error": None}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return reply

# %% summary_impl  (fills the missing tokens of failed calls with 0, which drags mean_tokens down)
def summarize_traces(path) -> tuple[pd.DataFrame, int]:
    records, skipped = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                skipped += 1
                continue
            if not isinstance(record, dict) or "prompt_version" not in record:
                skipped += 1
                continue
            records.append(record)
    if not records:
        return pd.DataFrame(columns=SUMMARY_COLUMNS), skipped
    df = pd.DataFrame(records)
    df["failed"] = df["error"].notna()
    df["tokens"] = df["prompt_tokens"].fillna(0) + df["completion_tokens"].fillna(0)
    summary = df.groupby("prompt_version").agg(
        calls=("latency_s", "size"),
        error_rate=("failed", "mean"),
        p50_latency_s=("latency_s", "median"),
        p95_latency_s=("latency_s", lambda s: s.quantile(0.95)),
        mean_tokens=("tokens", "mean"),
        total_cost_usd=("cost_usd", "sum"),
    )
    return summary[SUMMARY_COLUMNS], skipped

# %% gate_impl  (treats every metric as "higher is worse", so a falling pass rate looks like an improvement)
def regressed(baseline, candidate, thresholds: dict) -> list[str]:
    worse = []
    for metric, allowed in thresholds.items():
        before, after = baseline[metric], candidate[metric]
        if before is None or after is None or math.isnan(before) or math.isnan(after):
            worse.append(metric)
        elif after - before > allowed:
            worse.append(metric)
    return worse

# %% tracing_impl  (forwards the two keyword arguments the prompt names, max_tokens and stop: temperature and seed never reach the inner model)
class TracingModel:
    def __init__(self, inner, path, prompt_version: str, prices: dict):
        self.inner = inner
        self.path = Path(path)
        self.prompt_version = prompt_version
        self.prices = prices
        self.name = inner.name

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    def complete(self, messages, *, trace_id=None, **kwargs):
        canonical = json.dumps(list(messages), sort_keys=True, ensure_ascii=False)
        record = {"ts": datetime.now(timezone.utc).isoformat(),
                  "trace_id": trace_id if trace_id is not None else uuid.uuid4().hex,
                  "prompt_version": self.prompt_version, "model": self.inner.name,
                  "input_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
                  "input_preview": messages[-1]["content"][:80]}
        start = time.perf_counter()
        try:
            max_tokens = kwargs.get("max_tokens", 128)
            reply = self.inner.complete(messages, max_tokens=max_tokens,
                                        stop=kwargs.get("stop"))
        except Exception as exc:
            record.update(output=None, latency_s=time.perf_counter() - start,
                          prompt_tokens=None, completion_tokens=None, cost_usd=0.0,
                          error=f"{type(exc).__name__}: {exc}")
            self._write(record)
            raise
        cost = (reply.prompt_tokens * self.prices["input"]
                + reply.completion_tokens * self.prices["output"]) / 1_000_000
        record.update(output=reply.text, latency_s=reply.latency_s,
                      prompt_tokens=reply.prompt_tokens,
                      completion_tokens=reply.completion_tokens, cost_usd=cost,
                      error=None)
        self._write(record)
        return reply

    def _write(self, record: dict) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
