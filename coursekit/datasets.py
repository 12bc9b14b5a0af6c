"""Deterministic, deliberately messy data that a backend produces, for the pandas lesson.

`request_log(n, seed)` is two hours of an AI API's access log as a log shipper delivers it: every
field a string, and the usual dirt. `deployments(seed)` is the deploy tool's table for the same two
hours, already clean. Same seed, identical frames; nothing depends on the date or the machine.

What is wrong with the log, on purpose (the default n=20_000 gives the counts in brackets):

- `ts`: ISO 8601 strings with milliseconds and an offset. Most rows end in `+00:00`; the rows of
  one host in Seoul (10 %, about 2,000) are written in local time with `+09:00`.
- `endpoint`: four real endpoints (`ENDPOINTS`) spelled in several ways: some rows in title case
  (`/V1/Search`, about 8 %), some with a trailing slash (`/v1/search/`, about 5 %).
- `status`: HTTP status codes as strings (`"200"`, `"404"`, `"503"`, ...).
- `latency_ms`: numbers as strings with one decimal; about 2 % are `""` and 1 % are `"n/a"`.
- Exact duplicates: one block of `n // 200` rows (100) was shipped twice. The second copy sits a few
  hundred rows later, so the log is not sorted by time and has `n + n // 200` rows.
- A latency regression: after the deployment `REGRESSED_VERSION` of `/v1/search`, 15 % of its
  requests take about four times longer (a cache that stopped hitting). Its p95 more than doubles
  while its median barely moves. No other deployment changes latency.
- An error burst: in one minute (`error_burst_minute(seed)`, between 75 and 84 minutes after
  `START`), 60 % of requests fail with 502 or 503. Elsewhere about 0.5 % are 5xx and 4 % are 4xx.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-03-04 09:00", tz="UTC")
DURATION = pd.Timedelta(minutes=120)
ENDPOINTS = ("/v1/embed", "/v1/search", "/v1/chat", "/healthz")
COLUMNS = ("ts", "request_id", "endpoint", "status", "latency_ms")
REGRESSED_VERSION = "search-2.8.0"

_SHARE = (0.35, 0.35, 0.15, 0.15)  # traffic share per endpoint, in ENDPOINTS order
_MEDIAN_MS = (25.0, 60.0, 800.0, 3.0)  # typical latency per endpoint
_SIGMA = 0.35  # spread of the log-normal latency
_DEPLOY_PLAN = (  # (planned minute after START, endpoint, version); each moves by up to 3 minutes
    (20, "/v1/embed", "embed-1.4.0"),
    (35, "/v1/search", "search-2.7.0"),
    (50, "/v1/chat", "chat-0.9.0"),
    (65, "/v1/search", REGRESSED_VERSION),
    (95, "/v1/embed", "embed-1.4.1"),
)
_SEOUL = pd.Timedelta(hours=9)


def deployments(seed: int = 0) -> pd.DataFrame:
    """Five deployments during the log's two hours, sorted by time.

    Columns: `deployed_at` (datetime64[us, UTC], whole seconds), `endpoint` (normalised, one of
    `ENDPOINTS`), `version` (str). The seed moves each deployment by up to three minutes.
    """
    rng = np.random.default_rng([seed, 1])
    shift_s = rng.integers(-180, 181, size=len(_DEPLOY_PLAN))
    at = [START + pd.Timedelta(minutes=m, seconds=int(s)) for (m, _, _), s in zip(_DEPLOY_PLAN, shift_s)]
    return pd.DataFrame({
        "deployed_at": pd.DatetimeIndex(at).as_unit("us"),
        "endpoint": pd.array([e for _, e, _ in _DEPLOY_PLAN], dtype="str"),
        "version": pd.array([v for _, _, v in _DEPLOY_PLAN], dtype="str"),
    })


def error_burst_minute(seed: int = 0) -> pd.Timestamp:
    """The start of the minute in which `request_log(seed=seed)` has its error burst."""
    rng = np.random.default_rng([seed, 2])
    return START + pd.Timedelta(minutes=int(rng.integers(75, 85)))


def request_log(n: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """`n` requests over two hours from `START`, plus `n // 200` duplicated rows; all columns str.

    See the module docstring for every kind of mess it contains. Takes a few tens of milliseconds.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)

    # When, and which endpoint (canonical).
    offset_us = np.sort(rng.integers(0, DURATION // pd.Timedelta(microseconds=1), size=n))
    when = START.as_unit("us").to_datetime64() + offset_us.astype("timedelta64[us]")
    which = rng.choice(len(ENDPOINTS), size=n, p=_SHARE)

    # Latency: log-normal around each endpoint's median, a small slow tail, and the regression.
    latency = np.asarray(_MEDIAN_MS)[which] * np.exp(rng.normal(0.0, _SIGMA, size=n))
    slow_tail = rng.random(n) < 0.015
    latency[slow_tail] *= rng.uniform(3, 8, size=slow_tail.sum())
    deploys = deployments(seed)
    regressed_at = deploys.loc[deploys["version"] == REGRESSED_VERSION, "deployed_at"].iloc[0]
    search = which == ENDPOINTS.index("/v1/search")
    after = search & (when >= regressed_at.to_datetime64()) & (rng.random(n) < 0.15)
    latency[after] *= rng.uniform(3.5, 4.5, size=after.sum())

    # Status: mostly 200, some 4xx, rare 5xx; a burst of 502/503 in one minute.
    roll = rng.random(n)
    status = np.full(n, 200)
    client_error = roll < 0.04
    status[client_error] = rng.choice([400, 404, 422, 429], size=client_error.sum())
    server_error = (roll >= 0.04) & (roll < 0.045)
    status[server_error] = rng.choice([500, 502, 503], size=server_error.sum())
    burst_start = error_burst_minute(seed).to_datetime64()
    in_burst = (when >= burst_start) & (when < burst_start + np.timedelta64(60, "s"))
    burst_fail = in_burst & (rng.random(n) < 0.6)
    status[burst_fail] = rng.choice([502, 503], size=burst_fail.sum())
    status[(which == ENDPOINTS.index("/healthz")) & client_error] = 200  # health checks send valid requests

    # Serialise the way a log shipper would: every field a string, with the documented dirt.
    seoul = rng.random(n) < 0.10
    ts = np.where(
        seoul,
        np.char.add(np.datetime_as_string(when + _SEOUL.to_timedelta64(), unit="ms"), "+09:00"),
        np.char.add(np.datetime_as_string(when, unit="ms"), "+00:00"),
    )
    endpoint = np.asarray(ENDPOINTS, dtype=object)[which]
    title_case = rng.random(n) < 0.08
    endpoint[title_case] = [e.title() for e in endpoint[title_case]]
    slash = rng.random(n) < 0.05
    endpoint[slash] = [e + "/" for e in endpoint[slash]]
    latency_text = np.char.mod("%.1f", np.round(latency, 1)).astype(object)
    junk = rng.random(n)
    latency_text[junk < 0.02] = ""
    latency_text[(junk >= 0.02) & (junk < 0.03)] = "n/a"

    log = pd.DataFrame({
        "ts": ts,
        "request_id": [f"req-{i:06d}" for i in range(n)],
        "endpoint": endpoint,
        "status": status.astype(str),
        "latency_ms": latency_text,
    }).astype("str")

    # Retried shipping: one block of rows arrives a second time, a few hundred rows later.
    n_dup = n // 200
    if n_dup:
        first = int(rng.integers(0, n - n_dup + 1))
        block = log.iloc[first:first + n_dup]
        at = min(n, first + n_dup + int(rng.integers(200, 600)))
        log = pd.concat([log.iloc[:at], block, log.iloc[at:]], ignore_index=True)
    return log
