#!/usr/bin/env bash
# Measures a cold build (no ccache) of the quick-start targets, or of TARGETS, in a fresh build
# directory: wall time, compile + link seconds per target and the slowest translation units.
#   ci/build-times.sh [BUILD_DIR] [cmake -D options...]   (default BUILD_DIR: build-times)
#   TARGETS="viplab viplab_unit_tests" JOBS=2 ci/build-times.sh build-times -DVIPLAB_PCH=OFF
# Every compile and link runs through a launcher that logs its CPU time (user + system) and wall
# time. CPU seconds are what to compare on a shared, loaded machine; the wall time is what a user
# waits, and on an idle machine with JOBS cores it is about CPU total / JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-build-times}
shift $(($# > 0 ? 1 : 0))
read -r -a targets <<<"${TARGETS:-viplab viplab_standin viplab_check}"
JOBS=${JOBS:-$(nproc)}
rm -rf "$DIR"
mkdir -p "$DIR"
DIR=$(realpath -m "$DIR")
log=$DIR/build-times.log
launcher=$DIR/time-launcher.sh
cat >"$launcher" <<LAUNCHER
#!/usr/bin/env bash
# Runs one compile or link and appends "cpu_seconds wall_seconds output" to $log.
out=unknown; prev=
for a in "\$@"; do [[ \$prev == -o ]] && out=\$a; prev=\$a; done
exec /usr/bin/time -a -o "$log" -f "%U+%S %e \$out" "\$@"
LAUNCHER
chmod +x "$launcher"
export CCACHE_DISABLE=1
cmake -S . -B "$DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIPLAB_WERROR=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" -DCMAKE_CXX_LINKER_LAUNCHER="$launcher" "$@" \
  >/dev/null
load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s.%N)
cmake --build "$DIR" -j"$JOBS" --target "${targets[@]}" >"$DIR/build-output.log"
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "build-times: ${targets[*]}: wall $(printf '%.1f' "$wall") s with -j$JOBS" \
  "(load average before: $load, after: $(cut -d' ' -f1-3 /proc/loadavg))"
# Per target: objects live in <dir>/CMakeFiles/<target>.dir/; a link's output is the binary.
awk '{ split($1, c, "+"); cpu = c[1] + c[2]; total += cpu; t = $3
       if (match(t, /CMakeFiles\/[^\/]+\.dir\//)) t = substr(t, RSTART + 11, RLENGTH - 16)
       else { n = split(t, p, "/"); t = "link " p[n] }
       s[t] += cpu; c2[t]++ }
     END { for (t in s) printf "%8.1f s  %3d  %s\n", s[t], c2[t], t
           printf "%8.1f s  CPU total\n", total > "/dev/stderr" }' "$log" 2>&1 | sort -rn |
  (echo "  CPU s   cmds target"; cat)
echo "slowest translation units (CPU s):"
awk '$3 ~ /\.o$/ { split($1, c, "+"); printf "%8.1f s  %s\n", c[1] + c[2], $3 }' "$log" |
  sort -rn | head -15
