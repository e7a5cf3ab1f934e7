#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""h5py reads an experiment bundle, and a numpy forward pass over each run's stored weights,
applied to the raw CSV samples through the stored preprocessing (test indices, mean, scale),
reproduces each run's stored final test loss (issue 13)."""
import os
import tempfile

from lv_bundle_test import Tap, assert_bad_input, need, run, run_json

h5py, np = need("h5py", "numpy")


def write_csv(path, rng):
    """Three Gaussian blobs in 5 dimensions with a constant column; label last."""
    n = 240
    labels = rng.integers(0, 3, n)
    centres = rng.normal(0, 2.0, (3, 5))
    x = centres[labels] + rng.normal(0, 1.0, (n, 5))
    x[:, 2] = 7.0  # constant: standardisation maps it to 0 (scale 0)
    with open(path, "w") as f:
        for row, y in zip(x, labels):
            f.write(",".join(f"{v:.6f}" for v in row) + f",{y}\n")
    return x.astype(np.float32), labels


def forward(f, run_group, depth, x, activation):
    h = x
    for l in range(depth + 1):
        w = np.asarray(run_group[f"layer{l}/weight"], dtype=np.float64)
        b = np.asarray(run_group[f"layer{l}/bias"], dtype=np.float64)
        h = h @ w.T + b
        if l < depth:
            h = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation](h)
    return h


def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


def check_forward(tmp, activation, depth):
    rng = np.random.default_rng(5)
    csv = os.path.join(tmp, "blobs.csv")
    x_raw, labels = write_csv(csv, rng)
    out = os.path.join(tmp, f"exp-{activation}.h5")
    run("ensemble", "--dataset", f"csv:{csv}", "--sizes", "4,9", "--runs", "3", "--epochs", "5",
        "--depth", str(depth), "--activation", activation, "--test-fraction", "0.25",
        "--out", out, "--deflate", "4")
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "lossviz-experiment" and f.attrs["version"] == 2
        prep = f["preprocessing"]
        test = np.asarray(prep["test_indices"])
        mean, scale = np.asarray(prep["mean"]), np.asarray(prep["scale"])
        assert scale[2] == 0.0
        x = ((x_raw[test].astype(np.float64) - mean) * scale).astype(np.float32)
        y = labels[test]
        checked = 0
        for h in f["config"].attrs["sizes"]:
            for r in range(3):
                g = f[f"runs/h{h}/r{r}"]
                assert g.attrs["state"] == "finished"
                assert g["layer0/weight"].shape == (h, 5) and g["layer0/weight"].dtype == np.float32
                stored = g["test_loss"][-1]
                ours = cross_entropy(forward(f, g, depth, x.astype(np.float64), activation), y)
                assert abs(ours - stored) <= 1e-5 * max(1.0, abs(stored)), (h, r, ours, stored)
                checked += 1
        assert checked == 6


def check_from(tmp):
    """--from examines a stored run: its slice centre is the run's stored test loss, and its
    Hessian equals --model on the same weights copied out with h5py."""
    csv = os.path.join(tmp, "blobs.csv")
    out = os.path.join(tmp, "exp-relu.h5")
    common = ["--test-fraction", "0.25"]
    s = run_json("slice", "--from", out, "--hidden", "9", "--run", "1", "--grid", "3")
    with h5py.File(out, "r") as f:
        g = f["runs/h9/r1"]
        stored = g["test_loss"][-1]
        model = os.path.join(tmp, "copied.h5")
        with h5py.File(model, "w") as m:
            m.attrs["activation"] = "relu"
            for l in range(2):
                for k in ("weight", "bias"):
                    m[f"layer{l}/{k}"] = g[f"layer{l}/{k}"][()]
    # The stored loss was evaluated by the training block (several nets in one product), the
    # slice centre by one network alone: same fp32 arithmetic, other summation order.
    assert abs(s["center"]["test_loss"] - stored) <= 1e-6 * abs(stored), (s["center"], stored)
    a = run_json("hessian", "--from", out, "--hidden", "9", "--run", "1")
    b = run_json("hessian", "--model", model, "--dataset", f"csv:{csv}", *common)
    assert a["eigenvalues"] == b["eigenvalues"] and a["train_loss"] == b["train_loss"]
    assert_bad_input(["hessian", "--from", out, "--hidden", "5", "--run", "0"],
                     "no run 0 of hidden width 5")
    assert_bad_input(["slice", "--from", out, "--hidden", "9", "--run", "3"], "runs 0 to 2")
    assert_bad_input(["slice", "--run", "1"], "--run needs --from")
    with open(out, "rb") as f:
        head = f.read(2000)
    trunc = os.path.join(tmp, "truncated.h5")
    with open(trunc, "wb") as f:
        f.write(head)
    assert_bad_input(["slice", "--from", trunc, "--hidden", "9"], "truncated.h5")


def main():
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        tap.check("relu, 1 hidden layer: numpy test loss = stored",
                  lambda: check_forward(tmp, "relu", 1))
        tap.check("tanh, 2 hidden layers: numpy test loss = stored",
                  lambda: check_forward(tmp, "tanh", 2))
        tap.check("--from: slice centre = stored test loss; Hessian = --model on the same weights",
                  lambda: check_from(tmp))
    tap.done()


main()
