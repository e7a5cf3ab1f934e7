#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The loss view's frame (5 sizes x 1000 runs) against numpy computing the same figure data.

  run-bench-loss-view.py PATH/bench-loss-view [--sizes 5] [--runs 1000] [--frames 200]

bench-loss-view times lv_plot_ensemble_update (the models at one epoch: per-size histogram
values, mean, std, Pearson r) and the Cairo drawing of the four figures. The peer, numpy,
computes only the figures' data from the same kind of records (one epoch's column, 18-bin
histograms over a shared range, mean, sample std and Pearson r per size): the ratio says what
the whole frame (data + pixels) costs relative to the data alone in numpy.
"""
import argparse
import json
import subprocess
import sys
import time


def numpy_peer(sizes, runs, frames, epochs=20):
    try:
        import numpy as np
    except ImportError:
        return None
    rng = np.random.default_rng(7)
    test = np.abs(rng.normal(0.3, 0.05, size=(sizes, runs, epochs)))
    train = 0.8 * test
    times = []
    for f in range(frames + 5):
        e = f % epochs
        t0 = time.perf_counter()
        x = test[:, :, e]
        y = train[:, :, e]
        lo, hi = x.min(), x.max()
        for s in range(sizes):
            np.histogram(x[s], bins=18, range=(lo, hi))
        x.mean(axis=1)
        x.std(axis=1, ddof=1)
        for s in range(sizes):
            np.corrcoef(x[s], y[s])
        if f >= 5:
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {"median": times[len(times) // 2], "p99": times[min(int(0.99 * len(times)),
                                                                 len(times) - 1)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--sizes", type=int, default=5)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--frames", type=int, default=200)
    a = ap.parse_args()
    out = subprocess.run([a.bench, "--sizes", str(a.sizes), "--runs", str(a.runs),
                          "--frames", str(a.frames)], capture_output=True, text=True, check=True)
    ours = json.loads(out.stdout)
    peer = numpy_peer(a.sizes, a.runs, a.frames)
    report = {"lossviz": ours, "numpy_data_only_ms": peer}
    if peer is not None:
        report["ratio_frame_to_numpy_data"] = ours["frame_ms"]["median"] / peer["median"]
        report["ratio_update_to_numpy_data"] = ours["update_ms"]["median"] / peer["median"]
    print(json.dumps(report, indent=1))
    print("loss view, %d sizes x %d runs: update %.2f ms, Cairo draw %.2f ms (p99 %.2f), "
          "frame %.2f ms (median)%s" % (
              a.sizes, a.runs, ours["update_ms"]["median"], ours["draw_ms"]["median"],
              ours["draw_ms"]["p99"], ours["frame_ms"]["median"],
              "" if peer is None else "; numpy data alone %.2f ms" % peer["median"]),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
