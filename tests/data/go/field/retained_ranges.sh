#!/usr/bin/env bash
# The retained-bytes figures of docs/interop.md "Go services in production": for the
# children-map and timer-held leaks (stopper, podworkers, timerheld), how many of RUNS
# default-rate runs (Go 1.23, the series heap_before + heap) report a retained range that
# holds the truth: what the full-rate Go 1.23 profile of the same program retains (the
# committed profiles/go1.23/full series, analysed the same way, where every count is exact).
# Prints one Markdown row per scenario.
# usage: retained_ranges.sh [CTXHEAP=build/release/analyzer/cli/ctxheap] [RUNS=20]
# FIELD_PROFILES=DIR reads the runs already written there by generate_field.sh (DIR RUNS)
# instead of generating fresh ones. VERBOSE=1 prints each run's value and range.
set -euo pipefail
source "$(dirname "$0")/field_runs.sh" "$@"

# The stale group created at `site` in a JSON report: "bytes low high", or "- - -".
group_of() {  # site < report.json
  python3 -c '
import json, sys
groups = [g for g in json.load(sys.stdin)["stale_groups"] if sys.argv[1] in g["site"].get("function", "")]
g = max(groups, key=lambda g: g["retained_bytes"]) if groups else None
print(*( (g["retained_bytes"], g["retained_bytes_low"], g["retained_bytes_high"]) if g else ("-", "-", "-")))' "$1"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

echo "| scenario | truth (full rate) | truth inside the reported range | widest range |"
echo "| --- | ---: | ---: | --- |"
for c in "stopper WithCancelOnQuiesce" "podworkers main.managePodLoop" "timerheld main.attempt"; do
  read -r name site <<<"$c"
  full=$here/profiles/go1.23/full/$name
  read -r truth _ _ < <("$ctxheap" report -f json --findings all "$full/heap_before.pb.gz" "$full/heap.pb.gz" | group_of "$site")
  inside=0 widest=""
  widest_span=0
  for r in $(seq 1 "$runs"); do
    d=$work/go1.23/default/run$r/$name
    read -r value low high < <("$ctxheap" report -f json --findings all "$d/heap_before.pb.gz" "$d/heap.pb.gz" | group_of "$site")
    [ "${VERBOSE:-0}" = 1 ] && echo "  $name run$r: $value [$low, $high] truth $truth" >&2
    [ "$value" = - ] && continue
    if [ "$low" -le "$truth" ] && [ "$truth" -le "$high" ]; then inside=$((inside + 1)); fi
    if [ $((high - low)) -gt "$widest_span" ]; then widest_span=$((high - low)); widest="$(mib "$low" | cut -d' ' -f1)–$(mib "$high")"; fi
  done
  echo "| $name | $(mib "$truth") | $inside / $runs | $widest |"
done
