#!/usr/bin/env bash
# Collector overhead: one allocation workload (2 threads, log-uniform 16 B - 64 KiB,
# alloc/free pairs) under glibc malloc, tcmalloc alone, ctxheap exact tagging, ctxheap
# sampled-only, gperftools' heap profiler and heaptrack (record only). Median of N runs
# each, printed as a ratio to tcmalloc alone; plus 2-thread scaling and side-table bytes.
# Usage: scripts/bench_collector.sh [pairs] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-3000000}"
runs="${2:-5}"
bash scripts/build.sh release >/dev/null
bin=build/release/tests/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median_seconds() {  # command... → median wall seconds reported by the workload
  local times=()
  for ((i = 0; i < runs; i++)); do
    times+=("$("$@" | sed -n 's/^seconds=\([0-9.]*\).*/\1/p')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

declare -A t
t[glibc]=$(median_seconds "$bin/alloc_workload_glibc" 2 "$pairs")
t[tcmalloc]=$(median_seconds "$bin/alloc_workload_tcmalloc" 2 "$pairs")
t[barehooks]=$(median_seconds "$bin/alloc_workload_barehooks" 2 "$pairs")
t[barermw]=$(median_seconds env CTXHEAP_BARE_HOOK_RMW=1 "$bin/alloc_workload_barehooks" 2 "$pairs")
t[exact]=$(median_seconds "$bin/alloc_workload_ctxheap" 2 "$pairs")
t[sampled]=$(median_seconds env CTXHEAP_MODE=sampled "$bin/alloc_workload_ctxheap" 2 "$pairs")
t[heapprofile]=$(median_seconds env HEAPPROFILE="$tmp/hp" HEAP_PROFILE_ALLOCATION_INTERVAL=0 \
  HEAP_PROFILE_INUSE_INTERVAL=0 "$bin/alloc_workload_tcmalloc" 2 "$pairs")
if command -v heaptrack >/dev/null; then
  t[heaptrack]=$(median_seconds heaptrack --record-only -o "$tmp/ht" "$bin/alloc_workload_glibc" 2 "$pairs")
fi
exact_1=$(median_seconds "$bin/alloc_workload_ctxheap" 1 "$pairs")
tcmalloc_1=$(median_seconds "$bin/alloc_workload_tcmalloc" 1 "$pairs")
side=$("$bin/alloc_workload_ctxheap" 2 100000 2000000 | sed -n 's/^side_table_bytes_per_block=\([0-9.]*\).*/\1/p')

echo "workload: 2 threads, $pairs alloc/free pairs, sizes 16 B - 64 KiB; median of $runs runs"
printf '%-34s %10s %12s\n' "allocator / profiler" "seconds" "vs tcmalloc"
for k in glibc tcmalloc barehooks barermw exact sampled heapprofile heaptrack; do
  [ -n "${t[$k]:-}" ] || continue
  case $k in
    exact) label="ctxheap exact tagging" ;; sampled) label="ctxheap sampled-only (512 KiB)" ;;
    heapprofile) label="gperftools heap profiler" ;; heaptrack) label="heaptrack (record only)" ;;
    glibc) label="glibc malloc" ;; tcmalloc) label="tcmalloc alone" ;;
    barehooks) label="tcmalloc + empty hooks" ;; barermw) label="tcmalloc + hooks doing 1 atomic op" ;;
  esac
  awk -v l="$label" -v s="${t[$k]}" -v b="${t[tcmalloc]}" 'BEGIN {printf "%-34s %10.3f %11.2fx\n", l, s, s / b}'
done
awk -v one="$exact_1" -v two="${t[exact]}" -v tone="$tcmalloc_1" -v ttwo="${t[tcmalloc]}" 'BEGIN {
  printf "2-thread throughput vs 1 thread:   ctxheap exact %.2fx, tcmalloc alone %.2fx\n", one / two, tone / ttwo }'
echo "side table: $side bytes per live tagged block (2,000,000 live)"
