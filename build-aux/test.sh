#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite from nothing: installs what is missing, builds, runs the core suite, the
# UI suite under Xvfb, and the core suite again under AddressSanitizer + UBSan. Ends with the
# line "N passed, N failed, N skipped" (counted from meson's testlog.json files).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/build-aux/install-deps.sh" test || exit 1

build="$top/_build"
asan="$top/_build-asan"
logs=()
status=0

[ -f "$build/build.ninja" ] || meson setup "$build" "$top" || exit 1
meson compile -C "$build" || exit 1

# Core suite: no display needed.
meson test -C "$build" --suite core --print-errorlogs --num-processes 2 || status=1
cp "$build/meson-logs/testlog.json" "$build/meson-logs/testlog-core.json"
logs+=("$build/meson-logs/testlog-core.json")

# UI suite: a real X server (Xvfb), deterministic Cairo rendering, in-memory settings.
# (List first, then grep: with pipefail, grep -q closing the pipe early would fail the test.)
test_list=$(meson test -C "$build" --list 2>/dev/null)
if grep -q ':ui / ' <<<"$test_list"; then
  GDK_BACKEND=x11 GTK_A11Y=none GSK_RENDERER=cairo GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$build/data" \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    meson test -C "$build" --suite ui --print-errorlogs --num-processes 1 || status=1
  cp "$build/meson-logs/testlog.json" "$build/meson-logs/testlog-ui.json"
  logs+=("$build/meson-logs/testlog-ui.json")
fi

# The core suite again under AddressSanitizer + UndefinedBehaviorSanitizer (no GTK needed).
if [ "${LOSSVIZ_SKIP_SANITIZERS:-0}" != 1 ]; then
  [ -f "$asan/build.ninja" ] || meson setup "$asan" "$top" -Db_sanitize=address,undefined \
    -Db_lundef=false -Dapp=disabled --buildtype=debugoptimized || exit 1
  meson compile -C "$asan" || exit 1
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$top/tests/lsan.supp" \
    meson test -C "$asan" --suite core --print-errorlogs --num-processes 2 \
    --timeout-multiplier 4 || status=1
  cp "$asan/meson-logs/testlog.json" "$asan/meson-logs/testlog-asan.json"
  logs+=("$asan/meson-logs/testlog-asan.json")
fi

# --- Reliability (issue 9): ThreadSanitizer run of the threaded core tests ------------------
# A separate -Db_sanitize=thread build runs only the tests that drive worker threads (the named
# list; names not in the tree yet are skipped). tests/tsan/lv-tsan-glib.c is preloaded into each
# test (and the CLI it spawns) so TSan sees GLib's futex-based locks and thread-pool hand-offs;
# tests/tsan/tsan.supp silences GLib/fontconfig internals only.
if [ "${LOSSVIZ_SKIP_SANITIZERS:-0}" != 1 ]; then
  tsan="$top/_build-tsan"
  tsan_tests=()
  for t in ensemble train-fused stress-ensemble worker-pool ensemble-group-probe pause; do
    [ -f "$top/tests/test-$t.c" ] && tsan_tests+=("$t")
  done
  [ -f "$tsan/build.ninja" ] || meson setup "$tsan" "$top" -Db_sanitize=thread \
    -Db_lundef=false -Dapp=disabled --buildtype=debugoptimized || exit 1
  meson compile -C "$tsan" tests/lv-tsan-glib src/cli/lossviz-cli \
    $(printf 'tests/test-%s ' "${tsan_tests[@]}") || exit 1
  G_SLICE=always-malloc LOSSVIZ_STRESS_SECONDS=4 \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top/tests/tsan/tsan.supp" \
    meson test -C "$tsan" --no-rebuild --print-errorlogs --num-processes 2 \
    --timeout-multiplier 4 --wrapper "env LD_PRELOAD=$tsan/tests/liblv-tsan-glib.so" \
    "${tsan_tests[@]}" || status=1
  # With --wrapper, meson names its log after the wrapper's program (testlog-env.json).
  cp "$tsan/meson-logs/testlog-env.json" "$tsan/meson-logs/testlog-tsan.json"
  logs+=("$tsan/meson-logs/testlog-tsan.json")
fi

# --- Reliability (issue 9): extended mode, LOSSVIZ_EXTENDED=1 ---------------------------------
# A short libFuzzer run of every harness (LOSSVIZ_FUZZ_SECONDS each, default 60); a crash is
# copied to tests/fuzz/regressions/ and fails the run.
if [ "${LOSSVIZ_EXTENDED:-0}" = 1 ]; then
  "$top/build-aux/fuzz.sh" "${LOSSVIZ_FUZZ_SECONDS:-60}" || status=1
fi

python3 "$top/build-aux/count-tests.py" "${logs[@]}" || status=1
exit $status
