"""coursekit.datasets: the messy request log and the deployments table of the pandas lesson."""

from __future__ import annotations

import pandas as pd
import pytest

from coursekit import datasets as ds


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """The cleaning the lesson teaches, written out once so the tests can check the planted signals."""
    return raw.drop_duplicates().assign(
        ts=pd.to_datetime(raw["ts"], utc=True),
        endpoint=raw["endpoint"].str.lower().str.rstrip("/"),
        status=raw["status"].astype(int),
        latency_ms=pd.to_numeric(raw["latency_ms"], errors="coerce"),
    ).sort_values("ts", ignore_index=True)


@pytest.fixture(scope="module")
def raw():
    return ds.request_log()


@pytest.fixture(scope="module")
def log(raw):
    return clean(raw)


def test_same_seed_gives_identical_frames(raw):
    pd.testing.assert_frame_equal(ds.request_log(), raw)
    pd.testing.assert_frame_equal(ds.deployments(3), ds.deployments(3))
    assert ds.error_burst_minute(3) == ds.error_burst_minute(3)


def test_different_seeds_differ(raw):
    other = ds.request_log(seed=1)
    assert len(other) == len(raw)
    assert not other.equals(raw)
    assert not ds.deployments(1).equals(ds.deployments(0))
    assert len({ds.error_burst_minute(s) for s in range(10)}) > 1


def test_sizes_and_columns(raw):
    assert tuple(raw.columns) == ds.COLUMNS
    assert len(raw) == 20_000 + 100
    assert all(str(dtype) == "str" for dtype in raw.dtypes), "every field arrives as a string"
    assert list(raw.index) == list(range(len(raw)))
    for n in (0, 1, 199, 200, 1_000):
        small = ds.request_log(n=n, seed=5)
        assert len(small) == n + n // 200 and tuple(small.columns) == ds.COLUMNS
    with pytest.raises(ValueError):
        ds.request_log(n=-1)


def test_timestamps_mix_two_offsets_and_stay_in_the_window(raw, log):
    offsets = raw["ts"].str[-6:].value_counts()
    assert set(offsets.index) == {"+00:00", "+09:00"}
    assert 0.07 < offsets["+09:00"] / len(raw) < 0.13
    assert raw["ts"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0[09]:00").all()
    assert log["ts"].min() >= ds.START and log["ts"].max() < ds.START + ds.DURATION
    assert not pd.to_datetime(raw["ts"], utc=True).is_monotonic_increasing, "the shipped log is out of order"


def test_endpoints_are_spelled_several_ways(raw, log):
    spellings = set(raw["endpoint"])
    assert set(log["endpoint"]) == set(ds.ENDPOINTS)
    assert len(spellings) > len(ds.ENDPOINTS)
    assert "/V1/Search" in spellings and "/v1/search/" in spellings


def test_status_and_latency_are_strings_with_junk(raw, log):
    assert raw["status"].str.fullmatch(r"\d{3}").all()
    blank = (raw["latency_ms"] == "").mean()
    not_available = (raw["latency_ms"] == "n/a").mean()
    assert 0.01 < blank < 0.03 and 0.005 < not_available < 0.015
    junk = raw["latency_ms"].isin(["", "n/a"])
    assert pd.to_numeric(raw.loc[~junk, "latency_ms"], errors="raise").gt(0).all(), "everything else parses"
    assert log["latency_ms"].isna().sum() == log["latency_ms"].size - log["latency_ms"].count()


def test_exact_duplicates_from_one_retried_batch(raw):
    duplicated = raw.duplicated()
    assert duplicated.sum() == 100
    assert raw["request_id"].duplicated().sum() == 100, "duplicates are whole rows, not new requests"
    positions = duplicated[duplicated].index
    assert positions.max() - positions.min() == 99, "the retried batch is one contiguous block"


def test_deployments_table_is_clean_and_sorted():
    deploys = ds.deployments()
    assert list(deploys.columns) == ["deployed_at", "endpoint", "version"]
    assert str(deploys["deployed_at"].dtype) == "datetime64[us, UTC]"
    assert deploys["deployed_at"].is_monotonic_increasing
    assert set(deploys["endpoint"]) <= set(ds.ENDPOINTS)
    assert (deploys["version"] == ds.REGRESSED_VERSION).sum() == 1
    assert (deploys["deployed_at"] > ds.START).all() and (deploys["deployed_at"] < ds.START + ds.DURATION).all()


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_only_the_regressed_deployment_slows_its_endpoint(seed):
    log = clean(ds.request_log(seed=seed))
    deploys = ds.deployments(seed)
    live = pd.merge_asof(log, deploys, left_on="ts", right_on="deployed_at", by="endpoint")
    for i, deploy in deploys.iterrows():
        same = live[live["endpoint"] == deploy["endpoint"]]
        previous = deploys[(deploys["endpoint"] == deploy["endpoint"]) & (deploys.index < i)]
        before = same[same["version"] == previous["version"].iloc[-1]] if len(previous) else same[same["version"].isna()]
        after = same[same["version"] == deploy["version"]]
        ratio = after["latency_ms"].quantile(0.95) / before["latency_ms"].quantile(0.95)
        median_ratio = after["latency_ms"].median() / before["latency_ms"].median()
        if deploy["version"] == ds.REGRESSED_VERSION:
            assert ratio > 2.0 and median_ratio < 1.2, "p95 more than doubles, the median barely moves"
        else:
            assert 0.8 < ratio < 1.2, f"{deploy['version']} should not change latency"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_one_minute_has_an_error_burst(seed):
    log = clean(ds.request_log(seed=seed))
    rate = (log["status"] >= 500).groupby(log["ts"].dt.floor("min")).mean()
    burst = ds.error_burst_minute(seed)
    assert rate.idxmax() == burst and rate[burst] > 0.4
    assert rate.drop(burst).max() < 0.06
    assert 0.02 < ((log["status"] >= 400) & (log["status"] < 500)).mean() < 0.06
