#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmarks: installs the peers (python3-torch, python3-numpy), builds an optimised tree and
# runs every meson benchmark() — ensemble training vs PyTorch/numpy and the sgemm rate, with
# bf16 training, the PyTorch bf16 peer, per-run orders, every issue-14 ratio and the fp32/bf16
# KS comparison (JSON report in _build-bench/tests/bench/bench-report.json), the slice
# linearity trick and the spin-glass contractions; the spin glass at the paper's size (Λ = 500:
# 100-start GD and SGD variants and the 1000-start run, each with the sgemm rate of the same run)
# and SLQ against PyTorch's double backward (JSON reports _build-bench/tests/bench/slq-report-*.json).
# Ends with every issue-14 ratio of the run in one table (tests/bench/issue14-summary.py,
# JSON in _build-bench/tests/bench/issue14-report.json).
# Usage: build-aux/bench.sh [BENCHMARK-NAME…]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build-bench"

"$top/build-aux/install-deps.sh" bench
# With xvfb-run and the app's libraries the tree has the app, and the window-frames
# benchmarks (the demo, and the paper preset at 5 sizes × 1000 runs) drive the real window on a
# virtual display; otherwise they are left out.
app=disabled
wrap=()
if command -v xvfb-run >/dev/null && pkg-config --exists gtk4 libadwaita-1; then
  app=auto
  wrap=(xvfb-run -a -s "-screen 0 1600x1000x24")
fi
if [ -f "$build/build.ninja" ]; then
  # An existing tree follows what this machine can build now (the app may have become possible).
  meson configure "$build" -Dapp=$app
else
  meson setup "$build" "$top" --buildtype=release -Dapp=$app
fi
meson compile -C "$build"
status=0
started=$(date +%s)
# The console output is kept: the summary reads what the benchmarks printed.
"${wrap[@]}" meson test -C "$build" --benchmark --verbose --num-processes 1 --logbase benchmarks "$@" 2>&1 |
  tee "$build/meson-logs/benchmarks-console.txt" || status=$?
# Every issue-14 ratio of this run in one table, and one JSON report of them.
# (--since: JSON reports an earlier run left in the tree are not this run's.)
python3 "$top/tests/bench/issue14-summary.py" "$build" --since "$started" \
  --out "$build/tests/bench/issue14-report.json"
exit $status
