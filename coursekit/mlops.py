"""Shared pieces of Module 5 (MLOps): one dataset for the whole module and a local MLflow store.

The dataset. `slow_requests(n, seed, shift)` is a table of requests to an AI API, one row per
request, with what the gateway knows before the request runs and whether it then missed its
latency SLA (`slow`, 1 if it took longer than the endpoint's budget). Every lesson of Module 5
trains, tracks, validates and monitors a model that predicts `slow` from the other columns, the way
a team would to route likely-slow requests to a bigger pool.

Columns (dtypes exactly as listed; same seed and shift, identical frames, on any machine):

- `request_id` (str): `"r-0000000"` ..., unique within a frame (a `seed` picks the range).
- `endpoint` (str): one of `ENDPOINTS`.
- `region` (str): one of `REGIONS`.
- `payload_kb` (float64): request size, log-normal, > 0.
- `db_queries` (int64): queries the request will run, 0..20.
- `cache_hit` (bool): the response cache already holds the answer.
- `hour` (int64): hour of day, 0..23, busier in Seoul business hours.
- `slow` (int64): the label, 0 or 1 (about a fifth are 1 without a shift).

`Shift` moves the traffic the way production drifts: bigger payloads (`payload_scale`), a different
endpoint mix (`endpoint_share`), a colder cache (`cache_hit_rate`), and `concept`, which changes
how the features relate to the label (the same request is slower than it used to be: the data look
the same, only the labels move, so only quality monitoring catches it).

The store. `local_tracking(folder)` points MLflow at a SQLite file and an artifact folder inside
`folder`, with telemetry off and MLflow's start-up chatter quiet; nothing needs a server.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ENDPOINTS = ("/v1/embed", "/v1/search", "/v1/chat")
REGIONS = ("kr", "us", "eu")
FEATURES = ("endpoint", "region", "payload_kb", "db_queries", "cache_hit", "hour")
LABEL = "slow"

_SHARE = (0.45, 0.40, 0.15)
_REGION_SHARE = (0.6, 0.25, 0.15)
_ENDPOINT_EFFECT = (-0.6, 0.0, 1.2)  # log-odds of being slow, per endpoint


@dataclasses.dataclass(frozen=True)
class Shift:
    """How a traffic sample differs from the training traffic (the defaults: not at all)."""

    payload_scale: float = 1.0            # payloads this many times larger
    endpoint_share: tuple[float, float, float] | None = None  # replaces the mix of ENDPOINTS
    cache_hit_rate: float = 0.6           # share of requests the cache answers
    concept: float = 0.0                  # extra log-odds of slow for every request: labels move

    def __post_init__(self):
        if self.payload_scale <= 0:
            raise ValueError(f"payload_scale must be > 0, got {self.payload_scale}")
        if not 0.0 <= self.cache_hit_rate <= 1.0:
            raise ValueError(f"cache_hit_rate must be in [0, 1], got {self.cache_hit_rate}")
        if self.endpoint_share is not None:
            share = np.asarray(self.endpoint_share, dtype=float)
            if share.shape != (len(ENDPOINTS),) or (share < 0).any() or not np.isclose(share.sum(), 1):
                raise ValueError(f"endpoint_share must be {len(ENDPOINTS)} shares summing to 1")


NO_SHIFT = Shift()


def slow_requests(n: int = 5_000, seed: int = 0, shift: Shift = NO_SHIFT) -> pd.DataFrame:
    """`n` requests with the label `slow`; see the module docstring for the columns."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng([seed, 5])
    share = _SHARE if shift.endpoint_share is None else shift.endpoint_share
    which = rng.choice(len(ENDPOINTS), size=n, p=np.asarray(share, dtype=float))
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARE)
    payload = np.exp(rng.normal(np.log(40.0), 0.8, size=n)) * shift.payload_scale
    db_queries = np.minimum(rng.poisson(3.0, size=n), 20)
    cache_hit = rng.random(n) < shift.cache_hit_rate
    # Hours: a Seoul business-day bump on a flat base.
    hour = np.where(rng.random(n) < 0.5, rng.integers(0, 24, size=n),
                    np.clip(np.round(rng.normal(14, 3, size=n)), 0, 23)).astype(np.int64)
    busy = ((hour >= 9) & (hour <= 18)).astype(float)
    logit = (-1.1 + np.asarray(_ENDPOINT_EFFECT)[which] + 0.9 * (np.log(payload) - np.log(40.0))
             + 0.25 * (db_queries - 3) - 1.4 * cache_hit + 0.5 * busy + 0.3 * (region == 2)
             + shift.concept)
    slow = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    first = int(np.random.default_rng([seed, 6]).integers(0, 9_000_000 - max(n, 1)))
    return pd.DataFrame({
        "request_id": pd.array([f"r-{first + i:07d}" for i in range(n)], dtype="str"),
        "endpoint": pd.array(np.asarray(ENDPOINTS, dtype=object)[which], dtype="str"),
        "region": pd.array(np.asarray(REGIONS, dtype=object)[region], dtype="str"),
        "payload_kb": np.round(payload, 2).astype(np.float64),
        "db_queries": db_queries.astype(np.int64),
        "cache_hit": cache_hit.astype(bool),
        "hour": hour,
        "slow": slow,
    })


def features(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input: one-hot endpoint and region, log payload, the numeric columns (float64).

    Columns are always the same, in the same order, whatever values a frame holds, so a model
    trained on one sample can score any other.
    """
    out = pd.DataFrame(index=frame.index)
    for e in ENDPOINTS:
        out[f"endpoint={e}"] = (frame["endpoint"] == e).astype(np.float64)
    for r in REGIONS:
        out[f"region={r}"] = (frame["region"] == r).astype(np.float64)
    out["log_payload_kb"] = np.log(frame["payload_kb"].astype(np.float64))
    out["db_queries"] = frame["db_queries"].astype(np.float64)
    out["cache_hit"] = frame["cache_hit"].astype(np.float64)
    out["busy_hour"] = frame["hour"].between(9, 18).astype(np.float64)
    return out


def local_tracking(folder: str | os.PathLike, experiment: str | None = None) -> str:
    """Point MLflow at `folder`/mlflow.db (runs, registry) and `folder`/artifacts; return the URI.

    Telemetry is switched off and MLflow's database-migration messages are silenced. With
    `experiment`, that experiment is created (its artifacts under `folder`/artifacts) if it does
    not exist, and made the active one.
    """
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    import mlflow

    for name in ("mlflow", "alembic"):  # mlflow sets its level at import: quieten it after
        logging.getLogger(name).setLevel(logging.WARNING)
    # MLflow 3.17's store still asks SQLAlchemy 2.1 for a deprecated loader: not the reader's problem.
    warnings.filterwarnings("ignore", message=".*noload.*loader strategy is deprecated")

    root = Path(folder).resolve()
    (root / "artifacts").mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{root / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if experiment is not None:
        if mlflow.get_experiment_by_name(experiment) is None:
            mlflow.create_experiment(experiment, artifact_location=(root / "artifacts").as_uri())
        mlflow.set_experiment(experiment)
    return uri
