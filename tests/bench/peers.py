#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer implementations of LossViz's ensemble benchmark workload.

R one-hidden-layer ReLU networks d -> h -> c, softmax cross-entropy, plain SGD (lr), minibatch
n, E epochs over N Gaussian samples with uniform random labels; the epoch's train loss comes
from the minibatches already computed (as LossViz does). He initialisation, zero biases.

  peers.py VARIANT N D H C RUNS EPOCHS BATCH LR THREADS

VARIANT: torch-batched (all models stacked, baddbmm/bmm), torch-batched-bf16 (the same with
every product's operands in bf16, fp32 master weights and elementwise work, as LossViz's
--precision bf16), torch-single (one model at a time), numpy-single (one model at a time). Prints one JSON object: {"variant", "elapsed_s",
"mean_train_loss", "threads", "blas"} or {"variant", "skipped": reason}.
"""
import json
import math
import sys
import time


def _batched_problem(torch, N, D, H, C, R):
    """The data and R two-layer nets (He initialisation) every batched peer starts from."""
    g = torch.Generator().manual_seed(1)
    X = torch.randn(N, D, generator=g)
    y = torch.randint(0, C, (N,), generator=g)
    W1 = torch.randn(R, H, D, generator=g) * math.sqrt(2.0 / D)
    b1 = torch.zeros(R, 1, H)
    W2 = torch.randn(R, C, H, generator=g) * math.sqrt(2.0 / H)
    b2 = torch.zeros(R, 1, C)
    return g, X, y, W1, b1, W2, b2, torch.zeros(R)


def torch_batched(torch, N, D, H, C, R, E, B, lr):
    g, X, y, W1, b1, W2, b2, losses = _batched_problem(torch, N, D, H, C, R)
    t0 = time.perf_counter()
    with torch.no_grad():
        for _ in range(E):
            order = torch.randperm(N, generator=g)
            losses.zero_()
            for s in range(0, N, B):
                idx = order[s:s + B]
                xb = X[idx].unsqueeze(0).expand(R, -1, -1)          # R × n × d (a view)
                yb = y[idx]
                n = xb.shape[1]
                z1 = torch.baddbmm(b1, xb, W1.transpose(1, 2))       # R × n × h
                a1 = torch.relu(z1)
                z2 = torch.baddbmm(b2, a1, W2.transpose(1, 2))       # R × n × c
                logp = torch.log_softmax(z2, dim=2)
                losses -= logp[:, torch.arange(n), yb].sum(1)
                d2 = logp.exp_()
                d2[:, torch.arange(n), yb] -= 1.0
                d2 /= n
                gW2 = torch.bmm(d2.transpose(1, 2), a1)
                gb2 = d2.sum(1, keepdim=True)
                d1 = torch.bmm(d2, W2)
                d1.mul_(z1 > 0)
                gW1 = torch.bmm(d1.transpose(1, 2), xb)
                gb1 = d1.sum(1, keepdim=True)
                W1.add_(gW1, alpha=-lr)
                b1.add_(gb1, alpha=-lr)
                W2.add_(gW2, alpha=-lr)
                b2.add_(gb2, alpha=-lr)
    elapsed = time.perf_counter() - t0
    return elapsed, float((losses / N).mean())


def torch_batched_bf16(torch, N, D, H, C, R, E, B, lr):
    """torch_batched with bf16 operands: weights stay fp32 and are cast per step; products
    come back in bf16 (oneDNN accumulates in fp32) and are widened before elementwise work."""
    g, X, y, W1, b1, W2, b2, losses = _batched_problem(torch, N, D, H, C, R)
    bf = torch.bfloat16
    t0 = time.perf_counter()
    with torch.no_grad():
        for _ in range(E):
            order = torch.randperm(N, generator=g)
            losses.zero_()
            for s in range(0, N, B):
                idx = order[s:s + B]
                xb = X[idx].to(bf).unsqueeze(0).expand(R, -1, -1)
                yb = y[idx]
                n = xb.shape[1]
                W1b, W2b = W1.to(bf), W2.to(bf)
                z1 = torch.bmm(xb, W1b.transpose(1, 2)).float().add_(b1)
                a1 = torch.relu(z1)
                a1b = a1.to(bf)
                z2 = torch.bmm(a1b, W2b.transpose(1, 2)).float().add_(b2)
                logp = torch.log_softmax(z2, dim=2)
                losses -= logp[:, torch.arange(n), yb].sum(1)
                d2 = logp.exp_()
                d2[:, torch.arange(n), yb] -= 1.0
                d2 /= n
                d2b = d2.to(bf)
                gW2 = torch.bmm(d2b.transpose(1, 2), a1b).float()
                gb2 = d2.sum(1, keepdim=True)
                d1 = torch.bmm(d2b, W2b).float()
                d1.mul_(z1 > 0)
                gW1 = torch.bmm(d1.to(bf).transpose(1, 2), xb).float()
                gb1 = d1.sum(1, keepdim=True)
                W1.add_(gW1, alpha=-lr)
                b1.add_(gb1, alpha=-lr)
                W2.add_(gW2, alpha=-lr)
                b2.add_(gb2, alpha=-lr)
    elapsed = time.perf_counter() - t0
    return elapsed, float((losses / N).mean())


def torch_single(torch, N, D, H, C, R, E, B, lr):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(N, D, generator=g)
    y = torch.randint(0, C, (N,), generator=g)
    total = 0.0
    t0 = time.perf_counter()
    with torch.no_grad():
        for _ in range(R):
            W1 = torch.randn(H, D, generator=g) * math.sqrt(2.0 / D)
            b1 = torch.zeros(H)
            W2 = torch.randn(C, H, generator=g) * math.sqrt(2.0 / H)
            b2 = torch.zeros(C)
            for _ in range(E):
                order = torch.randperm(N, generator=g)
                loss = 0.0
                for s in range(0, N, B):
                    idx = order[s:s + B]
                    xb, yb = X[idx], y[idx]
                    n = xb.shape[0]
                    z1 = torch.addmm(b1, xb, W1.t())
                    a1 = torch.relu(z1)
                    z2 = torch.addmm(b2, a1, W2.t())
                    logp = torch.log_softmax(z2, dim=1)
                    ar = torch.arange(n)
                    loss -= float(logp[ar, yb].sum())
                    d2 = logp.exp_()
                    d2[ar, yb] -= 1.0
                    d2 /= n
                    gW2 = d2.t() @ a1
                    gb2 = d2.sum(0)
                    d1 = (d2 @ W2).mul_(z1 > 0)
                    gW1 = d1.t() @ xb
                    gb1 = d1.sum(0)
                    W1.add_(gW1, alpha=-lr)
                    b1.add_(gb1, alpha=-lr)
                    W2.add_(gW2, alpha=-lr)
                    b2.add_(gb2, alpha=-lr)
            total += loss / N
    return time.perf_counter() - t0, total / R


def numpy_single(np, N, D, H, C, R, E, B, lr):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N, D), dtype=np.float32)
    y = rng.integers(0, C, N)
    total = 0.0
    t0 = time.perf_counter()
    for _ in range(R):
        W1 = (rng.standard_normal((H, D)) * math.sqrt(2.0 / D)).astype(np.float32)
        b1 = np.zeros(H, np.float32)
        W2 = (rng.standard_normal((C, H)) * math.sqrt(2.0 / H)).astype(np.float32)
        b2 = np.zeros(C, np.float32)
        for _ in range(E):
            order = rng.permutation(N)
            loss = 0.0
            for s in range(0, N, B):
                idx = order[s:s + B]
                xb, yb = X[idx], y[idx]
                n = xb.shape[0]
                z1 = xb @ W1.T + b1
                a1 = np.maximum(z1, 0)
                z2 = a1 @ W2.T + b2
                z2 -= z2.max(1, keepdims=True)
                e = np.exp(z2)
                ssum = e.sum(1, keepdims=True)
                ar = np.arange(n)
                loss += float(np.log(ssum[:, 0]).sum() - z2[ar, yb].sum())
                d2 = e / ssum
                d2[ar, yb] -= 1.0
                d2 /= n
                gW2 = d2.T @ a1
                gb2 = d2.sum(0)
                d1 = (d2 @ W2) * (z1 > 0)
                gW1 = d1.T @ xb
                gb1 = d1.sum(0)
                W1 -= lr * gW1
                b1 -= lr * gb1
                W2 -= lr * gW2
                b2 -= lr * gb2
        total += loss / N
    return time.perf_counter() - t0, total / R


def main():
    variant = sys.argv[1]
    N, D, H, C, R, E, B = (int(v) for v in sys.argv[2:9])
    lr = float(sys.argv[9])
    threads = int(sys.argv[10])
    out = {"variant": variant, "threads": threads}
    try:
        if variant.startswith("torch"):
            import torch
            torch.set_num_threads(threads)
            out["blas"] = "torch " + torch.__version__
            fn = {"torch-batched": torch_batched, "torch-batched-bf16": torch_batched_bf16,
                  "torch-single": torch_single}[variant]
            elapsed, loss = fn(torch, N, D, H, C, R, E, B, lr)
        else:
            import numpy as np
            out["blas"] = "numpy " + np.__version__
            try:
                import threadpoolctl
                info = threadpoolctl.threadpool_info()
                if info:
                    out["blas"] += " / %s %s %s" % (info[0].get("internal_api"),
                                                    info[0].get("version"),
                                                    info[0].get("architecture"))
            except ImportError:
                pass
            elapsed, loss = numpy_single(np, N, D, H, C, R, E, B, lr)
    except ImportError as e:
        out["skipped"] = "%s (install python3-torch / python3-numpy)" % e
        print(json.dumps(out))
        return
    out["elapsed_s"] = elapsed
    out["mean_train_loss"] = loss
    print(json.dumps(out))


if __name__ == "__main__":
    main()
