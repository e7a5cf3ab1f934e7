#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Experiment-bundle write of the paper-scale protocol: LossViz (bench-bundle) against h5py
writing the same layout (same groups, attributes, float32 datasets, row chunks, HDF5 1.10
format, then fsync and rename), in the same run. Prints both and the ratio.

  bench-bundle.py --bench PATH/bench-bundle [--runs 1000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

WIDTHS = [25, 50, 100, 250, 500]


def h5py_write(path, runs):
    import h5py
    import numpy as np
    t0 = time.monotonic()
    c0 = time.thread_time()
    tmp = path + ".tmp"
    with h5py.File(tmp, "w", libver=("v110", "v110")) as f:
        f.attrs["format"] = "lossviz-experiment"
        f.attrs["version"] = 2
        for h in WIDTHS:
            w0 = np.zeros((h, 100), np.float32)
            b0 = np.zeros(h, np.float32)
            w1 = np.zeros((10, h), np.float32)
            b1 = np.zeros(10, np.float32)
            for r in range(runs):
                g = f.create_group(f"runs/h{h}/r{r}")
                for k, v in (("hidden", h), ("run", r), ("seed", r), ("epochs_done", 1)):
                    g.attrs[k] = np.int64(v)
                g.attrs["state"] = "finished"
                g.attrs["grad_norm"] = 0.0
                for k in ("train_loss", "test_loss", "test_accuracy"):
                    g[k] = np.zeros(1)
                for l, (w, b) in enumerate(((w0, b0), (w1, b1))):
                    rows = max(1, min(w.shape[0], (1 << 20) // (4 * w.shape[1])))
                    g.create_dataset(f"layer{l}/weight", data=w, chunks=(rows, w.shape[1]))
                    g.create_dataset(f"layer{l}/bias", data=b, chunks=(b.shape[0],))
    fd = os.open(tmp, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    os.rename(tmp, path)
    return dict(bytes=os.path.getsize(path), wall_s=time.monotonic() - t0,
                cpu_s=time.thread_time() - c0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--runs", type=int, default=1000)
    a = ap.parse_args()
    ours = json.loads(subprocess.run([a.bench, "--runs", str(a.runs)], check=True,
                                     capture_output=True, text=True).stdout)
    print(f"lossviz  : {ours['runs']} runs, {ours['bytes'] / 1e6:.1f} MB in "
          f"{ours['wall_s']:.2f} s wall, {ours['cpu_s']:.2f} s CPU")
    try:
        import h5py  # noqa: F401
    except ImportError:
        print("h5py     : missing (apt-get install python3-h5py), no peer")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        peer = h5py_write(os.path.join(tmp, "peer.h5"), a.runs)
    print(f"h5py     : {ours['runs']} runs, {peer['bytes'] / 1e6:.1f} MB in "
          f"{peer['wall_s']:.2f} s wall, {peer['cpu_s']:.2f} s CPU")
    print(f"ratio    : LossViz wall / h5py wall = {ours['wall_s'] / peer['wall_s']:.2f}, "
          f"CPU {ours['cpu_s'] / peer['cpu_s']:.2f}")
    return 0


sys.exit(main())
