#!/usr/bin/env bash
# The main job: set up and build, then find a leak and confirm its fix.
#   1. run the handler_leak sample under the collector: two snapshots in build/release/demo;
#   2. `ctxheap report` on the last snapshot names the leak in one sentence;
#   3. the HTML report of both snapshots goes to build/release/demo/report.html;
#   4. run handler_fixed (the same server with the fix) and `ctxheap diff` shows the suspect fixed.
# With --no-build it skips setup and build (the binaries must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" != "--no-build" ]]; then
  bash scripts/build.sh release
fi
bin=build/release
out=$bin/demo
mkdir -p "$out"
rm -f "$out"/handler_leak.*.ctxheap "$out"/handler_fixed.*.ctxheap "$out"/report.html

ctxheap() { "$bin/analyzer/cli/ctxheap" "$@"; }
# Shows a command as typed (with `ctxheap` for the binary's path), then runs it.
show() {
  echo
  echo "\$ $*"
  "$@"
}

show "$bin/samples/handler_leak" --out "$out/handler_leak"
show ctxheap report "$out/handler_leak.0002.ctxheap"
show ctxheap report -o "$out/report.html" "$out/handler_leak.0001.ctxheap" "$out/handler_leak.0002.ctxheap"
echo "wrote $out/report.html: open it in a browser"
show "$bin/samples/handler_fixed" --out "$out/handler_fixed"
show ctxheap diff "$out/handler_leak.0002.ctxheap" "$out/handler_fixed.0002.ctxheap"
