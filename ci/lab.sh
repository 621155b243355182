#!/usr/bin/env bash
# Quick start: installs what viplab needs, builds it, runs the keepalived issue #2599 cases and
# prints the table. Run as root on Debian 12. Extra arguments go to `viplab run`.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh
exec build/viplab run cases/issue-2599 "$@"
