#!/usr/bin/env bash
# Quick start: installs what viplab needs, builds only what `viplab run` runs (viplab, the haproxy
# stand-in, viplab-check; no tests, no GoogleTest or Chromium), runs the keepalived issue #2599
# cases and prints the table. Run as root on Debian 12. Extra arguments go to `viplab run`.
# A fresh build directory gets -g1 (line tables, no variable info): about a quarter less compile
# time than -g, same code (README "Build time"); an existing one keeps its flags.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
flags=(-DBUILD_TESTING=OFF)
[[ -f ${BUILD_DIR:-build}/CMakeCache.txt ]] ||
  flags+=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
TARGETS="viplab viplab_standin viplab_check viplab_init viplab_nsenter" ci/build.sh "${flags[@]}"
exec "${BUILD_DIR:-build}"/viplab run cases/issue-2599 "$@"
