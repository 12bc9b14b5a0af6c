# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% cost_impl  (charges every token at the input price: "tokens x price", forgetting output is billed separately)
def request_cost(reply: Completion, prices: dict, model_name: str | None = None) -> float:
    name = reply.model if model_name is None else model_name
    if name not in prices:
        raise ValueError(f"no price for model {name!r}")
    total_tokens = reply.prompt_tokens + reply.completion_tokens
    return total_tokens * prices[name]["input"] / 1_000_000

# %% fit_impl  (a plain sliding window: drops the oldest messages first, and the oldest one is the system prompt)
def fit_history(messages: list[dict], model, max_tokens: int) -> list[dict]:
    if not messages:
        raise ValueError("no messages to send")
    kept = list(messages)
    while len(kept) > 1 and model.count_tokens(kept) > max_tokens:
        kept.pop(0)
    if model.count_tokens(kept) > max_tokens:
        raise ContextOverflowError("the last message alone does not fit")
    return kept

# %% conversation_impl  (keeps the history locally but sends only the system prompt and the new question, as if the model remembered)
class Conversation:
    def __init__(self, model, prices: dict, system: str | None = None, max_tokens: int = 64):
        self.model = model
        self.prices = prices
        self.max_tokens = max_tokens
        self.system = [{"role": "system", "content": system}] if system is not None else []
        self.messages = list(self.system)
        self.replies = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost = 0.0

    def ask(self, text: str) -> str:
        question = {"role": "user", "content": text}
        reply = self.model.complete(self.system + [question], max_tokens=self.max_tokens)
        self.messages += [question, {"role": "assistant", "content": reply.text}]
        self.replies.append(reply)
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.cost += request_cost(reply, self.prices)
        return reply.text

# %% stats_impl  (throughput as the mean of each request's tokens per second, which overweights fast requests)
def latency_stats(replies: list[Completion]) -> dict:
    if not replies:
        raise ValueError("no replies to summarise")
    latencies = [r.latency_s for r in replies]
    rates = [r.completion_tokens / r.latency_s for r in replies]
    return {
        "requests": len(replies),
        "p50_s": float(np.percentile(latencies, 50)),
        "p95_s": float(np.percentile(latencies, 95)),
        "tokens_per_s": float(np.mean(rates)),
    }

# %% tier_impl  (ranks tiers by their list price, input + output per 1M, instead of the cost of this request's shape)
def cheapest_tier(tiers: dict, prompt_tokens: int, completion_tokens: int,
                  max_p95_s: float, min_quality: float) -> str | None:
    ok = {name: tier for name, tier in tiers.items() if tier["p95_s"] <= max_p95_s and tier["quality"] >= min_quality}
    if not ok:
        return None
    return min(ok, key=lambda name: (ok[name]["input"] + ok[name]["output"], -ok[name]["quality"], name))
