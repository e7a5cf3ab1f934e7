#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# From nothing to the running app: installs what is missing, builds, starts LossViz on the
# built-in digits demo. Without a display it runs the headless CLI demo instead.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build"

"$top/build-aux/install-deps.sh" run
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" --buildtype=release
meson compile -C "$build"

if [ -x "$build/src/app/lossviz" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  export GSETTINGS_SCHEMA_DIR="$build/data"
  exec "$build/src/app/lossviz" "$@"
fi
echo "No display: running the headless demo (lossviz-cli ensemble on digits)." >&2
exec "$build/src/cli/lossviz-cli" ensemble --dataset digits --sizes 5,25,100 --runs 20 --epochs 10
