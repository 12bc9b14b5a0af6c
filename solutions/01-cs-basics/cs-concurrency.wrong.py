# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% fetch_all_impl  (the synchronous habit: a loop with try/except awaits one call at a time, so nothing overlaps)
async def fetch_all(factories: dict) -> tuple[dict, dict]:
    results, errors = {}, {}
    for name, factory in factories.items():
        try:
            results[name] = await factory()
        except Exception as exc:
            errors[name] = exc
    return results, errors

# %% gather_limited_impl  (batches of `limit`: never more than `limit` in flight, but a slow call stalls its whole batch)
async def gather_limited(factories: list, limit: int) -> list:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    results = []
    for start in range(0, len(factories), limit):
        batch = factories[start:start + limit]
        results += await asyncio.gather(*(factory() for factory in batch))
    return results

# %% with_timeout_impl  (asyncio.wait with a timeout returns the pending task but does not cancel it: the slow call keeps running)
async def with_timeout(factory, seconds: float, fallback):
    task = asyncio.ensure_future(factory())
    done, pending = await asyncio.wait([task], timeout=seconds)
    if pending:
        return fallback
    return task.result()

# %% backoff_impl  (applies the cap after the draw instead of to the range: long waits pile up exactly at the cap, so clients retry in lockstep again)
def backoff_delays(n: int, base: float, cap: float, rng: random.Random) -> list[float]:
    return [min(cap, rng.uniform(0, base * 2 ** i)) for i in range(n)]

# %% retry_impl  (retries every exception, `except Exception`, so a 400 is sent again and again)
async def retry(factory, delays: list[float], *, retry_on: tuple, sleep=asyncio.sleep):
    attempt = 0
    while True:
        try:
            return await factory()
        except Exception:
            if attempt == len(delays):
                raise
            await sleep(delays[attempt])
            attempt += 1
