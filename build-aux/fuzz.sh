#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer harnesses with clang (ASan + UBSan, coverage in the core libraries) and
# runs each for SECONDS (default 60). Usage: build-aux/fuzz.sh [SECONDS] [TARGET...]
# New interesting inputs go to <build>/fuzz-work/<target>/corpus (the seeds in
# tests/fuzz/corpus/ are read, never written). A crash, leak, timeout or OOM is copied to
# tests/fuzz/regressions/<target>/, where the core test reliability-fuzz-replay replays it from
# then on: fix the bug and commit the file. Ends with one line per target: executions, exec/s.
# Env: LOSSVIZ_FUZZ_BUILD (build directory, default _build-fuzz), LOSSVIZ_FUZZ_JOBS unused
# (targets run one after the other, one core each).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx idx-gzip csv session cli-ensemble matrix-csv json-write bundle)
build=${LOSSVIZ_FUZZ_BUILD:-$top/_build-fuzz}

if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi
# A set-up that failed half way leaves no build.ninja: start that directory again.
[ -d "$build/meson-private" ] && [ ! -f "$build/build.ninja" ] && rm -rf "$build"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$top" -Dfuzzing=true -Dapp=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized \
    "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >/dev/null || exit 1
fi
meson compile -C "$build" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >/dev/null || {
  meson compile -C "$build" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}"); exit 1; }

status=0
summary=()
for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  extra=()
  [ -f "$top/tests/fuzz/$t.dict" ] && extra+=("-dict=$top/tests/fuzz/$t.dict")
  # The CLI target prints its one-line errors: keep them out of the log.
  [ "$t" = cli-ensemble ] && extra+=(-close_fd_mask=3)
  # Experiment files are longer than the other inputs.
  max_len=4096
  [ "$t" = session ] && max_len=16384
  [ "$t" = bundle ] && max_len=65536  # HDF5 files: a small bundle is ~10 KiB
  echo "== fuzz-$t for ${seconds}s" >&2
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$top/tests/lsan.supp" \
    "$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
    -max_len=$max_len -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" \
    "${extra[@]}" "$work/corpus" "$top/tests/fuzz/corpus/$t" >"$work/log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  found=$(find "$work/artifacts" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    mkdir -p "$top/tests/fuzz/regressions/$t"
    find "$work/artifacts" -type f -exec cp {} "$top/tests/fuzz/regressions/$t/" \;
    grep -m1 -E 'ERROR|SUMMARY|==[0-9]+==' "$work/log" >&2
    echo "fuzz-$t: exit $rc, $found input(s) copied to tests/fuzz/regressions/$t/ (log: $work/log)" >&2
  fi
  summary+=("fuzz-$t: ${execs:-?} executions in ${seconds}s, ${rate:-?} exec/s, corpus $(ls "$work/corpus" | wc -l) new + $(ls "$top/tests/fuzz/corpus/$t" | wc -l) seeds, $found crash(es)")
done
printf '%s\n' "${summary[@]}"
exit $status
