# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% grad_impl  (a forward difference, (f(x + eps) - f(x)) / eps: the textbook definition of a derivative, but its error is O(eps), not O(eps**2))
def numerical_grad(f, x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    point = x.detach().clone(memory_format=torch.contiguous_format)
    grad = torch.zeros_like(point)
    flat_point, flat_grad = point.view(-1), grad.view(-1)
    with torch.no_grad():
        f_here = float(f(point))
        for i in range(flat_point.numel()):
            original = flat_point[i].item()
            flat_point[i] = original + eps
            flat_grad[i] = (float(f(point)) - f_here) / eps
            flat_point[i] = original
    return grad

# %% mlp_impl  (layers kept in a plain Python list: forward works, but nn.Module never registers them, so parameters() is empty and nothing would train or be saved)
class MLP(nn.Module):
    def __init__(self, d_in: int, hidden: int, n_classes: int, p_drop: float = 0.0):
        super().__init__()
        self.layers = [nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(p_drop), nn.Linear(hidden, n_classes)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

# %% loader_impl  (seeds the global generator instead of giving the loader its own: looks reproducible, but the order depends on whatever else draws random numbers before the loop runs)
def make_loader(X: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> DataLoader:
    torch.manual_seed(seed)
    dataset = TensorDataset(torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64))
    return DataLoader(dataset, batch_size=batch_size, shuffle=True)

# %% train_impl  (forgets optimizer.zero_grad(): backward() adds to .grad, so every step also applies all earlier batches' gradients)
def train_one_epoch(model: nn.Module, loader, optimizer, loss_fn) -> float:
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        count += len(xb)
    if count == 0:
        raise ValueError("the loader yielded no batches")
    return total / count

# %% evaluate_impl  (believes torch.no_grad() also switches dropout off: it does not, only model.eval() does)
def evaluate(model: nn.Module, loader) -> float:
    correct, count = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(dim=-1) == yb).sum().item()
            count += len(yb)
    if count == 0:
        raise ValueError("the loader yielded no batches")
    return correct / count

# %% checkpoint_impl  (pickles the whole model object, as many older tutorials do: the file is code, not weights, and torch.load(weights_only=True) refuses it)
def save_model(model: nn.Module, path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model, path)


def load_model(make_model, path) -> nn.Module:
    model = torch.load(path, weights_only=False)
    model.eval()
    return model

# %% evaluate_impl  (restores the mode after the loop, not in finally: errors skip it)
def evaluate(model: nn.Module, loader) -> float:
    was_training = model.training
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(dim=-1) == yb).sum().item()
            count += len(yb)
    if count == 0:
        raise ValueError("the loader yielded no batches")
    model.train(was_training)
    return correct / count
