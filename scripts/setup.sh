#!/usr/bin/env bash
# Installs, from Debian's archive, every package ctxheap needs to build, test and
# benchmark; only what is missing, so a second run is quick and offline-safe.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgoogle-perftools-dev google-perftools
  libgtest-dev libgmock-dev libbenchmark-dev
  libprotobuf-dev protobuf-compiler libzstd-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libdw-dev libelf-dev libunwind-dev libasio-dev libcurl4-openssl-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev
  xvfb xauth
  golang-go heaptrack
  python3 valgrind
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
