#!/usr/bin/env bash
# Sanitizer stage (run by .ci/run after ci/test.sh). Three parts, each timed:
#   asan: an ASan+UBSan build (-DVIPLAB_SANITIZE=ON, build-asan/) of the unit tests, the fuzz
#         corpus replay runners and the lab binaries; runs `ctest -L unit` and three lab scenarios
#         with build-asan/viplab (keepalived itself is not instrumented, only viplab).
#   tsan: a ThreadSanitizer build (-DVIPLAB_TSAN=ON, build-tsan/) of the threaded parts' tests:
#         lanes, event loop, wire observer (unit), netlink monitor and VRRP delayer (lab), and one
#         lab scenario with the VRRP delayer, where the observer, timeline and delayer threads
#         all run.
#   fuzz: every file of tests/fuzz/corpus/ replayed under ASan+UBSan.
# Every finding aborts (halt_on_error, UBSan without recovery) and fails the stage. Builds only
# what it runs, with ccache (as ci/build.sh), so a second run on the same machine rebuilds little.
# Needs root for the lab parts (namespaces, real keepalived), like ci/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
ASAN_DIR=${ASAN_DIR:-build-asan}
TSAN_DIR=${TSAN_DIR:-build-tsan}
JOBS=$(nproc)

# ci/lsan.supp lists (with reasons) the only leaks ignored: none of them in viplab's code.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1
export LSAN_OPTIONS=suppressions=$PWD/ci/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

LAB_CASES=(cases/issue-2599/d-track-process.json cases/issue-2599/b-no-weight-fault.json
  cases/catalog/network-delay-small.json)
TSAN_CASE=cases/catalog/network-delay-small.json

declare -a TIMES=()
part() {  # part NAME COMMAND...: runs one timed part; the stage stops at the first failure.
  local name=$1 start=$SECONDS
  shift
  echo "== sanitize: $name"
  "$@"
  TIMES+=("$name $((SECONDS - start)) s")
  echo "== sanitize: $name done in $((SECONDS - start)) s"
}

configure() {  # configure DIR CMAKE_ARGS...
  local dir=$1
  shift
  # -O1 -g1 (as the sanitizers' authors advise): readable stacks, and about a third less compile
  # time than -O2 -g, so a cold stage (no ccache) stays within its 20 minutes on 2 cores.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIPLAB_WERROR=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" "$@" >/dev/null
}

asan() {
  configure "$ASAN_DIR" -DVIPLAB_SANITIZE=ON
  cmake --build "$ASAN_DIR" -j"$JOBS" --target viplab_unit_tests viplab viplab_standin viplab_check
  (cd "$ASAN_DIR" && ctest -L unit --output-on-failure -j"$JOBS" -E '^fuzz_replay\.')
  "$ASAN_DIR"/viplab clean
  "$ASAN_DIR"/viplab run "${LAB_CASES[@]}" --jobs 1
}

tsan() {
  configure "$TSAN_DIR" -DVIPLAB_TSAN=ON
  cmake --build "$TSAN_DIR" -j"$JOBS" --target run_unit_test netns_unit_test \
    wire_observer_unit_test netns_lab_test netns_impairment_lab_test viplab viplab_standin \
    viplab_check
  "$TSAN_DIR"/run_unit_test --gtest_filter='Lanes.*'
  "$TSAN_DIR"/netns_unit_test --gtest_filter='EventLoopTest.*'
  "$TSAN_DIR"/wire_observer_unit_test
  "$TSAN_DIR"/netns_lab_test --gtest_filter='NetlinkMonitorTest.*'
  "$TSAN_DIR"/netns_impairment_lab_test --gtest_filter='*VrrpDelay*'
  "$TSAN_DIR"/viplab clean
  "$TSAN_DIR"/viplab run "$TSAN_CASE"
}

fuzz_replay() {  # the replay runners were built by asan(); ctest knows the corpus directories
  (cd "$ASAN_DIR" && ctest -R '^fuzz_replay\.' --output-on-failure)
}

total=$SECONDS
part asan asan
part fuzz-replay fuzz_replay
part tsan tsan
echo "== sanitize: passed in $((SECONDS - total)) s (${TIMES[*]})"
