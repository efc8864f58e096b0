#!/usr/bin/env bash
# Context runtime benchmark: ctxheap's create+cancel loops and the same loops in Go's
# context package, measured in one run on this machine, round by round. Prints medians
# of the rounds (5 by default) and the ratio.
# Usage: scripts/bench.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
bash scripts/build.sh release >/dev/null
out=build/release/bench
mkdir -p "$out"

# Rounds interleave the two sides (ctxheap, its libunwind rows, then Go), so a machine whose
# load drifts during the run weighs on both alike; each round is one sample of each row.
(cd tests/bench/go_context && GOCACHE="$PWD/../../../$out/gocache" GOFLAGS=-mod=mod \
  go test -c -o "$PWD/../../../$out/go_context.test" .)
: >"$out/cpp.csv"
: >"$out/go.txt"
for _ in $(seq 1 "$reps"); do
  ./build/release/tests/bench/bench_context --benchmark_filter='CreateCancel' \
    --benchmark_format=csv 2>/dev/null >>"$out/cpp.csv"
  # The same 16-frame loops with libunwind capturing the stacks (the unwinder before the
  # frame rules; CTXHEAP_UNWIND=libunwind), as rows of their own.
  CTXHEAP_UNWIND=libunwind ./build/release/tests/bench/bench_context --benchmark_filter='CreateCancel.*stack_depth:16' \
    --benchmark_format=csv 2>/dev/null | sed 's/^"BM_\([A-Za-z]*\)/"BM_\1_libunwind/' >>"$out/cpp.csv"
  "$out/go_context.test" -test.run '^$' -test.bench . -test.cpu 1,2 -test.count 1 >>"$out/go.txt"
done

# One line per (loop, threads): ns per operation across all threads (wall time / total ops).
awk -F, -v golabel="$(go version | awk '{sub(/^go/, "Go ", $3); print $3}')" '
  FNR == NR {                      # Google Benchmark CSV: name,iterations,real_time,...,items_per_second,...
    if ($1 !~ /^"BM_/ || $1 ~ /_(mean|median|stddev|cv)"$/) next
    name = $1; gsub(/"/, "", name)
    loop = name; sub(/^BM_/, "", loop); sub(/\/.*/, "", loop)
    depth = name; sub(/.*stack_depth:/, "", depth); sub(/\/.*/, "", depth)
    thr = name; sub(/.*threads:/, "", thr)
    key = loop " depth=" depth " threads=" thr
    cpp[key] = cpp[key] " " (1e9 / $7)
    next
  }
  /^Benchmark/ {                    # go test: BenchmarkX-2   N   123 ns/op
    split($0, f, /[ \t]+/)
    loop = f[1]; sub(/^Benchmark/, "", loop); thr = 1
    if (match(loop, /-[0-9]+$/)) { thr = substr(loop, RSTART + 1); loop = substr(loop, 1, RSTART - 1) }
    go[loop " threads=" thr] = go[loop " threads=" thr] " " f[3]
  }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-44s %14s %14s %10s\n", "loop (ns per op, all threads)", "ctxheap", golabel, "Go/ctxheap"
    for (k in cpp) {
      split(k, p, " "); gl = p[1]; sub(/_libunwind$/, "", gl); gk = gl " " p[3]
      c = median(cpp[k]); g = (gk in go) ? median(go[gk]) : 0
      printf "%-44s %14.1f %14s %10s\n", k, c, g ? sprintf("%.1f", g) : "-", g ? sprintf("%.2fx", g / c) : "-"
    }
  }' "$out/cpp.csv" "$out/go.txt" | sort -r
