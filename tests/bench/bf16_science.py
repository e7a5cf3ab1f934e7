#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Does bf16 change the science? fp32 and bf16 ensembles, per-size final-loss distributions
compared by the two-sample Kolmogorov–Smirnov test (issue 14).

  bf16_science.py --cli PATH/lossviz-cli [--threads 2] [--quick] [--out science.json]

For digits (sizes 5,25,100, 10 epochs, per-run order) and fashion-mnist --downsample 10
(sizes 5,25,100, 1 epoch, --shared-order), 100 runs per size, all with --seed 1 (so one data
split and, with --shared-order, one minibatch order — the experiment's fixed parts): fp32 runs
0–99 against bf16 runs 100–199 (--first-run 100: independent initialisations, and in per-run
mode independent orders, so the two samples are independent and KS applies as is), per size,
on the final test loss; plus the same-run mean shift (bf16 − fp32 on runs 0–99) against the
spread across runs. (Different --seed values would also change the split and the shared
order, a common random effect of all runs of an ensemble: not what is compared here.)
The KS p-value is computed here (exact lattice-path count, independent of LossViz's C code).
Under "same distribution" p is uniform: a single p below 0.05 in a dozen is expected noise;
a real effect shows as p ≪ 0.01 across sizes.
"""
import argparse
import bisect
import json
import math
import os
import subprocess
import sys

CASES = {
    "digits": dict(args=["--dataset", "digits", "--sizes", "5,25,100", "--epochs", "10"]),
    "fashion-mnist-10x10": dict(args=["--dataset", "fashion-mnist", "--downsample", "10",
                                      "--sizes", "5,25,100", "--epochs", "1",
                                      "--shared-order"]),
}


def ks_statistic(x, y):
    xs, ys = sorted(x), sorted(y)
    return max(abs(bisect.bisect_right(xs, t) / len(xs) - bisect.bisect_right(ys, t) / len(ys))
               for t in xs + ys)


def ks_p_value(d, n, m):
    """Exact P(D ≥ d) for continuous samples (Kim & Jennrich; R's psmirnov)."""
    if d <= 0:
        return 1.0
    if n > m:
        n, m = m, n
    q = (0.5 + math.floor(d * n * m - 1e-7)) / (n * m)
    u = [0.0 if j / m > q else 1.0 for j in range(m + 1)]
    for i in range(1, n + 1):
        w = i / (i + m)
        u[0] = 0.0 if i / n > q else w * u[0]
        for j in range(1, m + 1):
            u[j] = 0.0 if abs(i / n - j / m) > q else w * u[j] + u[j - 1]
    return min(1.0, max(0.0, 1.0 - u[m]))


def run(cli, args, precision, first_run, runs, threads, env):
    cmd = [cli, "ensemble"] + args + ["--runs", str(runs), "--seed", "1", "--first-run",
                                      str(first_run), "--precision", precision, "--threads",
                                      str(threads), "--json"]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=7200)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    out = json.loads(p.stdout)
    by_size = {}
    for r in out["runs"]:
        by_size.setdefault(r["hidden"], []).append(r["test_loss"])
    return by_size, " ".join(cmd), out["elapsed_s"]


def compare(cli, threads, env, quick=False):
    runs = 20 if quick else 100
    report = {"runs": runs, "cases": {}}
    print("\nbf16 vs fp32 final test-loss distributions (KS, %d runs per size)" % runs)
    for name, case in CASES.items():
        try:
            f1, cmd_f, t_f = run(cli, case["args"], "fp32", 0, runs, threads, env)
            b2, cmd_b, t_b = run(cli, case["args"], "bf16", runs, runs, threads, env)
            b1, _, _ = run(cli, case["args"], "bf16", 0, runs, threads, env)
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
            report["cases"][name] = {"skipped": str(e)}
            print("  %s: skipped: %s" % (name, e))
            continue
        sizes = []
        for h in sorted(f1):
            x = [v for v in f1[h] if v is not None and math.isfinite(v)]
            y = [v for v in b2[h] if v is not None and math.isfinite(v)]
            d = ks_statistic(x, y)
            p = ks_p_value(d, len(x), len(y))
            pairs = [(a, b) for a, b in zip(f1[h], b1[h]) if a is not None and b is not None]
            shift = sum(b - a for a, b in pairs) / max(len(pairs), 1)
            mean = sum(x) / len(x)
            spread = math.sqrt(sum((v - mean) ** 2 for v in x) / max(len(x) - 1, 1))
            sizes.append({"hidden": h, "ks_d": d, "ks_p": p, "fp32_mean": mean,
                          "bf16_mean": sum(y) / len(y), "same_run_shift": shift,
                          "fp32_std": spread})
            print("  %-20s h=%-4d KS D=%.3f p=%.3f   fp32 mean %.4f  bf16 mean %.4f   "
                  "same-run shift %+.2g (spread %.2g)"
                  % (name, h, d, p, mean, sum(y) / len(y), shift, spread))
        report["cases"][name] = {"fp32_command": cmd_f, "bf16_command": cmd_b,
                                 "fp32_elapsed_s": t_f, "bf16_elapsed_s": t_b, "sizes": sizes}
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    rep = compare(a.cli, a.threads, dict(os.environ), a.quick)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(rep, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
