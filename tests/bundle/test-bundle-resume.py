#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checkpoint and resume (issue 13): kill -9 during a checkpointed `ensemble --out FILE.h5`
leaves a file that opens and holds the runs of its last checkpoint; `--resume` then gives
per-run results and weights bit-identical to an uninterrupted run. SIGTERM writes a last
checkpoint and exits 143."""
import json
import os
import signal
import subprocess
import tempfile
import time

from lv_bundle_test import Tap, assert_bad_input, cli, need, run

h5py, np = need("h5py", "numpy")

# One run per task (--fuse-block 1) and enough epochs that runs end one by one over a few
# seconds: with blocks of 10 the 20 runs end in two bursts ~0.1 s apart, and the signal could
# only ever land after the whole experiment.
CONFIG = ["--dataset", "digits", "--sizes", "10,40", "--runs", "10", "--epochs", "150",
          "--threads", "2", "--fuse-block", "1"]


def runs_of(json_text):
    return json.loads(json_text)["runs"]


def weights(path):
    """Every finished run's parameters and curves, keyed by its path."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = np.asarray(obj)
        f.visititems(visit)
        states = {f"h{h}/r{r}": f[f"runs/h{h}/r{r}"].attrs["state"]
                  for h in f["config"].attrs["sizes"] for r in range(10)}
    return out, states


def runs_done(path):
    try:
        with h5py.File(path, "r") as f:
            return int(f.attrs["runs_done"])
    except (OSError, KeyError):
        return -1  # not written yet (the rename makes it appear whole)


def interrupt(path, sig, min_done):
    """Starts a checkpointed run, signals it once a checkpoint holds >= min_done runs."""
    p = subprocess.Popen([cli(), "ensemble", *CONFIG, "--out", path, "--checkpoint", "0",
                          "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while runs_done(path) < min_done:
        assert p.poll() is None, "finished before it could be interrupted"
        assert time.time() < deadline
        time.sleep(0.01)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    return p.returncode, err


def compare_with_uninterrupted(tmp, partial, full, full_json):
    code, out, err = run("ensemble", "--resume", partial, "--json")
    assert runs_of(out) == runs_of(full_json), "per-run results differ"
    a, states = weights(partial)
    b, _ = weights(full)
    assert all(s == "finished" for s in states.values())
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def check_kill9(tmp, full, full_json):
    partial = os.path.join(tmp, "killed.h5")
    code, _ = interrupt(partial, signal.SIGKILL, 3)
    assert code == -signal.SIGKILL
    # The file opens and holds every run of its last checkpoint, with weights.
    done = runs_done(partial)
    _, states = weights(partial)
    finished = [k for k, s in states.items() if s == "finished"]
    assert 3 <= done < 20 and len(finished) >= 3, (done, states)
    with h5py.File(partial, "r") as f:
        for k in finished:
            assert f[f"runs/{k}/layer1/weight"].shape[0] == 10
    compare_with_uninterrupted(tmp, partial, full, full_json)


def check_sigterm(tmp, full, full_json):
    partial = os.path.join(tmp, "termed.h5")
    code, err = interrupt(partial, signal.SIGTERM, 2)
    assert code == 128 + signal.SIGTERM, (code, err)
    assert "--resume" in err, err
    assert 2 <= runs_done(partial) < 20
    compare_with_uninterrupted(tmp, partial, full, full_json)


def check_refusals(tmp, full):
    assert_bad_input(["ensemble", "--resume", full, "--epochs", "3"], "--epochs would change it")
    assert_bad_input(["ensemble", "--resume", os.path.join(tmp, "none.h5")], "no such file")


def main():
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "full.h5")
        _, full_json, _ = run("ensemble", *CONFIG, "--out", full, "--json")
        tap.check("kill -9 mid-run, then --resume = uninterrupted",
                  lambda: check_kill9(tmp, full, full_json))
        tap.check("SIGTERM writes a last checkpoint (exit 143), --resume = uninterrupted",
                  lambda: check_sigterm(tmp, full, full_json))
        tap.check("--resume refuses configuration options and missing files",
                  lambda: check_refusals(tmp, full))
    tap.done()


if __name__ == "__main__":
    main()
