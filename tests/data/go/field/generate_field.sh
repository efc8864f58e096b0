#!/usr/bin/env bash
# Builds the field programs under src/ (standard library only) with Go 1.19, 1.21, 1.22
# and 1.23 and writes their heap and goroutine profiles, as proto (debug=0) and legacy
# text (debug=1), into OUT (default: profiles/ next to this script):
#   OUT/go<V>/full/<scenario>/        every allocation recorded (MemProfileRate 1), each version
#   OUT/go1.23/default/runN/<scenario>/   Go's default rate (512 KiB), RUNS independent runs
# Each folder holds heap_before (before the requests), heap, goroutine (.pb.gz and .txt).
# Full-rate text files are large; only go1.23/full/stopper keeps them (KEEP_ALL_TEXT=1 keeps all).
# usage: generate_field.sh [OUT] [RUNS=5]   (GO_VERSIONS="1.23" limits the toolchains,
# FULL_RATE=0 writes the default-rate runs only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/profiles}
runs=${2:-5}
versions=${GO_VERSIONS:-1.19 1.21 1.22 1.23}
scenarios="stopper stopper:fixed podworkers podworkers:fixed timerheld timerheld:fixed workers workers:fixed bridge bridge:fixed busy burst"

bash "$here/install_toolchains.sh"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE=${GOCACHE:-$work/cache}

go_of() { if [ "$1" = 1.19 ]; then echo /usr/lib/go-1.19/bin/go; else echo "/usr/lib/go-$1/bin/go"; fi; }

run_all() {  # version rate folder
  local v=$1 rate=$2 dir=$3 s prog flags name
  for s in $scenarios; do
    prog=${s%%:*}
    flags=()
    name=$prog
    if [ "$s" != "$prog" ]; then flags=(-fixed); name=${prog}_fixed; fi
    "$work/go$v/$prog" -rate "$rate" -out "$dir/$name" "${flags[@]}"
  done
}

for v in $versions; do
  [ "${FULL_RATE:-1}" = 1 ] || [ "$v" = 1.23 ] || continue
  (cd "$here/src" && for p in stopper podworkers timerheld workers bridge busy burst; do
     "$(go_of "$v")" build -trimpath -o "$work/go$v/$p" "./$p"
   done)
  [ "${FULL_RATE:-1}" = 1 ] || continue
  rm -rf "$out/go$v/full"
  run_all "$v" full "$out/go$v/full"
  if [ "${KEEP_ALL_TEXT:-0}" != 1 ]; then
    find "$out/go$v/full" -name 'heap*.txt' ! -path "*/go1.23/full/stopper/*" -delete
  fi
  echo "go$v full: done"
done

if [[ " $versions " == *" 1.23 "* ]]; then
  rm -rf "$out/go1.23/default"
  for r in $(seq 1 "$runs"); do
    run_all 1.23 default "$out/go1.23/default/run$r"
  done
  echo "go1.23 default: $runs runs done"
fi
