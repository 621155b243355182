#!/usr/bin/env bash
# Fuzzes one target with libFuzzer (not part of CI; CI replays the corpus, see ci/sanitize.sh).
#   ci/fuzz.sh NAME [CPU_SECONDS] [libFuzzer options...]
# NAME: scenario, matrix, report or vrrp_packet (tests/fuzz/NAME_fuzz.cc). Builds build-fuzz/ with
# clang-14 (-DVIPLAB_FUZZ=ON: libFuzzer + ASan + UBSan), fuzzes at nice 19 in fuzz-out/NAME/
# (corpus/ seeded from tests/fuzz/corpus/NAME/, crash-* files beside it) until the fuzzer has
# used CPU_SECONDS (default 600) of CPU time (RLIMIT_CPU), and prints the CPU time used. A crash
# stops it early: minimize it (build-fuzz/NAME_fuzz -minimize_crash=1 -runs=10000 CRASH), add it
# to tests/fuzz/corpus/NAME/ and fix the bug. Needs the Debian packages clang-14 and
# libclang-rt-14-dev (apt-get install clang-14 libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${1:?usage: ci/fuzz.sh scenario|matrix|report|vrrp_packet [CPU_SECONDS] [libFuzzer options]}
CPU=${2:-600}
shift $(($# >= 2 ? 2 : 1))
[[ -f tests/fuzz/${NAME}_fuzz.cc ]] || { echo "ci/fuzz.sh: no tests/fuzz/${NAME}_fuzz.cc" >&2; exit 2; }
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DVIPLAB_FUZZ=ON >/dev/null
nice -n 19 cmake --build build-fuzz -j"$(nproc)" --target "${NAME}_fuzz"

out=fuzz-out/$NAME
mkdir -p "$out/corpus"
root=$PWD
dict=()
[[ $NAME == vrrp_packet ]] || dict=(-dict="$root/tests/fuzz/json.dict")
echo "ci/fuzz.sh: fuzzing $NAME for $CPU CPU seconds in $out"
rc=0
(cd "$out" && nice -n 19 prlimit --cpu="$CPU" /usr/bin/time -f "cpu %U user + %S sys seconds" \
  "$root/build-fuzz/${NAME}_fuzz" corpus "$root/tests/fuzz/corpus/$NAME" "${dict[@]}" \
  -max_len=65536 -print_final_stats=1 "$@") 2>&1 | tee "$out/fuzz.log" || rc=$?
echo "ci/fuzz.sh: $NAME: exit $rc (SIGXCPU at the CPU limit is the normal end); corpus" \
  "$(find "$out/corpus" -type f | wc -l) files; crashes: $(find "$out" -maxdepth 1 -name 'crash-*' | wc -l)"
