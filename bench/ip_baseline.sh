#!/usr/bin/env bash
# Baseline for the netns library: the same lab topology built with one `ip` command per step.
#
# Topology (as in tests/netns/topology_test.cc): a switch namespace with bridge br0, N node
# namespaces and one client namespace, each joined to br0 by a veth pair (pK on the switch,
# eth0 inside), eth0 up with an address from 10.99.0.0/24. Tear-down is one `ip netns del` per
# namespace (the kernel finishes destroying namespaces asynchronously, as with the library).
#
# Prints the median of 5 up+down runs for N=3 and N=32. Needs root. Names carry "vlb-<pid>-" and
# everything is removed on exit, even on failure. Not registered in CMake: run it by hand.
#   sudo bench/ip_baseline.sh [RUNS]
set -euo pipefail

readonly PREFIX="vlb-$$-"
readonly RUNS="${1:-5}"

if [[ $(id -u) -ne 0 ]]; then
  echo "ip_baseline.sh: needs root (network namespaces)" >&2
  exit 2
fi

cleanup() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${PREFIX}" || true); do
    ip netns del "${ns}" 2>/dev/null || true
  done
}
trap cleanup EXIT

now_ns() { date +%s%N; }

# up + down of one lab with `nodes` nodes; prints the elapsed milliseconds.
run_once() {
  local nodes=$1 run=$2
  local p="${PREFIX}${run}-"
  local members=() i
  for ((i = 1; i <= nodes; i++)); do members+=("n${i}"); done
  members+=("client")

  local start end
  start=$(now_ns)
  ip netns add "${p}sw"
  ip -n "${p}sw" link add br0 type bridge
  ip -n "${p}sw" link set br0 up
  i=0
  local m
  for m in "${members[@]}"; do
    i=$((i + 1))
    ip netns add "${p}${m}"
    ip -n "${p}sw" link add "p${i}" type veth peer name eth0 netns "${p}${m}"
    ip -n "${p}sw" link set "p${i}" master br0 up
    ip -n "${p}${m}" link set eth0 up
    ip -n "${p}${m}" addr add "10.99.0.${i}/24" dev eth0
  done
  ip netns del "${p}sw"
  for m in "${members[@]}"; do ip netns del "${p}${m}"; done
  end=$(now_ns)
  awk -v d="$((end - start))" 'BEGIN { printf "%.2f\n", d / 1e6 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for nodes in 3 32; do
  times=()
  for ((r = 0; r < RUNS; r++)); do times+=("$(run_once "${nodes}" "${r}")"); done
  med=$(printf '%s\n' "${times[@]}" | median)
  echo "N=${nodes}: median up+down ${med} ms over ${RUNS} runs (each: ${times[*]})"
done
