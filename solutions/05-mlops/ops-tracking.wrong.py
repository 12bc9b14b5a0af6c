# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% train_impl  (logs the metrics without step=: MLflow puts every value at step 0, so the history is a pile of points and the curve is gone)
def train_and_log(params: dict, train: pd.DataFrame, valid: pd.DataFrame) -> str:
    X_train, y_train = features(train), train[LABEL].to_numpy()
    X_valid, y_valid = features(valid), valid[LABEL].to_numpy()
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        mlflow.set_tag("data_hash", data_hash(train))
        model = SGDClassifier(loss="log_loss", alpha=params["alpha"],
                              random_state=params["seed"])
        for epoch in range(params["epochs"]):
            model.partial_fit(X_train, y_train, classes=[0, 1])
            mlflow.log_metric("val_loss", log_loss(y_valid, model.predict_proba(X_valid)))
            mlflow.log_metric("val_accuracy",
                              accuracy_score(y_valid, model.predict(X_valid)))
        signature = infer_signature(X_valid, model.predict_proba(X_valid))
        mlflow.sklearn.log_model(
            model, name="model", signature=signature, input_example=X_valid.head(3),
            pip_requirements=["scikit-learn"], serialization_format="cloudpickle",
            pyfunc_predict_fn="predict_proba")
    return run.info.run_id

# %% table_impl  (builds each column from the list of values: a history that starts at step 1, skips steps or repeats one is placed by position, not by step)
def metric_table(run_ids: list[str], metric: str) -> pd.DataFrame:
    columns = {}
    for run_id in run_ids:
        history = client.get_metric_history(run_id, metric)
        columns[run_id] = pd.Series([m.value for m in history], dtype="float64")
    table = pd.DataFrame(columns, columns=list(run_ids), dtype="float64")
    table.index = table.index.astype("int64")
    table.index.name = "step"
    return table

# %% best_impl  (copied from the loss case: sorts ascending whatever the metric, so for an accuracy it returns the worst run)
def best_run(experiment: str, metric: str, higher_is_better: bool = True) -> str | None:
    runs = mlflow.search_runs(experiment_names=[experiment],
                              filter_string="attributes.status = 'FINISHED'")
    column = f"metrics.{metric}"
    if runs.empty or column not in runs:
        return None
    runs = runs[runs[column].notna()].sort_values([column, "start_time"], kind="stable")
    return None if runs.empty else str(runs["run_id"].iloc[0])

# %% train_impl  (logs the parameters at the end, after the model: the run has them, but the model's own record was written without them)
def train_and_log(params: dict, train: pd.DataFrame, valid: pd.DataFrame) -> str:
    X_train, y_train = features(train), train[LABEL].to_numpy()
    X_valid, y_valid = features(valid), valid[LABEL].to_numpy()
    with mlflow.start_run() as run:
        mlflow.set_tag("data_hash", data_hash(train))
        model = SGDClassifier(loss="log_loss", alpha=params["alpha"],
                              random_state=params["seed"])
        for epoch in range(params["epochs"]):
            model.partial_fit(X_train, y_train, classes=[0, 1])
            mlflow.log_metrics({
                "val_loss": log_loss(y_valid, model.predict_proba(X_valid)),
                "val_accuracy": accuracy_score(y_valid, model.predict(X_valid)),
            }, step=epoch)
        signature = infer_signature(X_valid, model.predict_proba(X_valid))
        mlflow.sklearn.log_model(
            model, name="model", signature=signature, input_example=X_valid.head(3),
            pip_requirements=["scikit-learn"], serialization_format="cloudpickle",
            pyfunc_predict_fn="predict_proba")
        mlflow.log_params(params)
    return run.info.run_id

# %% table_impl  (places values by step but keeps the first value of a repeated step: after a resumed job, the table shows the attempt that was thrown away)
def metric_table(run_ids: list[str], metric: str) -> pd.DataFrame:
    columns = {}
    for run_id in run_ids:
        values = {}
        for m in client.get_metric_history(run_id, metric):
            values.setdefault(m.step, m.value)
        columns[run_id] = pd.Series(values, dtype="float64")
    table = pd.DataFrame(columns, columns=list(run_ids), dtype="float64").sort_index()
    table.index = table.index.astype("int64")
    table.index.name = "step"
    return table

# %% best_impl  (forgets the status filter: a run that crashed after one lucky epoch, or is still running, can be picked as the best)
def best_run(experiment: str, metric: str, higher_is_better: bool = True) -> str | None:
    runs = mlflow.search_runs(experiment_names=[experiment])
    column = f"metrics.{metric}"
    if runs.empty or column not in runs:
        return None
    runs = runs[runs[column].notna()]
    runs = runs.sort_values([column, "start_time"], ascending=[not higher_is_better, True],
                            kind="stable")
    return None if runs.empty else str(runs["run_id"].iloc[0])

# %% best_impl  (lets the database order the runs and takes the first: correct until two runs tie, then MLflow returns the newest one)
def best_run(experiment: str, metric: str, higher_is_better: bool = True) -> str | None:
    direction = "DESC" if higher_is_better else "ASC"
    runs = mlflow.search_runs(experiment_names=[experiment],
                              filter_string=f"attributes.status = 'FINISHED' "
                                            f"and metrics.{metric} > -1e308",
                              order_by=[f"metrics.{metric} {direction}"])
    return None if runs.empty else str(runs["run_id"].iloc[0])
