#!/usr/bin/env bash
# Repeatability measurement (not a CI test): runs the case directories ROUNDS times with --jobs 2,
# one JSON report per round, then prints per case passes/runs and the failover time's p50 and
# max over the rounds (failover_ms of the JSON report; "-" where a case has none). After every
# round it looks for leftovers of the round's labs: network namespaces vl-<id>-*, cgroups
# <cgroup2>/viplab/vl-<id>, lab records /run/viplab/vl-<id> whose owner is gone. Labs that
# existed before the first round, or whose owner still runs (someone else's run), are not
# counted. Exit 0 only with every run passed and no leftovers; 1 otherwise; 2 on bad usage.
#
#   ci/repeat.sh ROUNDS                     # cases/issue-2599 cases/catalog cases/failback
#   CASES="cases/issue-2599" ci/repeat.sh 1  # other directories or files
#   VIPLAB=build/viplab OUT=repeat-out       # the binary (built by ci/build.sh when missing)
#                                            # and where the round reports go
# Root, Debian 12 with ci/install-deps.sh run; installs jq (Debian) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-}
if [[ ! $ROUNDS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: ci/repeat.sh ROUNDS   (env CASES, VIPLAB, OUT)" >&2
  exit 2
fi
read -r -a CASE_DIRS <<<"${CASES:-cases/issue-2599 cases/catalog cases/failback}"
VIPLAB=${VIPLAB:-build/viplab}
OUT=${OUT:-repeat-out}

if ! command -v jq >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null
fi
[[ -x $VIPLAB ]] || ci/build.sh
mkdir -p "$OUT"
rm -f "$OUT"/round-*.json

# Lab ids present now: namespaces vl-<id>-*, cgroups viplab/vl-<id>, records /run/viplab/vl-<id>.
CGROUP2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
lab_objects() {
  ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^vl-[0-9]+-' | sed 's/^/netns /' || true
  if [[ -n $CGROUP2 && -d $CGROUP2/viplab ]]; then
    find "$CGROUP2/viplab" -mindepth 1 -maxdepth 1 -name 'vl-*' -printf 'cgroup viplab/%f\n'
  fi
  if [[ -d /run/viplab ]]; then
    find /run/viplab -mindepth 1 -maxdepth 1 -name 'vl-*' -printf 'record /run/viplab/%f\n'
  fi
}
# Whether lab vl-<id> belongs to a process still running (another run, not a leftover).
owner_alive() {
  local record=/run/viplab/vl-$1/lab.json pid
  [[ -f $record ]] || return 1
  pid=$(jq -r '.owner_pid // empty' "$record" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}
lab_id() { sed -E 's/^[a-z]+ (viplab\/|\/run\/viplab\/)?vl-([0-9]+).*/\2/' <<<"$1"; }

baseline=$(lab_objects | sort)
[[ -z $baseline ]] || printf 'repeat: present before the first round (not counted):\n%s\n' "$baseline"
leftovers=0
for ((round = 1; round <= ROUNDS; ++round)); do
  start=$SECONDS
  rc=0
  "$VIPLAB" run "${CASE_DIRS[@]}" --jobs 2 --quiet --json "$OUT/round-$round.json" || rc=$?
  found=()
  while read -r object; do
    [[ -n $object ]] || continue
    owner_alive "$(lab_id "$object")" || found+=("$object")
  done < <(comm -13 <(echo "$baseline") <(lab_objects | sort))
  echo "repeat: round $round/$ROUNDS: exit $rc, $((SECONDS - start)) s, ${#found[@]} leftovers"
  if ((${#found[@]})); then
    printf '  leftover: %s\n' "${found[@]}"
    leftovers=$((leftovers + ${#found[@]}))
    "$VIPLAB" clean >/dev/null || true  # so the next round starts clean
  fi
  [[ -f $OUT/round-$round.json ]] || echo "repeat: round $round wrote no report" >&2
done

# Per case over all rounds: passes/runs, p50 (lower median) and max of failover_ms.
shopt -s nullglob
reports=("$OUT"/round-*.json)
jq -rs '
  [.[].scenarios[]] | group_by(.name)[] |
  (map(select(.failover_ms != null) | .failover_ms) | sort) as $f |
  [ .[0].name,
    "\(map(select((.verdict // (if .passed then "pass" else "fail" end)) == "pass")) | length)/\(length)",
    (if ($f | length) > 0 then $f[(($f | length) - 1) / 2 | floor] | round | tostring else "-" end),
    (if ($f | length) > 0 then $f[-1] | round | tostring else "-" end) ] | @tsv' \
  "${reports[@]}" | (printf 'case\tpasses/runs\tfailover p50 ms\tfailover max ms\n'; cat) |
  awk -F'\t' '{ printf "%-44s %-12s %-16s %s\n", $1, $2, $3, $4 }' | tee "$OUT/table.txt"

runs=$(jq -s '[.[].scenarios[]] | length' "${reports[@]}")
# A pass is verdict "pass": an inconclusive run (passed, but judged nothing) is not one.
passes=$(jq -s '[.[].scenarios[] | select((.verdict // (if .passed then "pass" else "fail" end)) == "pass")] | length' "${reports[@]}")
expected_runs=$(($(jq -s '[.[0].scenarios[]] | length' "${reports[@]}") * ROUNDS))
echo "repeat: $passes/$runs runs passed ($expected_runs expected), $leftovers leftovers"
((passes == runs && runs == expected_runs && ${#reports[@]} == ROUNDS && leftovers == 0))
