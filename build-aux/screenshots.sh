#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the app's pictures under Xvfb (issue 15): every page at 1024×600, 1280×720, presentation
# mode at 1280×720 and 1600×1000, English and French, light and dark, after a real training
# run; the ui-fit test does it when LOSSVIZ_SCREENSHOT_DIR is set (and still reports any widget
# outside the window). usage: build-aux/screenshots.sh [BUILD_DIR [OUT_DIR]]
set -eu
build=${1:-_build}
out=${2:-$build/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export GDK_BACKEND=x11 GTK_A11Y=none GSK_RENDERER=cairo GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data" LOSSVIZ_LOCALEDIR="$build/po"
export LOSSVIZ_SCREENSHOT_DIR="$out"
# An autosave folder of its own: another LossViz's autosave would put the recovery banner in
# every picture.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/tests/test-ui-fit"
echo "pictures in $out"
