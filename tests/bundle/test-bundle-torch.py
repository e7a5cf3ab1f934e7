#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`--model FILE.h5` (issue 13): a PyTorch nn.Sequential of Linear/ReLU layers written with h5py
in the minimal external layout; LossViz's loss, gradient norm and Hessian spectrum at that model
equal PyTorch's own (torch.autograd.functional.hessian) on the same standardised data. Models
whose shapes do not chain or do not fit the dataset give one clear error (exit 2)."""
import os
import tempfile

from lv_bundle_test import Tap, assert_bad_input, need, run_json

h5py, np, torch = need("h5py", "numpy", "torch")


def write_csv(path, rng, n=150, d=5, classes=3):
    labels = rng.integers(0, classes, n)
    x = rng.normal(0, 1.0, (n, d)) + labels[:, None] * 0.8
    with open(path, "w") as f:
        for row, y in zip(x, labels):
            f.write(",".join(f"{v:.6f}" for v in row) + f",{y}\n")
    # Exactly what the CSV loader reads (float32), standardised as LossViz documents it:
    # population mean and std over the training part (here every sample), in double.
    x32 = np.array([[np.float32(f"{v:.6f}") for v in row] for row in x], dtype=np.float32)
    mean = x32.astype(np.float64).mean(axis=0)
    scale = 1.0 / np.sqrt(((x32.astype(np.float64) - mean) ** 2).mean(axis=0))
    return ((x32 - mean) * scale).astype(np.float32), labels


def save_model(path, model, activation="relu", drop_bias_of=None):
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    with h5py.File(path, "w") as f:
        f.attrs["activation"] = activation
        for l, lin in enumerate(linears):
            f[f"layer{l}/weight"] = lin.weight.detach().numpy().astype(np.float32)
            if lin.bias is not None and l != drop_bias_of:
                f[f"layer{l}/bias"] = lin.bias.detach().numpy().astype(np.float32)


def torch_reference(model, x, y):
    """Loss, gradient norm and Hessian eigenvalues of the mean cross-entropy, in float64."""
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    # float32 weights as stored, then float64 arithmetic
    shapes = []
    flat = []
    for lin in linears:
        for p in (lin.weight, lin.bias):
            t = torch.tensor(p.detach().numpy().astype(np.float32), dtype=torch.float64)
            shapes.append(t.shape)
            flat.append(t.reshape(-1))
    theta = torch.cat(flat)
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.int64)

    def loss(th):
        h = xt
        offset = 0
        for l in range(len(linears)):
            (o, i), = [shapes[2 * l]]
            w = th[offset:offset + o * i].reshape(o, i)
            offset += o * i
            b = th[offset:offset + o]
            offset += o
            h = h @ w.T + b
            if l < len(linears) - 1:
                h = torch.relu(h)
        return torch.nn.functional.cross_entropy(h, yt)

    th = theta.clone().requires_grad_(True)
    value = loss(th)
    (grad,) = torch.autograd.grad(value, th)
    hess = torch.autograd.functional.hessian(loss, theta)
    eig = np.linalg.eigvalsh(hess.numpy())
    return value.item(), grad.norm().item(), eig


def check_against_torch(tmp):
    rng = np.random.default_rng(11)
    csv = os.path.join(tmp, "data.csv")
    x, y = write_csv(csv, rng)
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 6),
                                torch.nn.ReLU(), torch.nn.Linear(6, 3))
    path = os.path.join(tmp, "model.h5")
    save_model(path, model)
    loss, gnorm, eig = torch_reference(model, x, y)
    spec = f"csv:{csv}"
    h = run_json("hessian", "--model", path, "--dataset", spec, "--test-fraction", "0",
                 "--method", "full")
    assert h["params"] == 7 * 5 + 7 + 6 * 7 + 6 + 3 * 6 + 3
    assert abs(h["train_loss"] - loss) <= 1e-6 * abs(loss), (h["train_loss"], loss)
    assert abs(h["gradient_norm"] - gnorm) <= 1e-5 * gnorm + 1e-9, (h["gradient_norm"], gnorm)
    ours = np.sort(np.array(h["eigenvalues"]))
    assert ours.shape == eig.shape
    scale = np.abs(eig).max()
    assert np.abs(ours - eig).max() <= 1e-6 * scale, np.abs(ours - eig).max() / scale
    s = run_json("slice", "--model", path, "--dataset", spec, "--test-fraction", "0",
                 "--grid", "3")
    assert abs(s["center"]["train_loss"] - loss) <= 1e-6 * abs(loss)


def check_bad_models(tmp):
    rng = np.random.default_rng(2)
    csv = os.path.join(tmp, "bad.csv")
    write_csv(csv, rng)
    spec = f"csv:{csv}"
    torch.manual_seed(0)
    not_chaining = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(),
                                       torch.nn.Linear(8, 3))
    path = os.path.join(tmp, "chain.h5")
    save_model(path, not_chaining)
    assert_bad_input(["hessian", "--model", path, "--dataset", spec], "do not chain")
    wrong_inputs = torch.nn.Sequential(torch.nn.Linear(4, 7), torch.nn.ReLU(),
                                       torch.nn.Linear(7, 3))
    save_model(path, wrong_inputs)
    assert_bad_input(["slice", "--model", path, "--dataset", spec], "maps 4 inputs to 3 outputs")
    wrong_outputs = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(),
                                        torch.nn.Linear(7, 2))
    save_model(path, wrong_outputs)
    assert_bad_input(["hessian", "--model", path, "--dataset", spec], "needs 3 outputs")
    ok = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    save_model(path, ok, drop_bias_of=1)
    assert_bad_input(["hessian", "--model", path, "--dataset", spec], "all or none")
    save_model(path, ok, activation="swish")
    assert_bad_input(["hessian", "--model", path, "--dataset", spec], "activation")
    assert_bad_input(["hessian", "--model", path], "--model needs --dataset")
    with open(path, "wb") as f:
        f.write(b"\x89HDF\r\n\x1a\n" + b"\0" * 40)
    assert_bad_input(["hessian", "--model", path, "--dataset", spec], "not a readable HDF5")


def main():
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        tap.check("--model: loss, gradient norm and Hessian spectrum equal PyTorch's",
                  lambda: check_against_torch(tmp))
        tap.check("--model: bad models give one clear error", lambda: check_bad_models(tmp))
    tap.done()


main()
