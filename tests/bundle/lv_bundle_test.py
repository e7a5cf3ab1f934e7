# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the Python bundle tests (issue 13): run lossviz-cli, skip cleanly (exit 77)
when a Python module is missing, TAP-style output."""
import json
import os
import subprocess
import sys

SKIP = 77


def need(*modules):
    """Imports the modules or exits 77 (meson's "skipped") with a message."""
    loaded = []
    for name in modules:
        try:
            loaded.append(__import__(name))
        except ImportError:
            print(f"1..0 # SKIP python module {name} is missing (apt-get install python3-{name})")
            sys.exit(SKIP)
    return loaded


def cli():
    return os.environ["LOSSVIZ_CLI"]


def run(*args, check=True):
    """Runs lossviz-cli; returns (exit code, stdout, stderr)."""
    p = subprocess.run([cli(), *args], capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"lossviz-cli {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    return json.loads(run(*args, "--json")[1])


def assert_bad_input(args, needle):
    code, _, err = run(*args, check=False)
    assert code == 2, f"exit {code}, stderr {err!r}"
    assert err.startswith("lossviz-cli: error: ") and err.count("\n") == 1, err
    assert needle in err, f"{needle!r} not in {err!r}"


class Tap:
    """Minimal TAP: ok/not ok lines, a plan at the end, exit 1 on any failure."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, name, fn):
        self.n += 1
        try:
            fn()
            print(f"ok {self.n} {name}")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            self.failed += 1
            print(f"not ok {self.n} {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
        sys.stdout.flush()

    def skip(self, name, reason):
        self.n += 1
        print(f"ok {self.n} {name} # SKIP {reason}")
        sys.stdout.flush()

    def done(self):
        print(f"1..{self.n}")
        sys.exit(1 if self.failed else 0)
