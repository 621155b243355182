#!/usr/bin/env bash
# Quick start: installs what viplab needs, builds only what `viplab run` runs (viplab, the haproxy
# stand-in, viplab-check; no tests, no GoogleTest or Chromium), runs the keepalived issue #2599
# cases and prints the table. Run as root on Debian 12. Extra arguments go to `viplab run`.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
TARGETS="viplab viplab_standin viplab_check" ci/build.sh -DBUILD_TESTING=OFF
exec build/viplab run cases/issue-2599 "$@"
