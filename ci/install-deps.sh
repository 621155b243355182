#!/usr/bin/env bash
# Installs every Debian package viplab needs to build, test and run (Debian 12, as root).
# Idempotent: packages already present are skipped quickly by apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ccache
  libnl-3-dev libnl-route-3-dev libmnl-dev
  libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libcli11-dev libfmt-dev
  libpcap-dev libnftables-dev libnftnl-dev libnetfilter-queue-dev
  libxml2-dev
  keepalived haproxy iproute2 nftables util-linux procps
  chromium  # headless, for tests/harness/html_browser_test (the HTML report)
)

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
