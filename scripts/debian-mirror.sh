#!/usr/bin/env bash
# Prints the Debian archive this machine's apt already uses (its first `deb` source that is not the security
# archive), for fetching Debian 11 packages: the release link's sysroot (make-sysroot.sh) and the older-userland
# test root. No address is written into the project: whatever mirror the builder has configured is used, and
# OCC_DEBIAN_MIRROR overrides it. Exits 1, saying why, where none can be found (not a Debian or Ubuntu system).
set -euo pipefail

if [ -n "${OCC_DEBIAN_MIRROR:-}" ]; then
    echo "$OCC_DEBIAN_MIRROR"
    exit 0
fi

candidates() {
    local file
    # deb822 files (Debian 12+): a stanza's "URIs:" line.
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -r "$file" ] || continue
        awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$file"
    done
    # One-line files: "deb [options] URI suite components".
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$file" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; break } }' "$file"
    done
}

# The main Debian archive: a path ending in /debian (not debian-security, not a third party's repository).
mirror=$(candidates | grep -E '^(https?|file)://[^ ]*/debian/?$' | head -n 1 || true)
if [ -z "$mirror" ]; then
    echo "no Debian archive found in /etc/apt/sources.list{,.d}: set OCC_DEBIAN_MIRROR to a Debian mirror's URL" >&2
    exit 1
fi
echo "${mirror%/}"
