#!/usr/bin/env bash
# Uses ctxheap the three ways a user outside its tree would, against this build tree:
#   find_package  cmake --install into a temporary prefix; tests/consumer configured with
#                 find_package(ctxheap), built, run; the installed ctxheap checks its snapshot
#   pkg-config    the same prefix; consumer.cpp compiled with `pkg-config --cflags --libs
#                 ctxheap-collector` alone, run, checked
#   deb           cpack -G DEB; the .deb unpacked with dpkg-deb -x into a temporary root
#                 (nothing is installed on the machine); its ctxheap --version runs and its
#                 .pc and CMake package files are in place
#   subproject    tests/consumer/subproject (add_subdirectory of this source tree)
#                 configured: the host's build type untouched, no tests/samples/CLI/GUI
# Usage: run_consumer_test.sh find_package|pkg-config|deb|subproject BUILD_DIR CXX
# Every temporary file lives under one directory, removed on any exit.
set -euo pipefail

mode=$1
build=$(cd "$2" && pwd)
cxx=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctxheap-consumer-$mode.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() { echo "consumer test ($mode): $*" >&2; exit 1; }

# ctxheap check on the snapshot must exit 1 (the gate failed) and name the leaking parent.
check_snapshot() {
  local ctxheap=$1 snapshot=$2 rc=0
  [ -s "$snapshot" ] || fail "no snapshot written at $snapshot"
  "$ctxheap" check "$snapshot" > "$tmp/check.txt" 2>&1 || rc=$?
  cat "$tmp/check.txt"
  [ "$rc" -eq 1 ] || fail "ctxheap check exited $rc, expected 1 (leak found)"
  grep -q '"consumer-server"' "$tmp/check.txt" || fail "ctxheap check did not name consumer-server"
}

install_prefix() {
  cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }
}

case "$mode" in
  find_package)
    install_prefix
    cmake -S "$here" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/configure.log" \
      || { cat "$tmp/configure.log"; fail "configure with find_package(ctxheap) failed"; }
    cmake --build "$tmp/build" || fail "build failed"
    "$tmp/build/consumer" "$tmp/app.ctxheap" || fail "the consumer failed"
    check_snapshot "$tmp/prefix/bin/ctxheap" "$tmp/app.ctxheap"
    ;;
  pkg-config)
    install_prefix
    flags=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs ctxheap-collector) \
      || fail "pkg-config does not know ctxheap-collector"
    echo "pkg-config --cflags --libs ctxheap-collector: $flags"
    # shellcheck disable=SC2086  # the flags are words
    "$cxx" -std=c++20 -O1 "$here/consumer.cpp" -o "$tmp/consumer" $flags || fail "build with pkg-config flags failed"
    "$tmp/consumer" "$tmp/app.ctxheap" || fail "the consumer failed"
    check_snapshot "$tmp/prefix/bin/ctxheap" "$tmp/app.ctxheap"
    ;;
  deb)
    cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/cpack" > "$tmp/cpack.log" \
      || { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
    deb=$(find "$tmp/cpack" -maxdepth 1 -name 'ctxheap_*.deb' | head -n 1)
    [ -n "$deb" ] || fail "cpack wrote no ctxheap_*.deb"
    dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Depends):'
    dpkg-deb -x "$deb" "$tmp/root"
    version=$("$tmp/root/usr/bin/ctxheap" --version) || fail "the packaged ctxheap --version failed"
    echo "packaged: $version"
    for f in usr/lib/cmake/ctxheap/ctxheapConfig.cmake usr/lib/pkgconfig/ctxheap-collector.pc \
             usr/include/ctxheap/context/all.hpp usr/include/ctxheap/collector/collector.hpp; do
      [ -f "$tmp/root/$f" ] || fail "the package has no /$f"
    done
    ;;
  subproject)
    cmake -S "$here/subproject" -B "$tmp/build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
      -DCTXHEAP_SOURCE_DIR="$here/../.." > "$tmp/configure.log" 2>&1 \
      || { cat "$tmp/configure.log"; fail "configure as a subproject failed"; }
    grep 'ctxheap subproject:' "$tmp/configure.log"
    ;;
  *) fail "unknown mode" ;;
esac
echo "consumer test ($mode): passed"
