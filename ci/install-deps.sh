#!/usr/bin/env bash
# Installs the Debian packages viplab needs (Debian 12, as root).
#   ci/install-deps.sh           to build and run viplab (the quick start, ci/lab.sh)
#   ci/install-deps.sh --tests   also what only the tests need (ci/test.sh): GoogleTest, Chromium,
#                                the real haproxy, yamllint, dpkg-dev and file (the .deb check)
# Idempotent: packages already present are skipped quickly by apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ccache
  libnl-3-dev libnl-route-3-dev libmnl-dev
  libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libpcap-dev libnftables-dev libnftnl-dev libnetfilter-queue-dev
  libxml2-dev  # the JUnit writer (harness/junit.cc)
  keepalived iproute2 nftables util-linux procps
  psmisc curl bash  # what real checks call (killall, pidof, curl, bash -c): lint looks for them on
                    # the host, certify's labs run them, the PID namespace lab tests use killall
)
TEST_PACKAGES=(
  libgtest-dev libgmock-dev
  haproxy   # --service haproxy and the daemon tests (the stand-in is the default)
  chromium  # headless, for tests/harness/html_browser_test (the HTML report)
  yamllint  # the CI templates (ctest ci_yamllint)
  dpkg-dev file  # CPack's .deb: dpkg-shlibdeps computes Depends (ci/package.sh)
)

case ${1:-} in
  "") ;;
  --tests) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
  *) echo "usage: ci/install-deps.sh [--tests]" >&2; exit 2 ;;
esac

if [[ $(id -u) -ne 0 ]]; then
  echo "ci/install-deps.sh: run as root (it installs Debian packages)" >&2
  exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "ci/install-deps.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# keepalived's Debian package enables a systemd service; a lab machine must not run a keepalived
# of its own in the host namespace. Nothing to do where systemd is not running.
if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now keepalived >/dev/null 2>&1 || true
fi
