"""coursekit.mlops: the Module 5 dataset is deterministic and typed; the local MLflow store works offline."""

import numpy as np
import pandas as pd
import pytest

from coursekit import mlops


def test_same_seed_same_frame_and_documented_dtypes():
    a, b = mlops.slow_requests(2_000, seed=3), mlops.slow_requests(2_000, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["request_id", *mlops.FEATURES, mlops.LABEL]
    assert {c: str(t) for c, t in a.dtypes.items()} == {
        "request_id": "str", "endpoint": "str", "region": "str", "payload_kb": "float64",
        "db_queries": "int64", "cache_hit": "bool", "hour": "int64", "slow": "int64"}
    assert a["request_id"].is_unique and (a["payload_kb"] > 0).all()
    assert set(a["endpoint"]) == set(mlops.ENDPOINTS) and a["hour"].between(0, 23).all()
    assert 0.15 < a["slow"].mean() < 0.3
    assert not a.equals(mlops.slow_requests(2_000, seed=4))


def test_shifts_move_what_they_say():
    base = mlops.slow_requests(20_000, seed=1)
    big = mlops.slow_requests(20_000, seed=1, shift=mlops.Shift(payload_scale=2.0))
    assert np.median(big["payload_kb"]) / np.median(base["payload_kb"]) == pytest.approx(2.0, rel=0.05)
    cold = mlops.slow_requests(20_000, seed=1, shift=mlops.Shift(cache_hit_rate=0.2))
    assert cold["cache_hit"].mean() == pytest.approx(0.2, abs=0.02)
    mix = mlops.slow_requests(20_000, seed=1, shift=mlops.Shift(endpoint_share=(0.1, 0.1, 0.8)))
    assert (mix["endpoint"] == "/v1/chat").mean() == pytest.approx(0.8, abs=0.02)
    concept = mlops.slow_requests(20_000, seed=1, shift=mlops.Shift(concept=1.0))
    pd.testing.assert_frame_equal(concept[list(mlops.FEATURES)], base[list(mlops.FEATURES)])
    assert concept["slow"].mean() > base["slow"].mean() + 0.1
    for bad in ({"payload_scale": 0}, {"cache_hit_rate": 1.5}, {"endpoint_share": (0.5, 0.5)}):
        with pytest.raises(ValueError):
            mlops.Shift(**bad)


def test_features_have_fixed_columns_whatever_the_values():
    one = mlops.slow_requests(50, seed=0)
    only_chat = one[one["endpoint"] == "/v1/chat"]
    assert list(mlops.features(one).columns) == list(mlops.features(only_chat).columns)
    assert (mlops.features(one).dtypes == np.float64).all()


def test_local_tracking_writes_only_inside_its_folder(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.chdir(tmp_path)
    uri = mlops.local_tracking(tmp_path / "store", experiment="exp")
    assert uri == f"sqlite:///{tmp_path / 'store' / 'mlflow.db'}"
    with mlflow.start_run():
        mlflow.log_metric("m", 1.0)
        mlflow.log_text("hi", "note.txt")
    runs = mlflow.search_runs(experiment_names=["exp"])
    assert len(runs) == 1 and runs["metrics.m"].iloc[0] == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no ./mlruns beside it
    assert list((tmp_path / "store" / "artifacts").rglob("note.txt"))
