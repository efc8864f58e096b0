#!/usr/bin/env bash
# ctxheap report vs google-pprof --text on the same real gperftools heap dumps. The dumps
# are written here and now by real programs under gperftools' heap profiler:
#   wide      gperf_workload with 8,192 distinct stacks: over the 1 MiB dump limit, so
#             gperftools truncates it (ctxheap says how much is missing)
#   series    gperf_workload's third dump of a growing cache (a small dump)
#   ctxheap   the ctxheap CLI itself, reporting on a Go profile, under LD_PRELOAD tcmalloc
# Both tools symbolize from the same mapped binaries. The two commands run round-robin,
# N rounds, so machine noise hits them alike; each figure is the median of its N runs.
# Usage: tests/bench/interop_vs_pprof.sh [rounds]   (after a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"
build="$PWD/build/release"
ctxheap="$build/analyzer/cli/ctxheap"
workload="$build/tests/interop/gperf_workload"
tcmalloc=$(ldconfig -p | awk '/libtcmalloc\.so\.4 / {print $NF; exit}')
for tool in "$ctxheap" "$workload"; do
  [ -x "$tool" ] || { echo "interop_vs_pprof: build first (cmake --build --preset release): $tool missing" >&2; exit 1; }
done
command -v google-pprof >/dev/null || { echo "interop_vs_pprof: google-pprof missing (apt-get install google-perftools)" >&2; exit 1; }
[ -n "$tcmalloc" ] || { echo "interop_vs_pprof: libtcmalloc.so.4 missing (libgoogle-perftools4)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && "$workload" wide wide 13 && "$workload" series series) >/dev/null 2>&1
(cd "$tmp" && LD_PRELOAD="$tcmalloc" HEAPPROFILE="$tmp/cli" "$ctxheap" report --format json -o "$tmp/r.json" \
   tests/data/go/fixtures/leak/heap.pb.gz) >/dev/null 2>&1 || true
cp tests/data/go/fixtures/leak/heap.pb.gz "$tmp/" 2>/dev/null || true
names=(wide series ctxheap)
dumps=("$(ls "$tmp"/wide.*.heap | tail -1)" "$(ls "$tmp"/series.*.heap | tail -1)" "$(ls "$tmp"/cli*.heap | tail -1)")
binaries=("$workload" "$workload" "$ctxheap")

seconds() {  # the wall time of one run of "$@", output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.4f\n", e - s}'
}
for ((r = 0; r < rounds; r++)); do
  for i in "${!names[@]}"; do
    echo "${names[$i]} ctxheap $(seconds "$ctxheap" report "${dumps[$i]}")" >>"$tmp/times"
    echo "${names[$i]} pprof $(seconds google-pprof --text "${binaries[$i]}" "${dumps[$i]}")" >>"$tmp/times"
  done
done
median() { awk -v n="$1" -v t="$2" '$1 == n && $2 == t {print $3}' "$tmp/times" | sort -g |
  awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "ctxheap report vs google-pprof --text, median of $rounds interleaved rounds"
printf '%-8s %10s %8s %14s %14s %8s\n' dump bytes records "ctxheap s" "google-pprof s" ratio
for i in "${!names[@]}"; do
  c=$(median "${names[$i]}" ctxheap)
  p=$(median "${names[$i]}" pprof)
  size=$(stat -c %s "${dumps[$i]}")
  records=$(awk '/^MAPPED_LIBRARIES:/ {exit} /@ 0x/ {n++} END {print n + 0}' "${dumps[$i]}")
  awk -v n="${names[$i]}" -v b="$size" -v r="$records" -v c="$c" -v p="$p" \
    'BEGIN {printf "%-8s %10d %8d %14.3f %14.3f %7.1fx\n", n, b, r, c, p, p / c}'
done
"$ctxheap" report "${dumps[0]}" | grep -m1 -o 'Truncated dump: .*' | cut -c1-160 || true
