#!/usr/bin/env bash
# Installs the Go toolchains the field fixtures are built with: Debian 12's golang-go (1.19)
# and golang-1.21-go, golang-1.22-go, golang-1.23-go from Debian's bookworm-backports suite
# (the same archive). Only the fixture generator needs them; the tests read committed profiles.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
list=/etc/apt/sources.list.d/bookworm-backports.list
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee "$list" >/dev/null
  $SUDO apt-get update -q
fi
want=(golang-go golang-1.21-go golang-1.22-go golang-1.23-go)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports "${missing[@]}"
fi
