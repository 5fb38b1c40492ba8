#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine, then builds.
# libcurl4-openssl-dev: the HTTP library; bash-completion, zsh, fish: completion tests run in the real shells;
# mandoc: man page lint; hyperfine: the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libcurl4-openssl-dev pkg-config bash-completion zsh fish mandoc man-db hyperfine)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
swift build --build-tests
