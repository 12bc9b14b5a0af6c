# Plausible wrong answers, one section per answer cell. A grade_id that appears again
# starts another variant. `course verify` proves each one loses points.

# %% psi_impl  (bin edges from the current sample's quantiles: "the bins should fit the data I am looking at", so every window looks evenly spread and a shift hides)
def psi(reference, current, bins: int = 10) -> float:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError("empty sample")
    edges = np.unique(np.quantile(cur, np.linspace(0, 1, bins + 1))[1:-1])
    n_bins = edges.size + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=n_bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=n_bins) / cur.size
    r, c = np.maximum(r, EPS), np.maximum(c, EPS)
    return float(np.sum((c - r) * np.log(c / r)))

# %% ks_impl  (p <= alpha: "significant at 5%" read as "at most 5%", so a p-value exactly at alpha pages)
def ks_drift(reference, current, alpha: float = 0.05) -> tuple[float, float, bool]:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    result = stats.ks_2samp(ref[~np.isnan(ref)], cur[~np.isnan(cur)])
    p_value = float(result.pvalue)
    return float(result.statistic), p_value, bool(p_value <= alpha)

# %% category_impl  (counts the current sample over the reference's categories only, the way a one-hot encoder fitted on training data does: a brand-new endpoint vanishes from the test)
def category_drift(reference, current, alpha: float = 0.05) -> dict:
    ref_counts = pd.Series(list(reference), dtype=object).value_counts()
    cur_counts = pd.Series(list(current), dtype=object).value_counts()
    categories = sorted(ref_counts.index)
    table = np.array([[ref_counts.get(c, 0) for c in categories],
                      [cur_counts.get(c, 0) for c in categories]])
    result = stats.chi2_contingency(table)
    p_value = float(result.pvalue)
    new = sorted(set(cur_counts.index) - set(ref_counts.index))
    return {"chi2": float(result.statistic), "p_value": p_value,
            "drifted": bool(p_value < alpha), "new": new}

# %% alert_impl  (psi > threshold instead of >=: a PSI exactly at the threshold does not page)
def alert(reference: pd.DataFrame, current: pd.DataFrame, numeric: list[str],
          categorical: list[str], *, psi_threshold: float = 0.2, alpha: float = 0.01,
          min_rows: int = 500) -> dict:
    if len(current) < min_rows:
        return {"status": "wait", "drifted": []}
    drifted = []
    for column in numeric:
        big = psi(reference[column], current[column]) > psi_threshold
        if big and ks_drift(reference[column], current[column], alpha)[2]:
            drifted.append(column)
    for column in categorical:
        if category_drift(reference[column], current[column], alpha)["drifted"]:
            drifted.append(column)
    return {"status": "drift" if drifted else "ok", "drifted": drifted}

# %% psi_impl  (no epsilon: an empty bin gives ln(0) and the sum is inf or nan, the bug the epsilon exists for)
def psi(reference, current, bins: int = 10) -> float:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError("empty sample")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1])
    n_bins = edges.size + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=n_bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=n_bins) / cur.size
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((c - r) * np.log(c / r)))

# %% ks_impl  (passes the columns to ks_2samp as they are: one NaN in a window and scipy returns nan, which is never < alpha, so a broken feed looks calm)
def ks_drift(reference, current, alpha: float = 0.05) -> tuple[float, float, bool]:
    result = stats.ks_2samp(np.asarray(reference, dtype=np.float64),
                            np.asarray(current, dtype=np.float64))
    p_value = float(result.pvalue)
    return float(result.statistic), p_value, bool(p_value < alpha)

# %% category_impl  (compares the shares with a 1-row goodness-of-fit test against the reference shares: a category the reference lacks has expected 0 and is dropped to avoid dividing by it)
def category_drift(reference, current, alpha: float = 0.05) -> dict:
    ref_share = pd.Series(list(reference), dtype=object).value_counts(normalize=True)
    cur_counts = pd.Series(list(current), dtype=object).value_counts()
    known = sorted(set(ref_share.index) & set(cur_counts.index))
    observed = np.array([cur_counts[c] for c in known], dtype=float)
    expected = np.array([ref_share[c] for c in known]) * observed.sum()
    expected *= observed.sum() / expected.sum()
    if len(known) < 2:
        chi2, p_value = 0.0, 1.0
    else:
        result = stats.chisquare(observed, expected)
        chi2, p_value = float(result.statistic), float(result.pvalue)
    new = sorted(set(cur_counts.index) - set(ref_share.index))
    return {"chi2": chi2, "p_value": p_value, "drifted": bool(p_value < alpha), "new": new}

# %% alert_impl  (len(current) <= min_rows: exactly min_rows rows are still "too few", an off-by-one at the first boundary)
def alert(reference: pd.DataFrame, current: pd.DataFrame, numeric: list[str],
          categorical: list[str], *, psi_threshold: float = 0.2, alpha: float = 0.01,
          min_rows: int = 500) -> dict:
    if len(current) <= min_rows:
        return {"status": "wait", "drifted": []}
    drifted = []
    for column in numeric:
        big = psi(reference[column], current[column]) >= psi_threshold
        if big and ks_drift(reference[column], current[column], alpha)[2]:
            drifted.append(column)
    for column in categorical:
        if category_drift(reference[column], current[column], alpha)["drifted"]:
            drifted.append(column)
    return {"status": "drift" if drifted else "ok", "drifted": drifted}

# %% psi_impl  (np.histogram over the reference's quantile edges: its outer edges are the reference's min and max, so current values outside that range are silently dropped)
def psi(reference, current, bins: int = 10) -> float:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError("empty sample")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)))
    r_counts, _ = np.histogram(ref, bins=edges)
    c_counts, _ = np.histogram(cur, bins=edges)
    with np.errstate(divide="ignore", invalid="ignore"):
        r, c = r_counts / r_counts.sum(), c_counts / c_counts.sum()
    r, c = np.maximum(r, EPS), np.maximum(c, EPS)
    return float(np.sum((c - r) * np.log(c / r)))

# %% alert_impl  (pages on the p-value alone and ignores the PSI threshold: with 60,000 requests a 3% payload change is "significant", and someone is woken up for it)
def alert(reference: pd.DataFrame, current: pd.DataFrame, numeric: list[str],
          categorical: list[str], *, psi_threshold: float = 0.2, alpha: float = 0.01,
          min_rows: int = 500) -> dict:
    if len(current) < min_rows:
        return {"status": "wait", "drifted": []}
    drifted = [c for c in numeric if ks_drift(reference[c], current[c], alpha)[2]]
    drifted += [c for c in categorical
                if category_drift(reference[c], current[c], alpha)["drifted"]]
    return {"status": "drift" if drifted else "ok", "drifted": drifted}

# %% psi_impl  (edges from both samples pooled: "fair to both sides", but the bins move with the traffic they are meant to judge)
def psi(reference, current, bins: int = 10) -> float:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError("empty sample")
    both = np.concatenate([ref, cur])
    edges = np.unique(np.quantile(both, np.linspace(0, 1, bins + 1))[1:-1])
    n_bins = edges.size + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=n_bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=n_bins) / cur.size
    r, c = np.maximum(r, EPS), np.maximum(c, EPS)
    return float(np.sum((c - r) * np.log(c / r)))

# %% psi_impl  (np.digitize with right=True: a value equal to an edge goes to the bin below, which only shows on columns with repeated values)
def psi(reference, current, bins: int = 10) -> float:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError("empty sample")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1])
    n_bins = edges.size + 1
    r = np.bincount(np.digitize(ref, edges, right=True), minlength=n_bins) / ref.size
    c = np.bincount(np.digitize(cur, edges, right=True), minlength=n_bins) / cur.size
    r, c = np.maximum(r, EPS), np.maximum(c, EPS)
    return float(np.sum((c - r) * np.log(c / r)))
