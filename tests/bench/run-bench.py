#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""LossViz ensemble training against PyTorch and numpy, and against the machine's sgemm rate.

  run-bench.py --cli PATH/lossviz-cli --sgemm PATH/bench-sgemm [--out report.json]
               [--threads 2] [--quick] [--keep-coretype]

Runs in one invocation, on the same machine:
  * bench-sgemm: OpenBLAS sgemm GFLOP/s with T pthreads × single-threaded OpenBLAS, for the
    workload's GEMM shapes and a 2048² square product (the "sgemm rate");
  * lossviz-cli ensemble on the reference workload (issue 8: 100 nets 100→100→10 relu,
    softmax CE, SGD lr 0.05, batch 100, one epoch of 60 000 random samples, 2 threads), fused
    (--shared-order) and per-run order;
  * the peers (tests/bench/peers.py): PyTorch batched (baddbmm), PyTorch one model at a time,
    numpy one model at a time — skipped with a message when the module is missing;
  * the same for the digits demo workload (1437 train samples, 64→100→10, batch 32, 10 epochs);
  * issue 14: LossViz in --precision bf16 (fused and per run) and PyTorch batched in bf16, with
    the ratios bf16/fp32 fused, bf16/PyTorch batched fp32 and bf16, per-run/PyTorch batched;
    the oneDNN ISA and kernels (ONEDNN_VERBOSE); and bf16_science.py: fp32 and bf16 per-size
    final-loss distributions (100 runs, digits and fashion-mnist 10×10) compared by KS;
and prints wall time, samples/s, GFLOP/s (6·P·samples), ratios to each peer and the fraction
of the sgemm rate, then writes a JSON report.

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds, see
the environment notes) are unset for every contestant alike, so all use the BLAS kernel
OpenBLAS picks for this CPU; bench-sgemm checks that kernel's results against a double
reference. --keep-coretype keeps the caller's environment instead.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bf16_science  # noqa: E402

WORKLOADS = {
    "reference": dict(dataset="random:60000:100:10", n=60000, d=100, h=100, c=10, runs=100,
                      epochs=1, batch=100, lr=0.05),
    "digits": dict(dataset="digits", n=1437, d=64, h=100, c=10, runs=100, epochs=10, batch=32,
                   lr=0.05),
}


def params_of(w):
    return w["h"] * (w["d"] + 1) + w["c"] * (w["h"] + 1)


def train_flops(w, samples):
    return 6.0 * params_of(w) * samples


def run_json(cmd, env, label):
    """Runs cmd, parses its JSON; adds "cpu_s", the child's user + system CPU seconds (a
    second view next to wall time when other processes load the machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"skipped": "%s: %s" % (label, e)}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        return {"skipped": "%s exited %d: %s" % (label, p.returncode,
                                                  p.stderr.strip().splitlines()[-1:])}
    try:
        out = json.loads(p.stdout)
    except ValueError:
        return {"skipped": "%s printed no JSON" % label}
    if isinstance(out, dict):
        out["cpu_s"] = cpu
    return out


def peer_python():
    """An interpreter that has torch (Debian's python3-torch lives in /usr/bin/python3)."""
    for py in ("/usr/bin/python3", sys.executable, shutil.which("python3")):
        if py and os.path.exists(py):
            ok = subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0
            if ok:
                return py
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def lossviz(cli, w, threads, env, fused, quick, precision="fp32"):
    runs = max(10, w["runs"] // 10) if quick else w["runs"]
    cmd = [cli, "ensemble", "--dataset", w["dataset"], "--test-fraction", "0", "--sizes",
           str(w["h"]), "--runs", str(runs), "--epochs", str(w["epochs"]), "--batch",
           str(w["batch"]), "--lr", str(w["lr"]), "--momentum", "0", "--threads", str(threads),
           "--json"]
    if fused:
        cmd.append("--shared-order")
    if precision != "fp32":
        cmd += ["--precision", precision]
    out = run_json(cmd, env, "lossviz-cli")
    if "skipped" in out:
        return out
    samples = runs * w["epochs"] * out["dataset"]["train"]
    return {"command": " ".join(cmd), "elapsed_s": out["elapsed_s"], "cpu_s": out["cpu_s"],
            "samples": samples,
            "samples_per_s": samples / out["elapsed_s"],
            "gflops": train_flops(w, samples) / out["elapsed_s"] / 1e9,
            "cli_gflops": out["gflops"], "mean_train_loss": out["sizes"][0]["train_loss"]["mean"]}


def peer(py, variant, w, threads, env, quick):
    runs = w["runs"]
    if quick or variant != "torch-batched":
        # One-at-a-time peers cost the same per model: time a tenth of them in quick mode.
        runs = max(10, runs // 10) if quick else runs
    cmd = [py, os.path.join(HERE, "peers.py"), variant, str(w["n"]), str(w["d"]), str(w["h"]),
           str(w["c"]), str(runs), str(w["epochs"]), str(w["batch"]), str(w["lr"]), str(threads)]
    e = dict(env)
    # torch parallelises itself (set_num_threads); numpy's only parallelism is OpenBLAS's.
    e["OPENBLAS_NUM_THREADS"] = "1" if variant.startswith("torch") else str(threads)
    out = run_json(cmd, e, variant)
    if "skipped" in out:
        return out
    samples = runs * w["epochs"] * w["n"]
    out.update(command=" ".join(cmd), samples=samples,
               samples_per_s=samples / out["elapsed_s"],
               gflops=train_flops(w, samples) / out["elapsed_s"] / 1e9)
    return out


def issue14_ratios(res):
    """bf16 vs fp32 fused, bf16 vs PyTorch batched fp32 and its bf16 peer, per-run vs PyTorch
    (issue 14's goals), printed and returned."""
    def ratio(a, b):
        ra, rb = res.get(a, {}), res.get(b, {})
        return ra["gflops"] / rb["gflops"] if "gflops" in ra and "gflops" in rb else None
    rows = [("lossviz-fused-bf16", "lossviz-fused", 2.5),
            ("lossviz-fused-bf16", "torch-batched", 6.0),
            ("lossviz-fused-bf16", "torch-batched-bf16", None),
            ("torch-batched-bf16", "torch-batched", None),
            ("lossviz-per-run", "torch-batched", 2.0),
            ("lossviz-per-run-bf16", "lossviz-per-run", None)]
    def cpu_ratio(a, b):
        # Same work on both sides (samples differ only in --quick): speed ratio by CPU seconds.
        ra, rb = res.get(a, {}), res.get(b, {})
        if "cpu_s" not in ra or "cpu_s" not in rb or "samples" not in ra or "samples" not in rb:
            return None
        return (ra["samples"] / ra["cpu_s"]) / (rb["samples"] / rb["cpu_s"])
    out = {}
    print("  speed ratios (wall time; by CPU seconds in brackets):")
    for a, b, goal in rows:
        r, rc = ratio(a, b), cpu_ratio(a, b)
        key = "%s / %s" % (a, b)
        out[key] = {"ratio": r, "cpu_ratio": rc, "goal": goal}
        print("  %-44s = %s [%s]%s" % (key, "%.2f×" % r if r else "-",
                                       "%.2f×" % rc if rc else "-",
                                       "   (goal ≥ %g×: %s)" % (goal, "met" if r and r >= goal
                                                              else "NOT met") if goal else ""))
    return out


def onednn_isa(cli, env):
    """Which oneDNN kernels bf16 training runs: a tiny bf16 ensemble under ONEDNN_VERBOSE=1
    (oneDNN then prints its ISA and each primitive's implementation on stdout)."""
    e = dict(env, ONEDNN_VERBOSE="1")
    cmd = [cli, "ensemble", "--dataset", "random:200:100:10", "--sizes", "100", "--runs", "4",
           "--epochs", "1", "--batch", "100", "--shared-order", "--precision", "bf16",
           "--threads", "1"]
    try:
        p = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as ex:
        return {"skipped": str(ex)}
    isa = [l.split(",", 3)[-1] for l in p.stdout.splitlines()
           if l.startswith("onednn_verbose,info,cpu,isa")]
    impls = sorted({l.split(",")[4] for l in p.stdout.splitlines()
                    if l.startswith("onednn_verbose,exec,cpu,matmul")})
    return {"isa": isa[0] if isa else None, "matmul_implementations": impls,
            "exit_code": p.returncode}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--sgemm", required=True)
    ap.add_argument("--out", default="bench-report.json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="a tenth of the runs (smoke test)")
    ap.add_argument("--keep-coretype", action="store_true")
    ap.add_argument("--workloads", default="reference,digits")
    ap.add_argument("--no-science", action="store_true",
                    help="skip the fp32/bf16 loss-distribution comparison (bf16_science.py)")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up as it happens

    env = dict(os.environ)
    if not a.keep_coretype:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    report = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
              "machine": "%s, %s, %d cores" % (platform.node(), platform.processor() or
                                               platform.machine(), os.cpu_count()),
              "threads": a.threads, "unset_openblas_coretype": not a.keep_coretype,
              "load_average": os.getloadavg(), "workloads": {}}
    if os.getloadavg()[0] > (os.cpu_count() or 1) * 0.5:
        print("WARNING: load average %.1f on %d cores: other processes share the CPUs, wall "
              "times are pessimistic and ratios noisy" % (os.getloadavg()[0], os.cpu_count()))
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    report["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    sg = run_json([a.sgemm, "--threads", str(a.threads), "--seconds", "1"], env, "bench-sgemm")
    report["sgemm"] = sg
    peak = sg.get("peak_gflops")
    bad = [s for s in sg.get("shapes", []) if s["max_rel_error"] > 1e-4]
    if bad:
        print("WARNING: this OpenBLAS kernel computes wrong sgemm results: %s" % bad)
    print("OpenBLAS: %s" % sg.get("openblas", sg.get("skipped")))
    for s in sg.get("shapes", []):
        print("  sgemm %-34s %8.1f GFLOP/s (%d threads)" % (s["name"], s["gflops"], a.threads))

    py = peer_python()
    for name in a.workloads.split(","):
        w = WORKLOADS[name]
        res = {"workload": dict(w, params=params_of(w)),
               "lossviz-fused": lossviz(a.cli, w, a.threads, env, True, a.quick),
               "lossviz-per-run": lossviz(a.cli, w, a.threads, env, False, a.quick),
               "lossviz-fused-bf16": lossviz(a.cli, w, a.threads, env, True, a.quick, "bf16"),
               "lossviz-per-run-bf16": lossviz(a.cli, w, a.threads, env, False, a.quick,
                                               "bf16")}
        for v in ("torch-batched", "torch-batched-bf16", "torch-single", "numpy-single"):
            res[v] = peer(py, v, w, a.threads, env, a.quick)
        report["workloads"][name] = res

        print("\n%s workload: %d nets %d→%d→%d, batch %d, %d epoch(s) of %d samples, %d threads"
              % (name, w["runs"], w["d"], w["h"], w["c"], w["batch"], w["epochs"], w["n"],
                 a.threads))
        print("%-20s %10s %8s %13s %9s %11s  %s" % ("", "wall s", "cpu s", "samples/s",
                                                       "GFLOP/s", "of sgemm",
                                                       "mean train loss"))
        for k, r in res.items():
            if k == "workload":
                continue
            if "skipped" in r:
                print("%-20s skipped: %s" % (k, r["skipped"]))
                continue
            frac = "%10.0f%%" % (100 * r["gflops"] / peak) if peak else "%11s" % "-"
            print("%-20s %10.3f %8.2f %13.0f %9.1f %s  %.4f"
                  % (k, r["elapsed_s"], r.get("cpu_s", float("nan")), r["samples_per_s"],
                     r["gflops"], frac, r["mean_train_loss"]))
        fused = res["lossviz-fused"]
        if "gflops" in fused:
            ratios = {}
            for k in ("torch-batched", "torch-single", "numpy-single", "lossviz-per-run"):
                if "gflops" in res[k]:
                    ratios[k] = fused["gflops"] / res[k]["gflops"]
                    print("  LossViz fused / %-15s = %.2f×" % (k, ratios[k]))
            if peak:
                fused["fraction_of_sgemm"] = fused["gflops"] / peak
            fused["ratios"] = ratios
            best = max((res[k]["gflops"] for k in ("torch-batched", "torch-single")
                        if "gflops" in res[k]), default=None)
            if best:
                fused["ratio_to_best_torch"] = fused["gflops"] / best
                print("  goal ≥ 2× best PyTorch: %.2f×; goal ≥ 70%% of sgemm: %s"
                      % (fused["gflops"] / best,
                         "%.0f%%" % (100 * fused["gflops"] / peak) if peak else "-"))
        res["issue14_ratios"] = issue14_ratios(res)

    if not a.no_science:
        report["bf16_science"] = bf16_science.compare(a.cli, a.threads, env, a.quick)
    report["onednn_isa"] = onednn_isa(a.cli, env)
    print("\noneDNN (ONEDNN_VERBOSE=1): %s" % report["onednn_isa"])

    report["load_average_end"] = os.getloadavg()
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2)
    print("\nreport: %s" % os.path.abspath(a.out))


if __name__ == "__main__":
    main()
