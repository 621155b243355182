#!/usr/bin/env bash
# Configures and builds viplab into build/ (or $BUILD_DIR). Extra arguments go to cmake.
#   ci/build.sh                                  every target (tests included)
#   TARGETS="viplab viplab_standin" ci/build.sh  only these (cmake --build --target)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# ccache: paths relative to the checkout, so every clone on this machine shares the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIPLAB_WERROR=ON "$@" >/dev/null
read -r -a targets <<<"${TARGETS:-}"
target_args=()
((${#targets[@]} == 0)) || target_args=(--target "${targets[@]}")
cmake --build "$BUILD_DIR" -j"$(nproc)" "${target_args[@]}"
