# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% register_impl  (registers the model without tags: MLflow keeps version.run_id, so the lineage looks recorded, but the data hash is nowhere on the version)
def register(run_id: str, name: str) -> str:
    return str(mlflow.register_model(model_uri(run_id), name).version)

# %% gate_impl  (>= instead of >: a challenger exactly as good as the margin, the smallest gain that was declared not worth a deploy, is promoted)
def should_promote(champion_scores, challenger_scores, margin: float, n_boot: int = 2_000,
                   seed: int = 0, level: float = 0.95) -> bool:
    if champion_scores is None:
        return True
    champion = np.asarray(champion_scores, dtype=float)
    challenger = np.asarray(challenger_scores, dtype=float)
    if champion.shape != challenger.shape or champion.size == 0:
        raise ValueError("the gate needs two score arrays of the same, non-zero length")
    diff = challenger - champion
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, diff.size, size=(n_boot, diff.size))].mean(axis=1)
    return bool(np.quantile(means, (1 - level) / 2) >= margin)

# %% promote_impl  (scores both models on the training data at hand instead of the holdout: an overfit model looks perfect and is promoted)
def promote(name: str, version: str, holdout: pd.DataFrame, margin: float) -> bool:
    candidate = mlflow.pyfunc.load_model(f"models:/{name}/{version}")
    try:
        old = client.get_model_version_by_alias(name, "champion")
    except MlflowException:
        old = None
    champion_scores = None
    if old is not None:
        champion = mlflow.pyfunc.load_model(f"models:/{name}/{old.version}")
        champion_scores = loglik(champion, TRAIN)
    decision = should_promote(champion_scores, loglik(candidate, TRAIN), margin)
    if decision:
        if old is not None:
            client.set_registered_model_alias(name, "previous", old.version)
        client.set_registered_model_alias(name, "champion", version)
    return decision

# %% rollback_impl  (deletes the bad version, then moves the alias: the rollback works, and the version that caused the incident is gone from the audit trail)
def rollback(name: str) -> str:
    try:
        previous = client.get_model_version_by_alias(name, "previous")
    except MlflowException:
        raise LookupError(f"{name} has no 'previous' version") from None
    bad = client.get_model_version_by_alias(name, "champion")
    client.delete_model_version(name, bad.version)
    client.set_registered_model_alias(name, "champion", previous.version)
    client.delete_registered_model_alias(name, "previous")
    return str(previous.version)

# %% register_impl  (tags every version with the hash of TRAIN, the data in the notebook, instead of the run's own tag; and registers runs that have no lineage at all)
def register(run_id: str, name: str) -> str:
    version = mlflow.register_model(model_uri(run_id), name,
                                    tags={"run_id": run_id, "data_hash": data_hash(TRAIN)})
    return str(version.version)

# %% gate_impl  (unpaired bootstrap: resamples each model's scores on their own, so the spread between easy and hard requests counts as noise and real gains are rejected)
def should_promote(champion_scores, challenger_scores, margin: float, n_boot: int = 2_000,
                   seed: int = 0, level: float = 0.95) -> bool:
    if champion_scores is None:
        return True
    champion = np.asarray(champion_scores, dtype=float)
    challenger = np.asarray(challenger_scores, dtype=float)
    if champion.shape != challenger.shape or champion.size == 0:
        raise ValueError("the gate needs two score arrays of the same, non-zero length")
    rng = np.random.default_rng(seed)
    n = champion.size
    means = (challenger[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
             - champion[rng.integers(0, n, size=(n_boot, n))].mean(axis=1))
    return bool(np.quantile(means, (1 - level) / 2) > margin)

# %% promote_impl  (moves champion but forgets to remember the old one: the next rollback has nowhere to go)
def promote(name: str, version: str, holdout: pd.DataFrame, margin: float) -> bool:
    candidate = mlflow.pyfunc.load_model(f"models:/{name}/{version}")
    try:
        old = client.get_model_version_by_alias(name, "champion")
        champion_scores = loglik(mlflow.pyfunc.load_model(f"models:/{name}/{old.version}"),
                                 holdout)
    except MlflowException:
        champion_scores = None
    decision = should_promote(champion_scores, loglik(candidate, holdout), margin)
    if decision:
        client.set_registered_model_alias(name, "champion", version)
    return decision

# %% rollback_impl  (swaps champion and previous: a second rollback "rolls back" to the bad version)
def rollback(name: str) -> str:
    try:
        previous = client.get_model_version_by_alias(name, "previous")
    except MlflowException:
        raise LookupError(f"{name} has no 'previous' version") from None
    bad = client.get_model_version_by_alias(name, "champion")
    client.set_registered_model_alias(name, "champion", previous.version)
    client.set_registered_model_alias(name, "previous", bad.version)
    client.set_model_version_tag(name, bad.version, "rolled_back", "true")
    return str(previous.version)

# %% gate_impl  (compares the mean difference with the margin and skips the interval: a noisy challenger that is better on average by luck is promoted)
def should_promote(champion_scores, challenger_scores, margin: float, n_boot: int = 2_000,
                   seed: int = 0, level: float = 0.95) -> bool:
    if champion_scores is None:
        return True
    champion = np.asarray(champion_scores, dtype=float)
    challenger = np.asarray(challenger_scores, dtype=float)
    if champion.shape != challenger.shape or champion.size == 0:
        raise ValueError("the gate needs two score arrays of the same, non-zero length")
    return bool((challenger - champion).mean() > margin)
