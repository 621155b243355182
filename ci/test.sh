#!/usr/bin/env bash
# Installs, builds and runs every test: unit tests (no root needed) and lab tests (real keepalived
# in real namespaces; root). Leftovers of a killed earlier run are cleaned first.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh
build/viplab clean
cd build
# One ctest run over unit and lab tests, so its closing summary counts every test.
# Serial: lab tests check timing windows and assume an otherwise idle machine.
ctest --output-on-failure -j1
