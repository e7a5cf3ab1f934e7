#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages LossViz needs, only those missing.
# Usage: build-aux/install-deps.sh [run|test|bench]
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkgconf libgtk-4-dev libgtk-4-bin libopenblas-dev
  libgsl-dev libjson-glib-dev gettext desktop-file-utils appstream libglib2.0-dev-bin
  libglib2.0-bin fonts-dejavu-core libadwaita-1-dev libhdf5-dev libdnnl-dev libopenmpi-dev openmpi-bin
  ccache)
test_pkgs=(xvfb xauth x11-utils libgl1-mesa-dri dbus imagemagick librsvg2-bin poppler-utils
  valgrind clang libclang-rt-14-dev python3-h5py python3-numpy python3-torch
  dataset-fashion-mnist)  # the choromanska2015 preset's tests (issue 17)
bench_pkgs=(python3-torch python3-numpy)

want=("${build_pkgs[@]}")
case "${1:-run}" in
  run) want+=(xvfb xauth) ;;            # the run script falls back to Xvfb without a display
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
