#!/usr/bin/env bash
# Builds the Debian package from a quick-start build (viplab, the stand-in, viplab-check; cpack),
# installs it with apt on this machine, runs the keepalived issue #2599 cases with the installed
# /usr/bin/viplab from outside the checkout (helpers from /usr/libexec/viplab, cases found by name
# in /usr/share/viplab/cases), checks the exit code and the table, and removes the package again
# on every path. Run as root on Debian 12 after ci/install-deps.sh --tests (ci/test.sh calls it).
#   ci/package.sh               build, install, run, remove
#   ci/package.sh --build-only  build the .deb and print its path (what CI uploads)
# Refuses to install when apt would pull in or upgrade any package besides viplab (keepalived,
# nftables and the libraries are installed by ci/install-deps.sh), so the host's keepalived and
# its configuration stay as they are; the package has no maintainer scripts and starts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
build_only=false
case ${1:-} in
  "") ;;
  --build-only) build_only=true ;;
  *) echo "usage: ci/package.sh [--build-only]" >&2; exit 2 ;;
esac
start=$SECONDS

# cpack's dpkg-shlibdeps step needs `file` and dpkg-dev (ci/install-deps.sh --tests installs both).
for tool in file dpkg-shlibdeps; do
  if ! command -v $tool >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends file dpkg-dev \
      >/dev/null
  fi
done

# A fresh build directory is configured without tests; an existing one keeps its settings.
configure=()
[[ -f $BUILD_DIR/CMakeCache.txt ]] || configure=(-DBUILD_TESTING=OFF)
BUILD_DIR=$BUILD_DIR TARGETS="viplab viplab_standin viplab_check viplab_init viplab_nsenter" ci/build.sh "${configure[@]}"
rm -f "$BUILD_DIR"/viplab_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >cpack.log) || { cat "$BUILD_DIR/cpack.log" >&2; exit 1; }
debs=("$BUILD_DIR"/viplab_*.deb)
deb=$(realpath "${debs[0]}")
echo "ci/package.sh: built $deb"
dpkg-deb --field "$deb" Package Version Depends Recommends
if $build_only; then exit 0; fi

if [[ $(id -u) -ne 0 ]]; then
  echo "ci/package.sh: run as root (it installs the package)" >&2
  exit 2
fi
if dpkg-query -W -f='${Status}' viplab 2>/dev/null | grep -q "install ok installed"; then
  echo "ci/package.sh: viplab was already installed; it is replaced and removed at the end"
fi
out=$(mktemp -d /tmp/viplab-package-XXXXXX)
cleanup() {
  local rc=$?
  if [[ -x /usr/bin/viplab ]]; then /usr/bin/viplab clean >/dev/null 2>&1 || true; fi
  if dpkg-query -W -f='${Status}' viplab 2>/dev/null | grep -q "install ok installed"; then
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=300 viplab \
      >/dev/null || rc=1
  fi
  if dpkg-query -W -f='${Status}' viplab 2>/dev/null | grep -q "install ok installed"; then
    echo "ci/package.sh: could not remove the viplab package" >&2
    rc=1
  fi
  rm -rf "$out"
  echo "ci/package.sh: exit $rc after $((SECONDS - start)) s"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# What apt would do: install viplab and nothing else (no new package, no upgrade).
export DEBIAN_FRONTEND=noninteractive
apt-get install -s --no-install-recommends "$deb" >"$out/plan" 2>&1 ||
  { cat "$out/plan" >&2; exit 1; }
others=$(awk '$1 == "Inst" && $2 != "viplab" { print $2 }' "$out/plan")
if [[ -n $others ]]; then
  echo "ci/package.sh: installing the .deb would also install or upgrade: $others" \
    "(run ci/install-deps.sh first)" >&2
  exit 1
fi
keepalived_state() {  # the keepalived package and every file of its configuration
  dpkg-query -W keepalived
  find /etc/keepalived -type f -exec md5sum {} + 2>/dev/null | sort
}
keepalived_before=$(keepalived_state)
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$deb" \
  >"$out/install" 2>&1 || { cat "$out/install" >&2; exit 1; }
if [[ $keepalived_before != "$(keepalived_state)" ]]; then
  echo "ci/package.sh: installing viplab changed keepalived or /etc/keepalived" >&2
  exit 1
fi
for file in /usr/bin/viplab /usr/libexec/viplab/haproxy /usr/libexec/viplab/viplab-check \
  /usr/libexec/viplab/viplab-init /usr/libexec/viplab/viplab-nsenter \
  /usr/share/viplab/cases/issue-2599/a-weight2-nopreempt.json /usr/share/doc/viplab/README.md; do
  [[ -e $file ]] || { echo "ci/package.sh: $file is not installed" >&2; exit 1; }
done

# From a directory without cases/: `issue-2599` must be found among the installed cases.
rc=0
(cd "$out" && /usr/bin/viplab run issue-2599 --jobs 2 --json report.json) | tee "$out/table" ||
  rc=$?
if ((rc != 0)); then
  echo "ci/package.sh: /usr/bin/viplab run issue-2599 exited $rc" >&2
  exit 1
fi
passes=$(grep -cE '^(\[[0-9]+/[0-9]+\] )?PASS  issue-2599/' "$out/table" || true)
if ((passes != 4)) || ! grep -q '4 passed, 0 failed' "$out/table"; then
  echo "ci/package.sh: expected 4 PASS lines and '4 passed, 0 failed'" >&2
  exit 1
fi
echo "ci/package.sh: the installed viplab passed the #2599 cases"
