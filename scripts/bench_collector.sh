#!/usr/bin/env bash
# Collector overhead: the allocation workload (2 threads, log-uniform 16 B - 64 KiB,
# alloc/free pairs, every block written and read) under glibc malloc, tcmalloc alone,
# tcmalloc with hooks that do the least a tagger must (nothing; one shared atomic; a
# per-thread side table with plain stores; that table plus stack sampling), ctxheap exact
# tagging (with and without sampling; owners in block headers, the default, and in the side
# table, CTXHEAP_EXACT_OWNER=table), ctxheap sampled-only (and, on one thread, the cost of a
# captured sample with each stack unwinder), gperftools' heap profiler and
# heaptrack (record only); then the second workload (tests/bench/request_workload.cpp: 3
# threads, operator new/delete, one context per worker). The variants run round-robin, N rounds, so machine noise hits
# them alike; each is the median of its N runs, printed as a ratio to tcmalloc, in wall
# time and in CPU time (which other programs on a shared machine inflate much less).
# Usage: scripts/bench_collector.sh [pairs] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-3000000}"
rounds="${2:-5}"
bash scripts/build.sh release >/dev/null
bin="$PWD/build/release/tests/bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names=(glibc tcmalloc barehooks barermw baretable baresampled exact exact_nosample exact_table sampled exact_hooks sampled_hooks
       exact_1t tcmalloc_1t req_tcmalloc req_exact req_exact_table req_sampled every_none_1t every_rules_1t every_libunwind_1t
       heapprofile)
labels=("glibc malloc" "tcmalloc alone" "tcmalloc + empty hooks" "tcmalloc + hooks doing 1 atomic op"
        "tcmalloc + per-thread table hooks" "  + stack sampling (512 KiB)"
        "ctxheap exact tagging" "ctxheap exact, sampling off" "ctxheap exact, side table" "ctxheap sampled-only (512 KiB)"
        "ctxheap exact, hook dispatch" "ctxheap sampled-only, hook dispatch"
        "ctxheap exact, 1 thread" "tcmalloc alone, 1 thread"
        "request workload: tcmalloc alone" "request workload: ctxheap exact" "request workload: exact, side table"
        "request workload: sampled-only"
        "sampled-only, no samples, 1 thread" "  every allocation sampled" "  the same, libunwind stacks"
        "gperftools heap profiler")
cmds=("$bin/alloc_workload_glibc 2 $pairs"
      "$bin/alloc_workload_tcmalloc 2 $pairs"
      "$bin/alloc_workload_barehooks 2 $pairs"
      "env CTXHEAP_BARE_HOOK=rmw $bin/alloc_workload_barehooks 2 $pairs"
      "env CTXHEAP_BARE_HOOK=table $bin/alloc_workload_barehooks 2 $pairs"
      "env CTXHEAP_BARE_HOOK=sampled $bin/alloc_workload_barehooks 2 $pairs"
      "$bin/alloc_workload_ctxheap 2 $pairs"
      "env CTXHEAP_SAMPLE=0 $bin/alloc_workload_ctxheap 2 $pairs"
      "env CTXHEAP_EXACT_OWNER=table $bin/alloc_workload_ctxheap 2 $pairs"
      "env CTXHEAP_MODE=sampled $bin/alloc_workload_ctxheap 2 $pairs"
      "env CTXHEAP_DISPATCH=hooks $bin/alloc_workload_ctxheap 2 $pairs"
      "env CTXHEAP_DISPATCH=hooks CTXHEAP_MODE=sampled $bin/alloc_workload_ctxheap 2 $pairs"
      "$bin/alloc_workload_ctxheap 1 $pairs"
      "$bin/alloc_workload_tcmalloc 1 $pairs"
      "$bin/request_workload_tcmalloc 3 $pairs"
      "$bin/request_workload_ctxheap 3 $pairs"
      "env CTXHEAP_EXACT_OWNER=table $bin/request_workload_ctxheap 3 $pairs"
      "env CTXHEAP_MODE=sampled $bin/request_workload_ctxheap 3 $pairs"
      "env CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=0 $bin/alloc_workload_ctxheap 1 $pairs"
      "env CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=1 $bin/alloc_workload_ctxheap 1 $pairs"
      "env CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=1 CTXHEAP_UNWIND=libunwind $bin/alloc_workload_ctxheap 1 $pairs"
      "env HEAPPROFILE=$tmp/hp HEAP_PROFILE_ALLOCATION_INTERVAL=0 HEAP_PROFILE_INUSE_INTERVAL=0 $bin/alloc_workload_tcmalloc 2 $pairs")
if command -v heaptrack >/dev/null; then
  names+=(heaptrack)
  labels+=("heaptrack (record only)")
  cmds+=("env -C $tmp heaptrack --raw $bin/alloc_workload_glibc 2 $pairs")
fi

for ((r = 0; r < rounds; r++)); do
  for i in "${!names[@]}"; do
    line=$(${cmds[$i]} 2>/dev/null | grep '^seconds=') || true
    s=$(sed -n 's/^seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    c=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    [ -n "$s" ] && [ -n "$c" ] || { echo "bench_collector: '${cmds[$i]}' failed" >&2; exit 1; }
    echo "${names[$i]} $s $c" >>"$tmp/times"
  done
done
side=$(CTXHEAP_EXACT_OWNER=table "$bin/alloc_workload_ctxheap" 2 100000 2000000 | sed -n 's/^side_table_bytes_per_block=\([0-9.]*\).*/\1/p')
header=$(CTXHEAP_WORKLOAD_HEADER_BYTES=1 "$bin/alloc_workload_ctxheap" 2 100000 | sed -n 's/^header_bytes_per_live_block=\([0-9.]*\).*/\1/p')
req_header=$(CTXHEAP_WORKLOAD_HEADER_BYTES=1 "$bin/request_workload_ctxheap" 3 100000 | sed -n 's/^header_bytes_per_live_block=\([0-9.]*\).*/\1/p')

# median NAME [COLUMN]: column 2 is wall seconds, 3 is CPU seconds (all threads of the
# measured process; heaptrack's recorder runs partly outside it).
median() { awk -v k="$1" -v f="${2:-2}" '$1 == k {print $f}' "$tmp/times" | sort -g |
  awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(median tcmalloc)
cbase=$(median tcmalloc 3)
echo "workload: $pairs alloc/free pairs, sizes 16 B - 64 KiB; median of $rounds interleaved rounds"
printf '%-36s %10s %12s %10s %12s\n' "allocator / profiler" "seconds" "vs tcmalloc" "CPU s" "vs tcmalloc"
for i in "${!names[@]}"; do
  awk -v l="${labels[$i]}" -v s="$(median "${names[$i]}")" -v b="$base" \
      -v c="$(median "${names[$i]}" 3)" -v cb="$cbase" \
      'BEGIN {printf "%-36s %10.3f %11.2fx %10.3f %11.2fx\n", l, s, s / b, c, c / cb}'
done
awk -v e1="$(median exact_1t)" -v e2="$(median exact)" -v t1="$(median tcmalloc_1t)" -v t2="$base" 'BEGIN {
  printf "2-thread throughput vs 1 thread:     ctxheap exact %.2fx, tcmalloc alone %.2fx\n", e1 / e2, t1 / t2 }'
echo "side table: $side bytes per live tagged block (2,000,000 live); block headers: $header (alloc workload), $req_header (request workload) more tcmalloc bytes per live block"
# Nanoseconds added per alloc/free pair (wall, per thread: each thread does pairs/threads).
awk -v t="$base" -v e="$(median exact)" -v et="$(median exact_table)" -v s="$(median sampled)" -v rt="$(median req_tcmalloc)" \
    -v re="$(median req_exact)" -v ret="$(median req_exact_table)" -v rs="$(median req_sampled)" -v n="$pairs" 'BEGIN {
  printf "ns added per pair (alloc workload, per thread): exact %.1f (side table %.1f), sampled-only %.1f\n",
    (e - t) * 2e9 / n, (et - t) * 2e9 / n, (s - t) * 2e9 / n
  printf "request workload vs tcmalloc: exact %.2fx (side table %.2fx), sampled-only %.2fx; ns added per pair (per thread): exact %.1f (side table %.1f), sampled-only %.1f\n",
    re / rt, ret / rt, rs / rt, (re - rt) * 3e9 / n, (ret - rt) * 3e9 / n, (rs - rt) * 3e9 / n }'
# One thread, every allocation sampled, minus no samples: the cost of one captured sample
# (its stack, site and sampled block), with the cached unwind rules and with libunwind.
awk -v z="$(median every_none_1t)" -v r="$(median every_rules_1t)" -v u="$(median every_libunwind_1t)" -v n="$pairs" 'BEGIN {
  printf "ns per captured sample (1 thread): cached unwind rules %.1f, libunwind %.1f (%.2fx)\n",
    (r - z) * 1e9 / n, (u - z) * 1e9 / n, (u - z) / (r - z) }'
