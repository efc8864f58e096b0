# Sourced by field_figures.sh and retained_ranges.sh with their arguments: the ctxheap binary
# (CTXHEAP, default build/release/analyzer/cli/ctxheap), RUNS (default 20), and `work`, a
# folder holding RUNS default-rate Go 1.23 runs of every field program: FIELD_PROFILES when
# set (runs already written by generate_field.sh DIR RUNS), else fresh runs generated into a
# temporary folder removed on exit.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../../.." && pwd)
ctxheap=${1:-$root/build/release/analyzer/cli/ctxheap}
runs=${2:-20}
if [ -n "${FIELD_PROFILES:-}" ]; then
  work=$FIELD_PROFILES
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  GO_VERSIONS=1.23 FULL_RATE=0 bash "$here/generate_field.sh" "$work" "$runs" >/dev/null
fi
