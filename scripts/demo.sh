#!/usr/bin/env bash
# The main job: set up, build, and run the handler_leak sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
echo
./build/release/samples/handler_leak
