#!/usr/bin/env bash
# Builds dist/orchestrator-client-<version>-linux-<arch>.tar.gz from a release binary, for systems other than
# Debian's: the stripped binary, the completions, the man page, README, CHANGELOG and LICENSE in one top-level
# directory orchestrator-client-<version>/, then dist/SHA256SUMS. Prints what the binary needs to run.
#
#   scripts/build-dist.sh BINARY [DIST_DIR]        (make dist builds BINARY first)
#
# Needs: GNU tar, gzip, binutils (strip, readelf, objdump), coreutils.
set -euo pipefail
source "$(dirname "$0")/release-common.sh"

binary=${1:?usage: build-dist.sh BINARY [DIST_DIR]}
dist=${2:-$repo_root/dist}
name=orchestrator-client-$version
tarball=$name-linux-$(architecture).tar.gz

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
top=$work/$name
umask 022

# The same layout as the repository's, so README's install lines work from inside the directory.
install_stripped_binary "$binary" "$top/orchestrator-client"
check_binary_version "$top/orchestrator-client"
for file in completions/orchestrator-client.bash completions/_orchestrator-client completions/orchestrator-client.fish \
    man/orchestrator-client.1 README.md CHANGELOG.md LICENSE; do
    install -D -m 644 "$repo_root/$file" "$top/$file"
done

mkdir -p "$dist"
# Sorted, root-owned and dated SOURCE_DATE_EPOCH, gzip without a name or time: the same commit gives the same bytes.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$work" -cf - "$name" \
    | gzip -9n >"$dist/$tarball"
write_checksums "$dist"
echo "built $dist/$tarball ($(du -k "$dist/$tarball" | cut -f1) KiB)"
print_runtime_requirements "$top/orchestrator-client"
