#!/usr/bin/env bash
# One shard of the scenario matrix, as the CI templates run it (ci/github/viplab.yml,
# ci/kubernetes/viplab-matrix-job.yaml) and as ctest runs it (ci_shard, one scenario):
#   ci/shard.sh [INDEX TOTAL] [viplab matrix options...]     e.g. ci/shard.sh 1 4
# INDEX/TOTAL default to GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS (a Kubernetes Indexed Job), else
# 0/1 (the whole matrix). Writes OUT/report.json, OUT/junit.xml, OUT/report.html and OUT/logs/
# (OUT default: shard-out/INDEX-of-TOTAL). Runs `viplab matrix` with --jobs JOBS (default 2).
# The viplab used: $VIPLAB if set; else an installed `viplab` on PATH (the .deb); else build/viplab
# of this checkout, built (quick-start targets) when missing. The matrix: $MATRIX if set; else
# cases/matrix.json of this checkout; else `matrix.json` of the installed cases. This script is
# also installed as <prefix>/share/viplab/shard.sh, so a pod needs the package, not a checkout.
# Exit: viplab matrix's (0 nothing failed, 1 a scenario failed, ...); 2 when a report is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=
[[ -f $here/../CMakeLists.txt && -d $here/../harness ]] && root=$(cd "$here/.." && pwd)

index=${GTEST_SHARD_INDEX:-0}
total=${GTEST_TOTAL_SHARDS:-1}
if [[ ${1:-} =~ ^[0-9]+$ && ${2:-} =~ ^[0-9]+$ ]]; then
  index=$1 total=$2
  shift 2
fi
if ((total < 1 || index >= total)); then
  echo "ci/shard.sh: shard $index of $total: need 0 <= INDEX < TOTAL" >&2
  exit 2
fi

if [[ -z ${VIPLAB:-} ]]; then
  if command -v viplab >/dev/null; then
    VIPLAB=$(command -v viplab)
  elif [[ -n $root ]]; then
    VIPLAB=$root/build/viplab
    [[ -x $VIPLAB ]] || (cd "$root" && TARGETS="viplab viplab_standin viplab_check viplab_init viplab_nsenter" ci/build.sh)
  else
    echo "ci/shard.sh: no viplab installed and no checkout to build it in" >&2
    exit 2
  fi
fi
if [[ -z ${MATRIX:-} ]]; then
  MATRIX=matrix.json  # found among the installed cases by viplab
  [[ -n $root && -f $root/cases/matrix.json ]] && MATRIX=$root/cases/matrix.json
fi
OUT=${OUT:-shard-out/$index-of-$total}
JOBS=${JOBS:-2}  # two lanes per 2-core machine; the timing windows assume no more

mkdir -p "$OUT"
rm -f "$OUT/report.json" "$OUT/junit.xml" "$OUT/report.html"
echo "ci/shard.sh: shard $index of $total with $VIPLAB ($MATRIX) into $OUT"
status=0
"$VIPLAB" matrix "$MATRIX" --shard "$index/$total" --jobs "$JOBS" --json "$OUT/report.json" \
  --logs "$OUT/logs" "$@" || status=$?
if [[ ! -f $OUT/report.json ]]; then
  echo "ci/shard.sh: viplab matrix (exit $status) wrote no report" >&2
  exit $((status == 0 ? 2 : status))
fi
"$VIPLAB" report "$OUT/report.json" --junit "$OUT/junit.xml" --html "$OUT/report.html"
exit "$status"
