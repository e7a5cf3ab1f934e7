#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""SLQ benchmark: LossViz vs PyTorch on the same problem, in the same run.

Runs bench-slq (LossViz: exact R-operator Hessian-vector products in double, probes in parallel
on its worker pool), then the same computation in PyTorch (float64, Hessian-vector products by
double backward through a retained create_graph gradient, the same Lanczos with full
reorthogonalisation, the same Rademacher probes read from LossViz's files, torch threads = T).
Checks that the numbers agree (top eigenvalue to 1e-4 relative, trace within its standard
error) and prints the time ratio PyTorch / LossViz (goal >= 2).

  bench-slq.py --bench BENCH-SLQ [--size small|paper] [--threads T] [--out REPORT.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

SIZES = {
    # N samples, D inputs, H hidden, C classes, probes, Lanczos steps
    "small": (1000, 64, 100, 10, 4, 30),
    # ~55 000 parameters, the paper's largest network size (784 -> 70 -> 10 = 55 640)
    "paper": (2000, 784, 70, 10, 4, 40),
}

PEER = r"""
import json, sys, time
import numpy as np
import torch
d, N, D, H, C, P, M, T = sys.argv[1], *map(int, sys.argv[2:9])
torch.set_num_threads(T)
ld = lambda name, *shape: torch.from_numpy(np.fromfile(f"{d}/{name}", dtype=np.float64).reshape(*shape))
X, y = ld("x.f64", N, D), ld("y.f64", N).long()
params = [ld("w1.f64", H, D), ld("b1.f64", H), ld("w2.f64", C, H), ld("b2.f64", C)]
for p in params:
    p.requires_grad_(True)
probes = ld("probes.f64", P, -1)
n = probes.shape[1]
t0, c0 = time.perf_counter(), time.process_time()
out = torch.tanh(X @ params[0].T + params[1]) @ params[2].T + params[3]
loss = torch.nn.functional.cross_entropy(out, y)
grads = torch.autograd.grad(loss, params, create_graph=True)
def hvp(v):
    parts, o = [], 0
    for p in params:
        parts.append(v[o:o + p.numel()].view_as(p)); o += p.numel()
    hv = torch.autograd.grad(grads, params, grad_outputs=parts, retain_graph=True)
    return torch.cat([h.reshape(-1) for h in hv])
tmax, tmin, quads = -float("inf"), float("inf"), []
for k in range(P):
    Q = torch.zeros(M + 1, n, dtype=torch.float64)
    Q[0] = probes[k] / probes[k].norm()
    alpha, beta, m, scale = [], [], 0, 0.0
    for j in range(M):
        w = hvp(Q[j])
        a = float(Q[j] @ w)
        w = w - a * Q[j] - (beta[j - 1] * Q[j - 1] if j > 0 else 0)
        for _ in range(2):
            w = w - Q[:j + 1].T @ (Q[:j + 1] @ w)
        b = float(w.norm())
        alpha.append(a); beta.append(b); m = j + 1
        scale = max(scale, abs(a) + b + (beta[j - 1] if j > 0 else 0))
        if b <= 1e-12 * scale:
            break
        Q[j + 1] = w / b
    T_ = torch.diag(torch.tensor(alpha, dtype=torch.float64))
    for i in range(m - 1):
        T_[i, i + 1] = T_[i + 1, i] = beta[i]
    theta, V = torch.linalg.eigh(T_)
    tau = V[0] ** 2
    tmax, tmin = max(tmax, float(theta[-1])), min(tmin, float(theta[0]))
    quads.append(n * float((tau * theta).sum()))
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
q = np.array(quads)
se = float(q.std(ddof=1) / np.sqrt(len(q))) if len(q) > 1 else float("nan")
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "max_eigenvalue": tmax, "min_eigenvalue": tmin,
                  "trace": float(q.mean()), "trace_std_error": se, "torch": torch.__version__,
                  "threads": torch.get_num_threads()}))
"""


def torch_python():
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and subprocess.run([exe, "-c", "import torch, numpy"],
                                  capture_output=True).returncode == 0:
            return exe
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--size", default="small", choices=sorted(SIZES))
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out")
    a = ap.parse_args()
    N, D, H, C, P, M = SIZES[a.size]
    args = [str(v) for v in (N, D, H, C, P, M, a.threads)]
    py = torch_python()
    if py is None:
        print("bench-slq: PyTorch not installed (build-aux/install-deps.sh bench); skipped")
        return 77
    with tempfile.TemporaryDirectory() as d:
        lv = json.loads(subprocess.run([a.bench, d, *args], check=True, capture_output=True,
                                       text=True).stdout)
        t0 = time.perf_counter()
        pt = json.loads(subprocess.run([py, "-c", PEER, d, *args], check=True,
                                       capture_output=True, text=True).stdout)
        peer_wall = time.perf_counter() - t0
    top_rel = abs(lv["max_eigenvalue"] - pt["max_eigenvalue"]) / abs(pt["max_eigenvalue"])
    trace_diff = abs(lv["trace"] - pt["trace"])
    trace_ok = trace_diff <= max(lv["trace_std_error"], pt["trace_std_error"])
    ratio = pt["seconds"] / lv["seconds"]
    cpu_ratio = pt["cpu_seconds"] / lv["cpu_seconds"]
    report = {"size": a.size, "samples": N, "inputs": D, "hidden": H, "classes": C,
              "params": lv["params"], "probes": P, "lanczos_steps": M, "threads": a.threads,
              "lossviz": lv, "pytorch": pt, "pytorch_process_wall_s": peer_wall,
              "ratio_pytorch_over_lossviz": ratio,
              "cpu_ratio_pytorch_over_lossviz": cpu_ratio, "top_eigenvalue_rel_diff": top_rel,
              "trace_abs_diff": trace_diff, "agree": top_rel <= 1e-4 and trace_ok}
    print(f"SLQ {a.size}: {lv['params']} parameters, {N} samples, {P} probes x {M} Lanczos steps, "
          f"{a.threads} threads")
    print(f"  LossViz  {lv['seconds']:8.2f} s   top eigenvalue {lv['max_eigenvalue']:.10g}   "
          f"trace {lv['trace']:.6g} +- {lv['trace_std_error']:.2g}")
    print(f"  PyTorch  {pt['seconds']:8.2f} s   top eigenvalue {pt['max_eigenvalue']:.10g}   "
          f"trace {pt['trace']:.6g} +- {pt['trace_std_error']:.2g}   (torch {pt['torch']})")
    print(f"  CPU time: LossViz {lv['cpu_seconds']:.2f} s, PyTorch {pt['cpu_seconds']:.2f} s "
          f"(ratio {cpu_ratio:.2f}x; a fairer figure when the machine is shared)")
    print(f"  PyTorch / LossViz = {ratio:.2f}x wall (goal >= 2); top eigenvalue rel. diff "
          f"{top_rel:.2e} (<= 1e-4); trace diff {trace_diff:.3g} "
          f"({'within' if trace_ok else 'OUTSIDE'} the error bar)")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(report, f, indent=2)
    return 0 if report["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
