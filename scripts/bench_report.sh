#!/usr/bin/env bash
# Analyzer scale: a full `ctxheap report` (HTML) on synthetic snapshots of 10k, 100k and 1M
# contexts, wide and deep trees, each in its own process; prints median wall time and peak
# RSS per size and the 100k->1M cost ratio (10.0 = linear).
# Usage: scripts/bench_report.sh [runs] [max_contexts]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release >/dev/null
build/release/tests/bench/bench_report_scale "${1:-3}" "${2:-1000000}"
