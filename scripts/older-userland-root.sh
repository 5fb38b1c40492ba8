#!/usr/bin/env bash
# A Debian 11 ("bullseye": glibc 2.31, libcurl 7.74, OpenSSL 1.1.1) root, to install and run the release files on
# an older userland than the one they are built on (OlderUserlandTests).
#
#   scripts/older-userland-root.sh make DIR                       a fresh root in DIR (new or empty)
#   scripts/older-userland-root.sh run DIR [NAME=VALUE...] CMD... CMD inside DIR (chroot), with /proc and /dev
#   scripts/older-userland-root.sh remove DIR                     unmounts whatever is left, deletes DIR
#
# The root is made once with debootstrap, from the Debian mirror this machine's apt uses (debian-mirror.sh), and
# kept as a tarball outside the checkout (CI runs in a fresh clone each time):
# ${OCC_USERLAND_CACHE:-/var/cache/orchestrator-client}/bullseye-amd64-root.tar. Each `make` unpacks it into its own
# DIR, so runs never see each other's changes. A lock (flock) lets only one run debootstrap; the others wait for
# its tarball. The tarball is made again when the debootstrap arguments below change.
#
# `run` mounts /proc (the Swift runtime reads /proc/self/cmdline; dpkg and man need it too) and binds /dev in a
# mount namespace of its own (unshare --mount), so the mounts are private to that one command, are never seen by
# the host, and go when it ends even if it is killed; a trap unmounts them too. The command gets an empty
# environment but PATH, HOME and the NAME=VALUE pairs given. chroot keeps the network namespace: the command
# reaches servers on the host's loopback.
#
# Needs root, debootstrap and debian-archive-keyring (scripts/packages.txt), flock and unshare (util-linux).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

suite=bullseye
variant=minbase
include=libcurl4,ca-certificates,man-db,bash-completion
arch=amd64
cache=${OCC_USERLAND_CACHE:-/var/cache/orchestrator-client}
tarball=$cache/$suite-$arch-root.tar

die() { echo "older-userland-root.sh: $*" >&2; exit 1; }

# What the tarball was made with; a different value makes it again.
recipe() { echo "debootstrap --arch=$arch --variant=$variant --include=$include $suite"; }

# Makes the tarball unless it exists with the current recipe. Under the lock: one debootstrap at a time.
ensure_tarball() {
    mkdir -p "$cache"
    exec 9>"$cache/$suite-$arch-root.lock"
    flock 9
    if [ -f "$tarball" ] && [ "$(cat "$tarball.recipe" 2>/dev/null)" = "$(recipe)" ]; then
        exec 9>&-
        return
    fi
    command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
    local mirror
    mirror=$(bash "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh")
    build=$(mktemp -d "$cache/build.XXXXXX")
    # Removed whatever happens (global, for the trap). debootstrap mounts /proc and /sys in the root while it works:
    # in a mount namespace of its own, those go with it, even if it is killed, and never reach the host.
    trap 'rm -rf --one-file-system "$build" "$build.log" "$tarball.tmp" "$tarball.recipe.tmp"' EXIT
    echo "older-userland-root.sh: debootstrap $suite from $mirror into $build (once; then $tarball)" >&2
    if ! unshare --mount --propagation private -- debootstrap --arch="$arch" --variant="$variant" --include="$include" "$suite" "$build" "$mirror" >"$build.log" 2>&1; then
        tail -n 30 "$build.log" >&2
        [ -f "$build/debootstrap/debootstrap.log" ] && tail -n 30 "$build/debootstrap/debootstrap.log" >&2
        rm -f "$build.log"
        die "debootstrap failed"
    fi
    rm -f "$build.log"
    # The downloaded packages are not needed in the root.
    rm -f "$build"/var/cache/apt/archives/*.deb
    tar --numeric-owner -C "$build" -cf "$tarball.tmp" .
    recipe >"$tarball.recipe.tmp"
    mv "$tarball.tmp" "$tarball"
    mv "$tarball.recipe.tmp" "$tarball.recipe"
    rm -rf --one-file-system "$build"
    trap - EXIT
    exec 9>&-
}

# Unmounts everything mounted at or below $1, deepest first (only left by a `run` killed before its namespace
# went, which cannot happen with unshare; checked anyway before deleting).
unmount_below() {
    local target
    findmnt -rn -o TARGET | awk -v root="$1" 'index($0, root "/") == 1 || $0 == root' | sort -r | while read -r target; do
        umount -l "$target" || true
    done
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || die "usage: $0 make|run|remove DIR [...]"
shift 2

case $command in
make)
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    ensure_tarball
    tar --numeric-owner -C "$dir" -xpf "$tarball"
    ;;
run)
    dir=$(cd "$dir" && pwd)
    [ -x "$dir/usr/bin/env" ] || die "$dir is not a root made by '$0 make'"
    environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
    while [ $# -gt 0 ] && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do environment+=("$1"); shift; done
    [ $# -gt 0 ] || die "run: no command"
    # The inner shell: mounts, runs the command in the root, unmounts (trap), says the command's status.
    exec unshare --mount --propagation private -- bash -c '
        dir=$1; shift
        trap "umount \"\$dir/dev\" 2>/dev/null; umount \"\$dir/proc\" 2>/dev/null" EXIT
        mount -t proc proc "$dir/proc"
        mount --bind /dev "$dir/dev"
        chroot "$dir" /usr/bin/env -i "$@"
    ' bash "$dir" "${environment[@]}" "$@"
    ;;
remove)
    [ -e "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    [ "$dir" != / ] || die "refusing to remove /"
    unmount_below "$dir"
    # --one-file-system: should anything still be mounted below, it is left alone rather than emptied.
    rm -rf --one-file-system "$dir"
    ;;
*)
    die "unknown command $command (make, run, remove)"
    ;;
esac
