#!/bin/sh
# Regenerates the Go profiles in tests/data/go/ from these sources with the Go toolchain
# (Debian golang-go). Run from anywhere; writes next to this directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
cd "$here"
export GOFLAGS=-mod=mod GOCACHE="${GOCACHE:-$(mktemp -d)}"
for case in timerleak burst mapleak; do
  go run "./$case" "$out/$case.heap.pb.gz"
done
go run ./blocked "$out/blocked.goroutine.pb.gz"
