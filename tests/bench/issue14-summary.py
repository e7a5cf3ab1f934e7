#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every ratio of issue 14 in one table, from the reports of one `build-aux/bench.sh` run.

  issue14-summary.py BUILD-DIR [--out REPORT.json]

Reads what the benchmarks of that run left in BUILD-DIR: tests/bench/bench-report.json
(run-bench.py: bf16 and per-run training against PyTorch, the KS p-values), the SLQ reports
tests/bench/slq-report-{small,paper}.json, and the benchmarks' console output that bench.sh
keeps (meson-logs/benchmarks-console.txt) for the spin glass (bench-spinglass rows: wall and
CPU time, the contraction's share of the sgemm rate), the loss-view frame and the app window's
frames (bench-window-frames, when the tree has the app and a display). Prints one table (ratio, the same ratio by CPU seconds, goal, met?) plus the
machine and its load average, and writes the combined JSON report. A benchmark that did not
run is listed as missing, never guessed.
"""
import argparse
import datetime
import json
import os
import platform
import re
import sys


def load_json(path, since=None):
    """The report at path, or None when it is missing, unreadable or (with since, seconds since
    the epoch) older than this run: an earlier run's report left in the build directory."""
    try:
        if since is not None and os.path.getmtime(path) < since:
            return None
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def console_log(build):
    """What the benchmarks printed: bench.sh keeps meson's console output (meson streams a
    benchmark's stdout there and leaves it out of its own JSON log when run verbosely)."""
    try:
        with open(os.path.join(build, "meson-logs", "benchmarks-console.txt"),
                  errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def spinglass_rows(stdout):
    """The result rows of bench-spinglass (lambda runs method wall setup cpu steps converged
    GFLOP GFLOP/s share% mean), each with what the lines under it add at Λ = 500: the float
    steps' contraction share of the same-shape and of the 2048² sgemm rate (wall, CPU) and the
    paper run projected from the CPU time onto idle cores."""
    rows = []
    share = re.compile(r"contraction share of the sgemm rate: .* = (\d+)% / (\d+)% of the "
                       r"same-shape sgemm, (\d+)% / (\d+)% of the 2048\^2 sgemm")
    projected = re.compile(r"projected onto (\d+) idle cores: (\d+) s")
    for line in stdout.splitlines():
        f = line.split()
        if len(f) == 12 and f[0].isdigit() and f[2] in ("gd", "sgd"):
            rows.append({"lambda": int(f[0]), "runs": int(f[1]), "method": f[2],
                         "wall_s": float(f[3]), "cpu_s": float(f[5]), "converged": int(f[7]),
                         "gflops": float(f[9]), "share_of_sgemm": float(f[10].rstrip("%")) / 100,
                         "mean_energy_per_spin": float(f[11])})
        elif rows and share.search(line):
            m = share.search(line)
            rows[-1].update({"float_share_of_sgemm": [int(m.group(1)) / 100, int(m.group(2)) / 100],
                             "float_share_of_square_sgemm": [int(m.group(3)) / 100,
                                                             int(m.group(4)) / 100]})
        elif rows and projected.search(line):
            m = projected.search(line)
            rows[-1]["paper_projected_s"] = float(m.group(2))
    return rows


def loss_view(text):
    """The JSON object run-bench-loss-view.py prints (the one with a "lossviz" member)."""
    dec = json.JSONDecoder()
    at = text.find('{\n "lossviz"')
    while at >= 0:
        try:
            obj = dec.raw_decode(text[at:])[0]
            if "lossviz" in obj:
                return obj
        except ValueError:
            pass
        at = text.find('{\n "lossviz"', at + 1)
    return None


def window_frames(text):
    """The JSON lines bench-window-frames prints, by preset (demo, paper)."""
    found = {}
    for line in text.splitlines():
        at = line.find('{"window": ')
        if at >= 0:
            try:
                obj = json.loads(line[at:])
                found[obj.get("preset", "demo")] = obj
            except ValueError:
                pass
    return found


def row(rows, what, ratio, cpu_ratio, goal, better="higher", unit="×"):
    met = None
    if ratio is not None and goal is not None:
        met = ratio >= goal if better == "higher" else ratio <= goal
    rows.append({"what": what, "value": ratio, "cpu_value": cpu_ratio, "goal": goal,
                 "better": better, "unit": unit, "met": met})


def collect(build, since=None):
    bench = os.path.join(build, "tests", "bench")
    rows, missing = [], []
    ens = load_json(os.path.join(bench, "bench-report.json"), since)
    ref = ((ens or {}).get("workloads") or {}).get("reference") or {}
    if "issue14_ratios" in ref:
        for key, r in ref["issue14_ratios"].items():
            row(rows, "reference workload: " + key, r.get("ratio"), r.get("cpu_ratio"),
                r.get("goal"))
    else:
        missing.append("ensemble-vs-peers, reference workload (bench-report.json)")
    cases = ((ens or {}).get("bf16_science") or {}).get("cases") or {}
    for case, c in cases.items():
        for sz in c.get("sizes", []):
            row(rows, "KS p, fp32 vs bf16 final test loss, %s, width %d" % (case, sz["hidden"]),
                sz["ks_p"], None, 0.001, unit="")
    if not cases:
        missing.append("bf16_science (KS fp32 vs bf16)")
    for size in ("small", "paper"):
        slq = load_json(os.path.join(bench, "slq-report-%s.json" % size), since)
        if slq:
            row(rows, "SLQ %s: PyTorch / LossViz" % size, slq.get("ratio_pytorch_over_lossviz"),
                slq.get("cpu_ratio_pytorch_over_lossviz"), 2.0)
            row(rows, "SLQ %s: top eigenvalue rel. diff" % size,
                slq.get("top_eigenvalue_rel_diff"), None, 1e-4, better="lower", unit="")
        else:
            missing.append("slq-vs-pytorch-%s" % size)
    log = console_log(build)
    sg = spinglass_rows(log)
    for r in sg:
        tag = "spin glass p=3 Λ=%d, %s, %d starts" % (r["lambda"], r["method"], r["runs"])
        # Only runs that descended to the tolerance say how long the paper's takes (the width
        # mode caps every start at a few steps to time full-width steps).
        if r["lambda"] == 500 and r["converged"] == r["runs"]:
            # The goal: 1000 starts in ≤ 20 min; shorter runs are scaled to 1000 starts. By CPU:
            # the paper run projected from the CPU time per start-step onto the idle cores.
            cpu_min = (r["paper_projected_s"] / 60 if "paper_projected_s" in r
                       else r["cpu_s"] / 60 * 1000 / r["runs"])
            row(rows, tag + ": minutes per 1000 starts", r["wall_s"] / 60 * 1000 / r["runs"],
                cpu_min, 20.0, better="lower", unit=" min")
        row(rows, tag + ": contraction rate / sgemm rate", r["share_of_sgemm"], None, None,
            unit="")
        if "float_share_of_sgemm" in r:
            row(rows, tag + ": float (delta) steps' contraction / same-shape sgemm",
                *r["float_share_of_sgemm"], None, unit="")
            row(rows, tag + ": float (delta) steps' contraction / 2048² sgemm",
                *r["float_share_of_square_sgemm"], None, unit="")
    if not sg:
        missing.append("spinglass benchmarks")
    # Frame time has no peer: the "peer" is the 16 ms budget (wall, and main-thread CPU).
    win = window_frames(log)
    for preset, what in (("demo", "the demo (4 sizes × 40 runs)"),
                         ("paper", "the paper preset (5 sizes × 1000 runs)")):
        w = win.get(preset)
        if not w:
            missing.append("window-frames%s (needs the app and xvfb-run)"
                           % ("" if preset == "demo" else "-paper"))
            continue
        row(rows, "app window training %s: p99 frame ms" % what,
            w["frame_work_ms"]["p99"], w["frame_cpu_ms"]["p99"], 16.0, better="lower",
            unit=" ms")
        if "new_results_frame_work_ms" in w:
            row(rows, "  frames with new results (%d): p99 ms" % w["new_results_frame_work_ms"]["frames"],
                w["new_results_frame_work_ms"]["p99"], w["new_results_frame_cpu_ms"]["p99"], 16.0,
                better="lower", unit=" ms")
        if w.get("first_frame_after_start_work_ms"):
            row(rows, "  first frame after each Start (%d): slowest ms"
                % len(w["first_frame_after_start_work_ms"]),
                max(w["first_frame_after_start_work_ms"]),
                max(w["first_frame_after_start_cpu_ms"]), 16.0, better="lower", unit=" ms")
    lv = loss_view(log)
    if lv:
        row(rows, "loss-view frame, 5 sizes × 1000 runs: Cairo draw ms (median)",
            lv["lossviz"]["draw_ms"]["median"], None, 2.0, better="lower", unit=" ms")
    else:
        missing.append("loss-view-frame")
    return rows, missing


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "":
        return "%.3g" % v
    return "%.2f%s" % (v, unit)


def cpu_description():
    """The CPU's model name and whether it has AVX512-BF16 and AMX (the bf16 ratios depend on
    them: oneDNN runs AMX tiles where they exist), from /proc/cpuinfo."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return {"model": model, "avx512_bf16": "avx512_bf16" in flags, "amx_bf16": "amx_bf16" in flags}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--out")
    ap.add_argument("--since", type=float,
                    help="ignore JSON reports older than this time (seconds since the epoch): "
                         "build-aux/bench.sh passes its start, so the table is this run's")
    a = ap.parse_args()
    rows, missing = collect(a.build, a.since)
    load = os.getloadavg()
    cpu = cpu_description()
    print("Issue 14, every ratio of this run (%s, %s%s%s, %d CPUs, load average %.1f / %.1f / %.1f)"
          % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), cpu["model"],
             ", AVX512-BF16" if cpu["avx512_bf16"] else "", ", AMX" if cpu["amx_bf16"] else "",
             os.cpu_count(), *load))
    print("  %-68s %12s %12s %12s  %s" % ("", "wall", "by CPU s", "goal", "met"))
    for r in rows:
        goal = "-" if r["goal"] is None else ("%s %s" % ("≥" if r["better"] == "higher" else "≤",
                                                         fmt(r["goal"], r["unit"])))
        print("  %-68s %12s %12s %12s  %s" % (r["what"], fmt(r["value"], r["unit"]),
                                              fmt(r["cpu_value"], r["unit"]), goal,
                                              {True: "yes", False: "NO", None: ""}[r["met"]]))
    for m in missing:
        print("  (not in this run: %s)" % m)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"date": datetime.datetime.utcnow().isoformat() + "Z",
                       "machine": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
                       "load_average": load, "ratios": rows, "missing": missing}, f, indent=2)
        print("report: %s" % a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
