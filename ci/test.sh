#!/usr/bin/env bash
# Installs, builds and runs every test: unit tests (no root needed) and lab tests (real keepalived
# in real namespaces; root), then the Debian package check (ci/package.sh: build the .deb, install
# it with apt, run the #2599 cases from /usr/bin/viplab, remove it). Leftovers of a killed
# earlier run are cleaned first.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh --tests
ci/build.sh -DBUILD_TESTING=ON
build/viplab clean
# One ctest run over unit and lab tests, so its closing summary counts every test.
# Serial: lab tests check timing windows and assume an otherwise idle machine.
(cd build && ctest --output-on-failure -j1)
ci/package.sh
