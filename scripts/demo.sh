#!/usr/bin/env bash
# The main job: set up, build, then run the handler_leak sample under the collector; it
# writes two snapshots into build/release/demo and prints what each holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
out=build/release/demo
mkdir -p "$out"
echo
./build/release/samples/handler_leak --out "$out/handler_leak"
