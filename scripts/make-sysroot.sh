#!/usr/bin/env bash
# Makes the sysroot the release binary is linked against: glibc 2.31 and GCC 10's static runtime libraries from
# Debian 11, the packages and versions listed in build-support/sysroot-packages.txt, unpacked into DIR. Linking
# against an older glibc binds its older symbol versions, so the binary runs there and on every newer glibc;
# build-support/README.md says why this route, and build-support/glibc-compat.c covers the rest down to 2.28.
#
#   scripts/make-sysroot.sh DIR          (the Makefile calls it; DIR is made once and reused)
#
# Needs apt-get (for download and signature checks, run unprivileged with a private state directory), dpkg-deb and
# Debian's archive keyring. The mirror is the one this machine's apt uses (scripts/debian-mirror.sh). Everything it
# prints goes to stderr: `make print-build-flags` may run it, and its standard output is read.
set -euo pipefail
exec 3>&1 1>&2

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
list=$repo_root/build-support/sysroot-packages.txt
dir=${1:?usage: make-sysroot.sh DIR}
stamp=$dir/.packages

# Done already, from this very list: nothing to do.
if [ -f "$stamp" ] && cmp -s "$stamp" "$list"; then exit 0; fi

mkdir -p "$(dirname "$dir")"
# Two builds at once (the package tests and the benchmark) make it once: the second waits, then finds it done.
exec 9>"$dir.lock"
flock 9
if [ -f "$stamp" ] && cmp -s "$stamp" "$list"; then exit 0; fi

for tool in apt-get dpkg-deb flock; do
    command -v "$tool" >/dev/null || { echo "make-sysroot.sh: $tool is needed (a Debian or Ubuntu build machine)" >&2; exit 1; }
done
keyring=${OCC_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$keyring" ] || { echo "make-sysroot.sh: $keyring is missing: apt-get install debian-archive-keyring" >&2; exit 1; }
mirror=$(bash "$repo_root/scripts/debian-mirror.sh")
suite=$(sed -n 's/^suite[[:space:]]\+//p' "$list")
mapfile -t packages < <(sed -n 's/^package[[:space:]]\+\([^[:space:]]*\)[[:space:]]\+\([^[:space:]]*\).*/\1=\2/p' "$list")
[ -n "$suite" ] && [ ${#packages[@]} -gt 0 ] || { echo "make-sysroot.sh: $list names no suite or packages" >&2; exit 1; }

work=$(mktemp -d "$dir.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
echo "deb [arch=amd64 signed-by=$keyring] $mirror $suite main" >"$work/sources.list"
apt=(apt-get -q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State=$work/state" -o "Dir::State::status=/dev/null" -o "Dir::Cache=$work/cache"
     -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" -o APT::Architecture=amd64)
echo "make-sysroot.sh: Debian $suite packages from $mirror into $dir"
"${apt[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log"; exit 1; }
# Exact versions: the same sysroot wherever it is made (apt checks each file against the signed index).
(cd "$work/debs" && "${apt[@]}" download "${packages[@]}") >"$work/download.log" 2>&1 || { cat "$work/download.log"; exit 1; }
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

# Debian's links are absolute (/lib/x86_64-linux-gnu/libpthread.so.0): made relative, so that the linker, which
# follows a link as the file system does, finds the sysroot's file and not the building machine's.
while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$work/root$target")" "$link"
done < <(find "$work/root" -type l -lname '/*' -print0)
# Debian 11 is not merged-/usr: /lib64 holds the loader that libc.so's linker script names.
[ -e "$work/root/lib64/ld-linux-x86-64.so.2" ] || { echo "make-sysroot.sh: no /lib64/ld-linux-x86-64.so.2 in the packages" >&2; exit 1; }

cp "$list" "$work/root/.packages"
rm -rf "$dir"
mv "$work/root" "$dir"
echo "make-sysroot.sh: done ($(du -sh "$dir" | cut -f1))"
