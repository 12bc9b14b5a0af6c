# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% split_impl  (shuffles X and y separately: each call to permutation draws a NEW order, so rows lose their labels)
def train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=0):
    if min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError("fractions must be non-negative and add up to 1")
    rng = np.random.default_rng(seed)
    X = rng.permutation(X)
    y = rng.permutation(y)
    n = len(X)
    n_val = int(n * fractions[1])
    n_test = int(n * fractions[2])
    n_train = n - n_val - n_test
    return (
        (X[:n_train], y[:n_train]),
        (X[n_train:n_train + n_val], y[n_train:n_train + n_val]),
        (X[n_train + n_val:], y[n_train + n_val:]),
    )

# %% linear_impl  (gradient of the SUM of squared errors, not the mean: forgets to divide by n, so steps are n times too big)
def linear_regression_gd(X, y, lr=0.1, epochs=100):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    history = []
    for _ in range(epochs):
        e = X @ w + b - y
        history.append(float(np.mean(e ** 2)))
        w = w - lr * 2 * (X.T @ e)
        b = b - lr * 2 * e.sum()
    return w, b, history

# %% stable_impl  (the textbook formulas: exp overflows for large negative z, and clipping p keeps the loss finite but wrong)
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def log_loss(y, z):
    y = np.asarray(y, dtype=float)
    p = np.clip(sigmoid(z), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

# %% logistic_impl  (copies the linear-regression gradient: uses the raw score z - y instead of sigmoid(z) - y)
def logistic_regression_gd(X, y, lr=0.1, epochs=100):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    history = []
    for _ in range(epochs):
        z = X @ w + b
        history.append(log_loss(y, z))
        g = z - y
        w = w - lr * (X.T @ g) / n
        b = b - lr * g.mean()
    return w, b, history

# %% metrics_impl  (divides without checking: with no predicted positives, 0 / 0 gives NaN and a RuntimeWarning)
def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    return np.array([[np.sum(~t & ~p), np.sum(~t & p)], [np.sum(t & ~p), np.sum(t & p)]])


def precision_recall_f1(y_true, y_pred):
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)

# %% split_impl  (compares the sum with ==, but 0.7 + 0.2 + 0.1 is 0.9999999999999999)
def train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=0):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)} labels")
    if min(fractions) < 0 or sum(fractions) != 1:
        raise ValueError(f"fractions must be >= 0 and add up to 1, got {fractions!r}")
    n_val = int(n * fractions[1])
    n_test = int(n * fractions[2])
    n_train = n - n_val - n_test
    shuffled = np.random.default_rng(seed).permutation(n)
    parts = np.split(shuffled, [n_train, n_train + n_val])
    return tuple((X[rows], y[rows]) for rows in parts)
