#!/usr/bin/env bash
# Instructions per context create+cancel (tests/bench/create_cancel_loop.cpp, one thread),
# counted by cachegrind: deterministic, so unaffected by other programs on the machine.
# Each variant runs at two loop counts; the difference over the difference in loops removes
# start-up and exit. Rows: no creation stack, and the default 16-frame stack captured by
# the frame-rule walk (the default) and by libunwind (CTXHEAP_UNWIND=libunwind, before).
# Usage: scripts/bench_context_instructions.sh [small] [large]   (default 20000 60000)
set -euo pipefail
cd "$(dirname "$0")/.."
small="${1:-20000}"
large="${2:-60000}"
program="$PWD/build/release/tests/bench/create_cancel_loop"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v valgrind >/dev/null || { echo "bench_context_instructions: valgrind is not installed" >&2; exit 2; }
[ -x "$program" ] || { echo "bench_context_instructions: build the release preset first ($program)" >&2; exit 2; }

instructions() {  # depth loops env...
  local depth="$1" n="$2"
  shift 2
  rm -f "$tmp/out"
  env "$@" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$tmp/out" "$program" "$depth" "$n" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$tmp/out"
}

per_loop() {  # depth env...
  local a b
  a=$(instructions "$1" "$small" "${@:2}")
  b=$(instructions "$1" "$large" "${@:2}")
  awk -v a="$a" -v b="$b" -v s="$small" -v l="$large" 'BEGIN {printf "%.0f", (b - a) / (l - s)}'
}

base=$(per_loop 0 CTXHEAP_UNUSED=1)
printf '%-52s %10s %10s\n' "create+cancel (with_cancel), 1 thread" "Ir/loop" "stack"
printf '%-52s %10s %10s\n' "no creation stack" "$base" "+0"
for variant in "frame rules (default)|CTXHEAP_UNUSED=1" "libunwind (CTXHEAP_UNWIND=libunwind)|CTXHEAP_UNWIND=libunwind"; do
  ir=$(per_loop 16 "${variant#*|}")
  printf '%-52s %10s %10s\n' "16-frame stack, ${variant%%|*}" "$ir" "$(awk -v i="$ir" -v b="$base" 'BEGIN {printf "%+d", i - b}')"
done
