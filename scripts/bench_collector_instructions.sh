#!/usr/bin/env bash
# Instructions the collector adds per allocation/free pair, counted by cachegrind (valgrind
# --tool=cachegrind): deterministic, so unaffected by other programs on the machine. Each
# variant runs at two sizes; (Ir(large) - Ir(small)) / (pairs(large) - pairs(small)) is its
# instructions per pair with start-up and exit removed, printed beside tcmalloc alone's.
# Exact mode runs with both owner designs (block headers, the default; the side table,
# CTXHEAP_EXACT_OWNER=table). Workloads: tests/bench/alloc_workload.cpp (malloc/free, 2 threads) and
# tests/bench/request_workload.cpp (operator new/delete, 3 threads, one context each).
# Usage: scripts/bench_collector_instructions.sh [small] [large]   (default 100000 300000)
set -euo pipefail
cd "$(dirname "$0")/.."
small="${1:-100000}"
large="${2:-300000}"
bin="$PWD/build/release/tests/bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v valgrind >/dev/null || { echo "bench_collector_instructions: valgrind is not installed" >&2; exit 2; }

# instructions PROGRAM THREADS PAIRS ENV...: total Ir of the program (all threads), run
# with the ENV assignments (given to valgrind, which passes them on).
instructions() {
  local program="$1" threads="$2" n="$3"
  shift 3
  rm -f "$tmp/out"
  env "$@" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$tmp/out" "$program" "$threads" "$n" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$tmp/out"
}

# per_pair THREADS-ARG PROGRAM [ENV...]: instructions per pair.
per_pair() {
  local threads="$1" program="$2"
  shift 2
  local a b
  a=$(instructions "$program" "$threads" "$small" "$@")
  b=$(instructions "$program" "$threads" "$large" "$@")
  awk -v a="$a" -v b="$b" -v s="$small" -v l="$large" 'BEGIN {printf "%.0f", (b - a) / (l - s)}'
}

row() {  # label threads program env...
  local label="$1" threads="$2" program="$3"
  shift 3
  local ir
  ir=$(per_pair "$threads" "$program" "$@")
  printf '%-44s %8s %10s\n' "$label" "$ir" "$(awk -v i="$ir" -v b="$base" 'BEGIN {printf "%+d", i - b}')"
}

for workload in alloc request; do
  if [ "$workload" = alloc ]; then threads=2; else threads=3; fi
  echo "$workload workload ($threads threads): instructions per alloc/free pair"
  printf '%-44s %8s %10s\n' "variant" "Ir/pair" "added"
  base=$(per_pair "$threads" "$bin/${workload}_workload_tcmalloc" CTXHEAP_UNUSED=1)
  printf '%-44s %8s %10s\n' "tcmalloc alone" "$base" "+0"
  row "ctxheap exact (interposed)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_SAMPLE=524288
  row "ctxheap exact, sampling off (interposed)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_SAMPLE=0
  row "ctxheap exact, side table (interposed)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_EXACT_OWNER=table CTXHEAP_SAMPLE=524288
  row "ctxheap exact, side table, sampling off" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_EXACT_OWNER=table CTXHEAP_SAMPLE=0
  row "ctxheap sampled-only (interposed)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_MODE=sampled
  row "ctxheap sampled-only, no samples (interposed)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=0
  row "ctxheap sampled-only, libunwind stacks" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_MODE=sampled CTXHEAP_UNWIND=libunwind
  # Every allocation sampled: minus the no-samples row, the cost of one captured sample
  # (the stack, the site, the sampled block), with each unwinder.
  row "ctxheap sampled-only, every allocation sampled" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=1
  row "  the same, libunwind stacks" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=1 CTXHEAP_UNWIND=libunwind
  row "ctxheap exact (hooks)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_DISPATCH=hooks
  row "ctxheap sampled-only (hooks)" "$threads" "$bin/${workload}_workload_ctxheap" CTXHEAP_DISPATCH=hooks CTXHEAP_MODE=sampled
  echo
done
