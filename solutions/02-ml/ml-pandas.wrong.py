# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% clean_impl  (pandas complained about mixed offsets, so the offset was cut off: +09:00 rows land 9 hours late, and ts is naive)
def clean_log(raw: pd.DataFrame) -> pd.DataFrame:
    return (
        raw.drop_duplicates()
        .assign(
            ts=lambda d: pd.to_datetime(d["ts"].str[:23]),
            endpoint=lambda d: d["endpoint"].str.strip().str.lower().str.rstrip("/"),
            status=lambda d: d["status"].astype("int64"),
            latency_ms=lambda d: pd.to_numeric(d["latency_ms"], errors="coerce"),
        )
        .sort_values("ts", ignore_index=True)
    )

# %% percentiles_impl  ("count" instead of "size": rows without a latency vanish from the request count)
def latency_percentiles(df: pd.DataFrame) -> pd.DataFrame:
    table = df.groupby("endpoint").agg(
        requests=("latency_ms", "count"),
        p50=("latency_ms", lambda s: s.quantile(0.50)),
        p95=("latency_ms", lambda s: s.quantile(0.95)),
        p99=("latency_ms", lambda s: s.quantile(0.99)),
    )
    return table.sort_values("p95", ascending=False)

# %% error_rate_impl  (counts every error status, 4xx included: the client's 404s and 429s page you)
def error_rate_per_minute(df: pd.DataFrame) -> pd.Series:
    return df.assign(is_error=df["status"] >= 400).resample("1min", on="ts")["is_error"].mean()

# %% attach_impl  (no by="endpoint": each request gets the latest deployment of ANY endpoint)
def attach_deployment(df: pd.DataFrame, deployments: pd.DataFrame) -> pd.DataFrame:
    requests = df.sort_values("ts", ignore_index=True)
    live = deployments[["deployed_at", "version"]].sort_values("deployed_at")
    return pd.merge_asof(requests, live, left_on="ts", right_on="deployed_at")

# %% regressions_impl  (compares all traffic around the deployment, not only the deployed endpoint's)
def regressions(df: pd.DataFrame, deployments: pd.DataFrame, window="30min", threshold: float = 1.5) -> pd.DataFrame:
    window = pd.Timedelta(window)
    rows = []
    for deploy in deployments.itertuples(index=False):
        at = deploy.deployed_at
        before = df.loc[(df["ts"] >= at - window) & (df["ts"] < at), "latency_ms"]
        after = df.loc[(df["ts"] >= at) & (df["ts"] < at + window), "latency_ms"]
        rows.append((deploy.endpoint, deploy.version, at, before.quantile(0.95), after.quantile(0.95)))
    table = pd.DataFrame(rows, columns=["endpoint", "version", "deployed_at", "p95_before", "p95_after"])
    table["ratio"] = table["p95_after"] / table["p95_before"]
    return table[table["ratio"] >= threshold].sort_values("ratio", ascending=False, ignore_index=True)

# %% regressions_impl  (Series.between for the after window: between includes both ends)
def regressions(df: pd.DataFrame, deployments: pd.DataFrame, window="30min",
                threshold: float = 1.5) -> pd.DataFrame:
    window = pd.Timedelta(window)
    rows = []
    for deploy in deployments.itertuples(index=False):
        same = df[df["endpoint"] == deploy.endpoint]
        at = deploy.deployed_at
        before = same.loc[(same["ts"] >= at - window) & (same["ts"] < at), "latency_ms"]
        after = same.loc[same["ts"].between(at, at + window), "latency_ms"]
        rows.append((deploy.endpoint, deploy.version, at,
                     before.quantile(0.95), after.quantile(0.95)))
    columns = ["endpoint", "version", "deployed_at", "p95_before", "p95_after"]
    table = pd.DataFrame(rows, columns=columns)
    table["ratio"] = table["p95_after"] / table["p95_before"]
    return table[table["ratio"] >= threshold].sort_values(
        "ratio", ascending=False, kind="stable", ignore_index=True)
