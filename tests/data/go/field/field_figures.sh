#!/usr/bin/env bash
# The figures of docs/interop.md "Go services in production": RUNS (default 20) fresh,
# independent default-rate runs of each field program (Go 1.23, generate_field.sh into a
# temporary folder), each gated with `ctxheap check` the way a user would:
#   leaks held by goroutines (workers, bridge): heap + goroutine profile of one moment;
#   children-map and timer-held leaks (stopper, podworkers, timerheld) and the controls:
#   the series heap_before + heap.
# Prints one Markdown row per scenario: how many runs got the expected verdict (and, for
# leaks, named the expected creation site).
# usage: field_figures.sh [CTXHEAP=build/release/analyzer/cli/ctxheap] [RUNS=20]
# FIELD_PROFILES=DIR gates the runs already written there by generate_field.sh (DIR RUNS)
# instead of generating fresh ones, e.g. to gate one set of runs with two builds.
set -euo pipefail
source "$(dirname "$0")/field_runs.sh" "$@"

# scenario inputs expected-exit site
cases=(
  "workers goroutine 1 main.startWorkers"
  "bridge goroutine 1 main.serve"
  "stopper series 1 WithCancelOnQuiesce"
  "podworkers series 1 main.managePodLoop"
  "timerheld series 1 main.attempt"
  "stopper_fixed series 0 -"
  "podworkers_fixed series 0 -"
  "timerheld_fixed series 0 -"
  "workers_fixed goroutine 0 -"
  "bridge_fixed goroutine 0 -"
  "busy series 0 -"
  "burst series 0 -"
)
echo "| scenario | inputs | expected | right |"
echo "| --- | --- | --- | ---: |"
for c in "${cases[@]}"; do
  read -r name inputs want site <<<"$c"
  right=0
  for r in $(seq 1 "$runs"); do
    d=$work/go1.23/default/run$r/$name
    if [ "$inputs" = goroutine ]; then args=("$d/heap.pb.gz" "$d/goroutine.pb.gz"); else args=("$d/heap_before.pb.gz" "$d/heap.pb.gz"); fi
    set +e
    out=$("$ctxheap" check "${args[@]}" 2>&1)
    code=$?
    set -e
    if [ "$code" = "$want" ] && { [ "$site" = - ] || grep -q -- "$site" <<<"$out"; }; then right=$((right + 1)); fi
  done
  verdict=$([ "$want" = 1 ] && echo "fail, $site" || echo pass)
  echo "| $name | $([ "$inputs" = goroutine ] && echo "heap + goroutine" || echo "heap_before + heap") | $verdict | $right / $runs |"
done
