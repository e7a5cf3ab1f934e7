#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`spinglass simulate --out FILE.h5` (issue 13): every start's endpoint is stored (h5py reads
the same numbers the JSON prints); kill -9 mid-run leaves a readable file with the finished
sizes, and `--resume` gives results identical to an uninterrupted run; SIGTERM exits 143 after
a last checkpoint."""
import json
import math
import os
import signal
import subprocess
import tempfile
import time

from lv_bundle_test import Tap, assert_bad_input, cli, need, run

h5py, np = need("h5py", "numpy")

SETTINGS = ["--lambda", "30,60,90,120", "--runs", "40", "--threads", "2"]


def complete_sizes(path):
    try:
        with h5py.File(path, "r") as f:
            return sum(int(g.attrs["complete"]) for g in f["sizes"].values())
    except (OSError, KeyError):
        return -1


def check_endpoints(full, full_json):
    runs = json.loads(full_json)["runs"]
    with h5py.File(full, "r") as f:
        assert f.attrs["format"] == "lossviz-spinglass"
        for r in runs:
            g = f[f"sizes/L{r['lambda']}"]
            k = r["run"]
            assert g["done"][k] == 1
            assert g["energy"][k] == r["energy"]
            assert g["grad_norm"][k] == r["grad_norm"]
            assert g["steps"][k] == r["steps"]
            index = int(g["index"][k])
            assert (r["index"] is None and index == 2**32 - 1) or index == r["index"]


def interrupt(tmp, name, sig):
    path = os.path.join(tmp, name)
    p = subprocess.Popen([cli(), "spinglass", "simulate", *SETTINGS, "--out", path,
                          "--checkpoint", "0", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while complete_sizes(path) < 2:
        assert p.poll() is None, "finished before it could be interrupted"
        assert time.time() < deadline
        time.sleep(0.01)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert 2 <= complete_sizes(path) < 4
    return path, p.returncode, err


def check_resume(tmp, name, sig, full_json):
    path, code, err = interrupt(tmp, name, sig)
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 128 + sig and "--resume" in err, (code, err)
    _, out, _ = run("spinglass", "simulate", "--resume", path, "--threads", "1", "--json")
    assert json.loads(out)["runs"] == json.loads(full_json)["runs"]
    assert complete_sizes(path) == 4


def check_refuses_other_files(tmp, full):
    """A copy whose root says another version, or another format, is refused on --resume."""
    import shutil
    for attr, value, needle in (("version", 99, "spin-glass bundle version 99 is not the version"),
                                ("format", "lossviz-experiment", "not a spin-glass bundle")):
        copy = os.path.join(tmp, f"other-{attr}.h5")
        shutil.copy(full, copy)
        with h5py.File(copy, "r+") as f:
            f.attrs[attr] = value
        assert_bad_input(["spinglass", "simulate", "--resume", copy], needle)


def restart_last_size(path, precision=None):
    """Marks the last size unfinished (as an interrupted run leaves it), optionally rewriting the
    stored precision, and resumes; returns the runs the resumed simulation reports."""
    with h5py.File(path, "r+") as f:
        g = list(f["sizes"].values())[-1]
        g.attrs["complete"] = 0
        g["done"][...] = 0
        if precision is not None:
            f["config"].attrs["precision"] = precision
    _, out, _ = run("spinglass", "simulate", "--resume", path, "--threads", "1", "--json")
    return json.loads(out)["runs"]


def check_precision_kept(tmp, bf16_json):
    """A --bf16 bundle says so and resumes in bf16 (not in mixed precision, which gives other
    endpoints: the check can tell them apart)."""
    import shutil
    path = os.path.join(tmp, "bf16.h5")
    with h5py.File(path, "r") as f:
        assert f["config"].attrs["precision"] == "bf16"
        assert f["config"].attrs["double"] == 0
    full = json.loads(bf16_json)["runs"]
    mixed = os.path.join(tmp, "mixed.h5")
    shutil.copy(path, mixed)
    assert restart_last_size(path) == full
    assert restart_last_size(mixed, "mixed") != full
    with h5py.File(mixed, "r+") as f:
        f["config"].attrs["precision"] = "quad"
    assert_bad_input(["spinglass", "simulate", "--resume", mixed],
                     "'precision' is not double, mixed or bf16")
    with h5py.File(mixed, "r+") as f:
        f["config"].attrs["precision"] = "double"
    assert_bad_input(["spinglass", "simulate", "--resume", mixed],
                     "'precision' and 'double' disagree")


def main():
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "full.h5")
        _, full_json, _ = run("spinglass", "simulate", *SETTINGS, "--out", full, "--json")
        tap.check("every start's endpoint is stored", lambda: check_endpoints(full, full_json))
        tap.check("kill -9 mid-run, then --resume = uninterrupted",
                  lambda: check_resume(tmp, "killed.h5", signal.SIGKILL, full_json))
        tap.check("SIGTERM: last checkpoint, exit 143, then --resume = uninterrupted",
                  lambda: check_resume(tmp, "termed.h5", signal.SIGTERM, full_json))
        tap.check("--resume refuses changed settings",
                  lambda: assert_bad_input(["spinglass", "simulate", "--resume", full,
                                            "--runs", "5"], "--runs would change them"))
        tap.check("--resume refuses another version or format",
                  lambda: check_refuses_other_files(tmp, full))
        code, bf16_json, err = run("spinglass", "simulate", "--lambda", "30,60", "--runs", "8",
                                   "--bf16", "--out", os.path.join(tmp, "bf16.h5"), "--json",
                                   check=False)
        if code == 2 and "bf16" in err:
            tap.skip("a --bf16 bundle resumes in bf16", err.strip())
        else:
            assert code == 0, err
            tap.check("a --bf16 bundle resumes in bf16",
                      lambda: check_precision_kept(tmp, bf16_json))
    tap.done()


main()
