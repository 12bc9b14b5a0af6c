# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% schema_impl  (hour from 0 to 24: "24 hours in a day", so in_range(0, 24); the clock that writes midnight as 24 gets through)
def make_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "request_id": pa.Column(str, pa.Check.str_matches(r"^r-\d{7}$"), unique=True),
            "endpoint": pa.Column(str, pa.Check.isin(ENDPOINTS)),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "payload_kb": pa.Column("float64", pa.Check.gt(0)),
            "db_queries": pa.Column("int64", pa.Check.in_range(0, 20)),
            "cache_hit": pa.Column(bool),
            "hour": pa.Column("int64", pa.Check.le(24)),
            LABEL: pa.Column("int64", pa.Check.isin([0, 1])),
        },
        checks=[pa.Check(lambda df: 0.05 <= df[LABEL].mean() <= 0.5, name="label_share")],
        strict=True,
    )

# %% report_impl  (validates eagerly and reads the one SchemaError: the report names the first broken rule and hides the rest)
def report(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> dict:
    try:
        schema.validate(frame)
    except pa.errors.SchemaError as err:
        column = getattr(err.schema, "name", None) or "*"
        check = getattr(err.check, "error", None) or str(err.check)
        rule = f"{column}:{check}"
        cases = err.failure_cases
        if cases is None or "index" not in getattr(cases, "columns", []):
            return {"ok": False, "rows": {}, "batch": [rule]}
        rows = {}
        for index in cases["index"]:
            if pd.isna(index):
                return {"ok": False, "rows": {}, "batch": [rule]}
            rows[int(index)] = [rule]
        return {"ok": False, "rows": dict(sorted(rows.items())), "batch": []}
    return {"ok": True, "rows": {}, "batch": []}

# %% quarantine_impl  (>= instead of >: a batch with exactly the allowed share of bad rows is rejected)
def quarantine(schema: pa.DataFrameSchema, frame: pd.DataFrame,
               max_bad_share: float = 0.02) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    result = report(schema, frame)
    if result["ok"]:
        return frame.copy(), frame.iloc[:0].assign(reason=""), "accept"
    bad = frame.index.isin(list(result["rows"]))
    if result["batch"] or len(result["rows"]) / len(frame) >= max_bad_share:
        return frame.iloc[:0].copy(), frame.assign(reason="batch rejected"), "reject"
    held = frame[bad].copy()
    held["reason"] = ["; ".join(result["rows"][i]) for i in held.index]
    return frame[~bad].copy(), held, "accept"

# %% schema_impl  (coerce=True "to be forgiving": the text "3" becomes 3 and float labels become ints, so upstream type bugs pass unseen)
def make_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "request_id": pa.Column(str, pa.Check.str_matches(r"^r-\d{7}$"), unique=True),
            "endpoint": pa.Column(str, pa.Check.isin(ENDPOINTS)),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "payload_kb": pa.Column("float64", pa.Check.gt(0)),
            "db_queries": pa.Column("int64", pa.Check.in_range(0, 20)),
            "cache_hit": pa.Column(bool),
            "hour": pa.Column("int64", pa.Check.in_range(0, 23)),
            LABEL: pa.Column("int64", pa.Check.isin([0, 1])),
        },
        checks=[pa.Check(lambda df: 0.05 <= df[LABEL].mean() <= 0.5, name="label_share")],
        strict=True,
        coerce=True,
    )

# %% report_impl  (drops the failures without a row index: a dtype or a frame-level failure is reported as ok)
def report(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> dict:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
    else:
        return {"ok": True, "rows": {}, "batch": []}
    rows = {}
    for column, check, index in zip(cases["column"], cases["check"], cases["index"]):
        rows.setdefault(int(index), set()).add(f"{column}:{check}")
    return {"ok": not rows, "rows": {i: sorted(rows[i]) for i in sorted(rows)},
            "batch": []}

# %% quarantine_impl  (uses the index labels as positions with iloc: right for a frame indexed 0..n-1, wrong rows for any other index)
def quarantine(schema: pa.DataFrameSchema, frame: pd.DataFrame,
               max_bad_share: float = 0.02) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    result = report(schema, frame)
    if result["ok"]:
        return frame.copy(), frame.iloc[:0].assign(reason=""), "accept"
    if result["batch"] or len(result["rows"]) / len(frame) > max_bad_share:
        return frame.iloc[:0].copy(), frame.assign(reason="batch rejected"), "reject"
    positions = [i for i in result["rows"] if i < len(frame)]
    held = frame.iloc[positions].copy()
    held["reason"] = ["; ".join(rules) for rules in result["rows"].values()][:len(held)]
    return frame.drop(frame.index[positions]), held, "accept"

# %% schema_impl  (forgets unique=True on request_id: a batch shipped twice trains on every request twice)
def make_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "request_id": pa.Column(str, pa.Check.str_matches(r"^r-\d{7}$")),
            "endpoint": pa.Column(str, pa.Check.isin(ENDPOINTS)),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "payload_kb": pa.Column("float64", pa.Check.gt(0)),
            "db_queries": pa.Column("int64", pa.Check.in_range(0, 20)),
            "cache_hit": pa.Column(bool),
            "hour": pa.Column("int64", pa.Check.in_range(0, 23)),
            LABEL: pa.Column("int64", pa.Check.isin([0, 1])),
        },
        checks=[pa.Check(lambda df: 0.05 <= df[LABEL].mean() <= 0.5, name="label_share")],
        strict=True,
    )
